"""Writes the encoding fixtures: one feed and one page per encoding (run once; output kept).

    .venv/bin/python tests/data/encodings/make_fixtures.py

Each sample is written in its own encoding, with the charset declared inside the document
(XML declaration, HTML meta), and once more without any declaration (``*.bare.html``).
``expected.json`` holds the title and a phrase that must come out intact.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

SAMPLES = {
    "iso-8859-1": {
        "codec": "latin-1",
        "title": "Fournisseurs d'Apple à Zhengzhou : la production reprend après la grève",
        "phrase": "Les sous-traitants électroniques déclarent une hausse de 12 % des coûts",
        "paragraphs": [
            "Les sous-traitants électroniques déclarent une hausse de 12 % des coûts de "
            "main-d'oeuvre depuis l'été, selon une étude publiée jeudi à Lyon.",
            "Foxconn a confirmé que la production des iPhone avait repris dans l'usine de "
            "Zhengzhou après une grève de trois jours. « Nous travaillons avec nos clients », "
            "a déclaré un porte-parole.",
            "À Stuttgart, die Zulieferer berichten über längere Lieferzeiten für Halbleiter; "
            "Bosch und Infineon erwarten eine Entspannung erst im Frühjahr. Größere Mengen "
            "gehen an Kunden in Südkorea und Österreich.",
        ],
    },
    "windows-1252": {
        "codec": "cp1252",
        "title": "TSMC’s “CoWoS” squeeze — what it means for Nvidia’s €-priced orders",
        "phrase": "Analysts said the shortage “will last well into 2027”",
        "paragraphs": [
            "Analysts said the shortage “will last well into 2027” as TSMC’s advanced "
            "packaging lines run at full tilt — and Nvidia’s customers in Europe pay in €.",
            "“We’re sold out,” one supplier executive said… Lead times for substrates have "
            "stretched to 40 weeks, while prices rose by about 8 ‰ per week in October.",
            "Café owners in Zürich aside, the naïve view that capacity doubles overnight is "
            "wrong: equipment from ASML and Tokyo Electron takes months to install • "
            "Qualcomm™ and Broadcom® are also queuing.",
        ],
    },
    "gb2312": {
        "codec": "gb2312",
        "title": "台积电计划在亚利桑那州建设第三座晶圆厂",
        "phrase": "苹果和英伟达是这座工厂的主要客户",
        "paragraphs": [
            "据知情人士透露，台积电计划在亚利桑那州建设第三座晶圆厂，苹果和英伟达是这座工厂的主要客户。"
            "新工厂预计将于二零二八年开始量产二纳米芯片。",
            "立讯精密表示，公司在越南北江省收购了一座占地三十八公顷的工厂，以扩大苹果产品的组装产能。"
            "分析师认为，这一举措有助于分散供应链风险。",
            "与此同时，三星电子和海力士正在加快高带宽内存的生产，以满足人工智能服务器的强劲需求。"
            "业内人士预计，内存价格将在下个季度继续上涨。",
        ],
    },
    "big5": {
        "codec": "big5",
        "title": "台積電先進封裝產能吃緊，輝達訂單排到明年",
        "phrase": "鴻海與廣達正在擴大人工智慧伺服器的組裝產能",
        "paragraphs": [
            "供應鏈消息指出，台積電的先進封裝產能持續吃緊，輝達的訂單已經排到明年第三季。"
            "鴻海與廣達正在擴大人工智慧伺服器的組裝產能。",
            "聯發科表示，新一代旗艦晶片將採用台積電三奈米製程，預計今年底開始出貨給手機客戶。"
            "法人認為，這將有助於提升公司的毛利率。",
            "在記憶體方面，南亞科與華邦電均表示，動態隨機存取記憶體的合約價格已連續兩季上漲，"
            "客戶庫存回到正常水準。",
        ],
    },
    "shift_jis": {
        "codec": "shift_jis",
        "title": "ＴＳＭＣ、熊本第二工場の建設を正式決定",
        "phrase": "ソニーとデンソーも出資する合弁会社が運営する",
        "paragraphs": [
            "台湾積体電路製造（ＴＳＭＣ）は、熊本県に第二工場を建設すると正式に発表した。"
            "ソニーとデンソーも出資する合弁会社が運営する。",
            "新工場では六ナノメートル品の生産を予定しており、自動車向けや産業機器向けの需要に対応する。"
            "経済産業省は最大七千億円を補助する方針だ。",
            "一方、村田製作所とＴＤＫは積層セラミックコンデンサーの納期が短縮したと説明した。"
            "スマートフォン向けの在庫調整が一巡したという。",
        ],
    },
    "utf-16": {
        "codec": "utf-16",
        "title": "Samsung Electronics와 SK hynix, HBM4 공급 확대 — 台積電 협력",
        "phrase": "삼성전자는 엔비디아에 HBM4 샘플을 공급했다고 밝혔다",
        "paragraphs": [
            "삼성전자는 엔비디아에 HBM4 샘플을 공급했다고 밝혔다. "
            "SK하이닉스도 양산 일정을 앞당겼다.",
            "업계에서는 台積電(TSMC)의 CoWoS 패키징 용량이 병목이 될 것으로 보고 있다. "
            "Die Nachfrage nach Speicherchips für KI-Server bleibt groß, "
            "sagte ein Analyst in München.",
            "한편 LG이노텍은 카메라 모듈 공급을 늘리기 위해 베트남 공장을 증설한다. "
            "Zulieferer in Österreich und Ungarn profitieren ebenfalls.",
        ],
    },
}


def page(title: str, paragraphs: list[str], charset: str | None) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>Example News Network</footer></body></html>"
    )


def feed(title: str, paragraphs: list[str], charset: str) -> str:
    return (
        f'<?xml version="1.0" encoding="{charset}"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://news.example/</link>"
        f"<item><title>{title}</title><link>http://news.example/a/1</link><guid>e-1</guid>"
        f"<description>{paragraphs[0]}</description></item></channel></rss>"
    )


def main() -> None:
    expected = {}
    for label, sample in SAMPLES.items():
        codec, title, paragraphs = sample["codec"], sample["title"], sample["paragraphs"]
        assert isinstance(codec, str)
        assert isinstance(title, str)
        assert isinstance(paragraphs, list)
        (HERE / f"{label}.html").write_bytes(page(title, paragraphs, label).encode(codec))
        (HERE / f"{label}.bare.html").write_bytes(page(title, paragraphs, None).encode(codec))
        (HERE / f"{label}.xml").write_bytes(feed(title, paragraphs, label).encode(codec))
        expected[label] = {"title": title, "phrase": sample["phrase"]}
    (HERE / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
