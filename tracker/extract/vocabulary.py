"""Words that show a sentence is about the electronics business, not fruit or sport."""

from __future__ import annotations

import re

from tracker.extract.prefilter import first_chars

# Matched case-insensitively as whole words (a trailing "s" is allowed). Each names the
# business of companies; everyday words that also have that sense ("share", "phone", "model",
# "order", "core", "platform") are left out: "I do not share Ford's horror" is no evidence.
SUPPLY_CHAIN_WORDS = (
    "chip", "chipmaker", "chipset", "semiconductor", "foundry", "fab", "wafer", "supplier",
    "smartphone", "iphone", "ipad", "processor", "cpu", "gpu", "soc", "modem",
    "memory", "dram", "nand", "hbm", "display", "panel", "oled", "assembler", "assembly",
    "shipment", "component", "shareholder", "nasdaq", "nyse", "earnings", "revenue",
    "quarterly", "ceo", "data center", "datacenter", "server", "electronics",
    "accelerator", "licensing", "architecture", "cloud", "contract manufacturer",
    "customer", "technology", "silicon", "packaging", "export control",
    "tariff", "laptop", "notebook", "headset", "wearable", "battery", "sensor", "camera module",
    "artificial intelligence", "startup", "antitrust", "investor", "analyst",
    "subsidiary", "acquisition", "design win", "inc", "corp", "hyperscaler", "data centre",
    "automaker", "carmaker", "manufacturer", "vendor", "company", "electric vehicle", "ev",
    "graphics card", "motherboard", "factory", "plant", "market share", "stock price",
    "supply", "supplies", "supplied", "supplying", "orders from", "order from",
)  # fmt: skip

COMPANY_SUFFIXES = (
    "Inc", "Inc.", "Corp", "Corp.", "Corporation", "Co", "Co.", "Ltd", "Ltd.", "Limited",
    "Holdings", "Group", "Technology", "Technologies", "plc", "PLC", "AG", "SA", "SE", "NV",
    "N.V.", "GmbH", "KK", "Co.,", "Incorporated",
)  # fmt: skip

# After an IP vendor's name these mean the architecture, not the company ("Arm-based").
ARCHITECTURE_SUFFIXES = ("-based", "-powered", "-compatible", " architecture", " instruction set")


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def word_pattern(words: tuple[str, ...] | list[str]) -> re.Pattern[str] | None:
    """A case-insensitive whole-word pattern for ``words`` (plural -s allowed). Words in
    Chinese, Japanese or Korean script match anywhere: those languages put no spaces
    between words."""
    cleaned = sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    spaced = [w for w in cleaned if not _UNSPACED.search(w)]
    unspaced = [w for w in cleaned if _UNSPACED.search(w)]
    parts = []
    if spaced:
        body = "|".join(re.escape(w) for w in spaced)
        # after the word start, a look-ahead at the words' first letters: most words fail
        # it at once instead of trying every alternative (case-insensitive, each is a call)
        initials = first_chars(body)
        guard = "(?=[" + "".join(map(re.escape, initials)) + "])" if initials else ""
        parts.append(rf"(?<![\w-]){guard}(?:{body})(?:s|es)?(?!\w)")
    if unspaced:
        parts.append("|".join(re.escape(w) for w in unspaced))
    return re.compile("|".join(parts), re.IGNORECASE)


SUPPLY_CHAIN_RE = word_pattern(list(SUPPLY_CHAIN_WORDS))

