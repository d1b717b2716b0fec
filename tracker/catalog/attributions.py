"""Outlets, research firms and brokerages: who a claim is attributed to, never a vendor."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import ConfigError


@dataclass(frozen=True, slots=True)
class AttributionSource:
    """A news outlet, analyst firm, brokerage or rating agency."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()

    def surface_forms(self) -> tuple[str, ...]:
        """The name and its aliases."""
        return tuple(dict.fromkeys(f for f in (self.name, *self.aliases) if len(f.strip()) >= 2))


def load_attributions(path: Path) -> list[AttributionSource]:
    """Read ``[[source]]`` tables; an absent file gives none."""
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"attributions: {path}: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"attributions: {path}: cannot be read as a file (extract.attributions_file): {exc}"
        ) from exc
    sources: list[AttributionSource] = []
    for i, raw in enumerate(data.get("source", []), 1):
        if not raw.get("name"):
            raise ConfigError(f"attributions: {path}: source #{i} has no name")
        sources.append(
            AttributionSource(
                name=str(raw["name"]),
                kind=str(raw.get("kind", "outlet")),
                aliases=tuple(str(a) for a in raw.get("aliases", [])),
            )
        )
    return sources
