#!/usr/bin/env bash
# Chromium for the browser tests (tests/web/test_browser.py): Debian's package, installed when
# missing. Playwright drives it at /usr/bin/chromium; it never downloads a browser of its own.
set -euo pipefail

if ! command -v chromium >/dev/null; then
  echo "chromium is not installed: installing Debian's chromium package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q chromium
fi
echo "chromium: $(command -v chromium)" >&2
