"""Words that show a sentence is about the electronics business, not fruit or sport."""

from __future__ import annotations

import re

# Matched case-insensitively as whole words (a trailing "s" is allowed).
SUPPLY_CHAIN_WORDS = (
    "chip", "chipmaker", "chipset", "semiconductor", "foundry", "fab", "wafer", "supplier",
    "smartphone", "phone", "iphone", "ipad", "processor", "cpu", "gpu", "soc", "modem",
    "memory", "dram", "nand", "hbm", "display", "panel", "oled", "assembler", "assembly",
    "shipment", "component", "share", "stock", "nasdaq", "nyse", "earnings", "revenue",
    "quarter", "ceo", "data center", "datacenter", "server", "device", "electronics",
    "accelerator", "licensing", "license", "architecture", "core", "cloud", "contract",
    "order", "customer", "tech", "technology", "silicon", "packaging", "export control",
    "tariff", "laptop", "pc", "headset", "wearable", "battery", "sensor", "camera module",
    "ai", "artificial intelligence", "startup", "antitrust", "investor", "analyst",
    "subsidiary", "acquisition", "design win", "node", "nm", "inc", "corp", "rack", "platform",
    "model", "hyperscaler", "data centre",
)  # fmt: skip

COMPANY_SUFFIXES = (
    "Inc", "Inc.", "Corp", "Corp.", "Corporation", "Co", "Co.", "Ltd", "Ltd.", "Limited",
    "Holdings", "Group", "Technology", "Technologies", "plc", "PLC", "AG", "SA", "SE", "NV",
    "N.V.", "GmbH", "KK", "Co.,", "Incorporated",
)  # fmt: skip

# After an IP vendor's name these mean the architecture, not the company ("Arm-based").
ARCHITECTURE_SUFFIXES = ("-based", "-powered", "-compatible", " architecture", " instruction set")


def word_pattern(words: tuple[str, ...] | list[str]) -> re.Pattern[str] | None:
    """A case-insensitive whole-word pattern for ``words`` (plural -s allowed)."""
    cleaned = sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    body = "|".join(re.escape(w) for w in cleaned)
    return re.compile(rf"(?<![\w-])(?:{body})(?:s|es)?(?!\w)", re.IGNORECASE)


SUPPLY_CHAIN_RE = word_pattern(list(SUPPLY_CHAIN_WORDS))