# Words that show a sentence is about companies and their business, in the other languages
# the tracker reads (a page's own language decides which list counts; loanwords such as
# "Chip" or "Smartphone" are listed where they are used).
BUSINESS_WORDS: dict[str, tuple[str, ...]] = {
    "de": (
        "Chip",
        "Chips",
        "Halbleiter",
        "Hersteller",
        "Zulieferer",
        "Lieferant",
        "Lieferanten",
        "Konzern",
        "Unternehmen",
        "Firma",
        "Aktie",
        "Aktien",
        "Umsatz",
        "Smartphone",
        "Smartphones",
        "Display",
        "Displays",
        "Fabrik",
        "Werk",
        "Produktion",
        "Speicher",
        "Prozessor",
        "Prozessoren",
        "Elektronik",
        "Technologie",
        "Batterie",
        "Batterien",
        "Autobauer",
        "Autokonzern",
        "Chiphersteller",
        "Auftrag",
        "Aufträge",
        "Kunde",
        "Kunden",
        "Quartal",
        "Gewinn",
        "Bildschirm",
        "Bildschirme",
        "Gigafactory",
        "Zellen",
        "Gruppe",
        "Tochter",
        "Chef",
        "Vorstand",
        "Börse",
        "Markt",
        "liefert",
        "liefern",
        "produziert",
        "Grafikkarte",
        "Notebook",
        "Laptop",
        "Modell",
        "Fahrzeug",
        "Fahrzeuge",
        "Elektroauto",
    ),
    "fr": (
        "puce",
        "puces",
        "semi-conducteur",
        "semi-conducteurs",
        "fabricant",
        "fournisseur",
        "fournisseurs",
        "usine",
        "entreprise",
        "société",
        "groupe",
        "smartphone",
        "écran",
        "batterie",
        "processeur",
        "client",
        "clients",
        "commande",
        "trimestre",
        "constructeur",
        "action",
        "bourse",
        "filiale",
    ),
    "es": (
        "chip",
        "chips",
        "semiconductores",
        "fabricante",
        "proveedor",
        "proveedores",
        "empresa",
        "compañía",
        "grupo",
        "smartphone",
        "pantalla",
        "batería",
        "procesador",
        "cliente",
        "fábrica",
        "trimestre",
        "acciones",
        "filial",
    ),
    "it": (
        "chip",
        "semiconduttori",
        "produttore",
        "fornitore",
        "fornitori",
        "azienda",
        "società",
        "gruppo",
        "smartphone",
        "schermo",
        "batteria",
        "processore",
        "cliente",
        "fabbrica",
        "trimestre",
        "azioni",
    ),
    "pt": (
        "chip",
        "chips",
        "semicondutores",
        "fabricante",
        "fornecedor",
        "empresa",
        "grupo",
        "smartphone",
        "tela",
        "bateria",
        "processador",
        "cliente",
        "fábrica",
        "ações",
    ),
    "pl": (
        "chip",
        "chipy",
        "procesor",
        "procesory",
        "producent",
        "dostawca",
        "dostawcy",
        "firma",
        "spółka",
        "koncern",
        "smartfon",
        "smartfony",
        "ekran",
        "półprzewodniki",
        "półprzewodników",
        "bateria",
        "fabryka",
        "klient",
        "akcje",
        "grupa",
    ),
    "nl": (
        "chip",
        "chips",
        "halfgeleider",
        "fabrikant",
        "leverancier",
        "bedrijf",
        "concern",
        "smartphone",
        "scherm",
        "batterij",
        "processor",
        "klant",
        "fabriek",
        "aandelen",
    ),
}
# Chinese, Japanese and Korean: matched as substrings (no spaces between words).
BUSINESS_SUBSTRINGS: dict[str, tuple[str, ...]] = {
    "zh": (
        "芯片",
        "半导体",
        "半導體",
        "晶片",
        "供应",
        "供應",
        "代工",
        "手机",
        "手機",
        "公司",
        "集团",
        "集團",
        "屏幕",
        "面板",
        "电池",
        "電池",
        "晶圆",
        "晶圓",
        "处理器",
        "处理器",
        "订单",
        "訂單",
        "客户",
        "客戶",
        "厂商",
        "廠商",
        "股价",
        "營收",
        "营收",
        "制造",
        "製造",
    ),
    "ja": (
        "半導体",
        "供給",
        "部品",
        "工場",
        "量産",
        "受注",
        "調達",
        "社",
        "スマートフォン",
        "パネル",
        "ディスプレイ",
        "チップ",
        "メーカー",
        "電池",
        "顧客",
        "製造",
    ),
    "ko": (
        "반도체",
        "공급",
        "부품",
        "생산",
        "업체",
        "디스플레이",
        "패널",
        "스마트폰",
        "카메라",
        "칩",
        "고객",
        "공장",
        "제조",
        "배터리",
    ),
}
