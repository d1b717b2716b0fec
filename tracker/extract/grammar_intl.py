"""Supply grammars for German, French, Chinese, Japanese and Korean news.

The common forms only: "S liefert an C", "C bezieht von S", "TSMCs Kunden AMD und Apple";
"S fournit C", "client de S", "produits par S"; 供应/供應, 代工, 采用/搭载, 供应商是 S, S 的
客户包括 C; S が C に供給, C は S の顧客, C 向け … S が供給; S 가 C 에 공급, S 로부터 매입.

Japanese and Korean mark a noun's role with a particle after it, so the rules read roles from
the particles (が/は: subject, に/へ/向け: recipient, から/より: source; 가/이/은/는: subject,
에/에게: recipient, 로부터/에서: source), not from word order.
"""

from __future__ import annotations

import re

from tracker.extract.grammar import (
    AV,
    BV,
    CJK_GAP,
    CV,
    GAP,
    SV,
    WORDS,
    C,
    Cues,
    Grammar,
    S,
    rule,
)

# --- German ---------------------------------------------------------------------------------

_POS_DE = r"(?:s|'s|’s|')?"
_ROLE_DE = (
    r"(?:Zulieferer[ns]?|Lieferanten?|Hersteller[ns]?|Auftragsfertiger[ns]?|Fertiger[ns]?"
    r"|Chiplieferanten?|Ausrüster[ns]?|Produzenten?|Fertigungspartner[ns]?|Auftragsfertigern)"
)
_KUNDE = r"(?:Kunden?|Kundinnen|Abnehmer[ns]?|Auftraggeber[ns]?|Großkunden?|Hauptkunden?)"
_SUPPLY_DE = (
    r"(?:liefer\w*|geliefert|fertig\w*|gefertigt|produzier\w*|herstell\w*|hergestellt|baut|bauen"
    r"|gebaut|montier\w*|verkauf\w*|stellt|stellen|beliefer\w*)"
)
_LEAD_DE = r"\s*(?:\([^)]{0,40}\)\s*)?,?\s*" + WORDS % 6

GERMAN_RULES = (
    rule(
        "de_liefert_an",
        SV + _LEAD_DE + _SUPPLY_DE + r"\b" + GAP % 80 + r"\b(?:an|für|fuer)\s+(?:den|die|das"
        r"|dem|seinen?|ihren?)?\s*" + WORDS % 2 + C,
        r"liefer|fertig|produzier|herstell|baut|bauen|gebaut|montier|verkauf|stell",
    ),
    rule(
        "de_fuer_c_geliefert",
        SV + _LEAD_DE + r"\b(?:an|für|fuer)\s+(?:den|die|das|dem)?\s*" + C + GAP % 80 + r"\b"
        r"(?:geliefert|gefertigt|liefern|fertigen|produziert|produzieren|herstellen|hergestellt"
        r"|gebaut|bauen|montiert)\b",
        r"geliefert|gefertigt|liefern|fertigen|produziert|produzieren|herstell|gebaut|bauen"
        r"|montiert",
    ),
    rule(
        "de_beliefert",
        SV + _LEAD_DE + r"beliefer\w*\s+(?:den|die|das|dem)?\s*" + WORDS % 2 + CV,
        r"beliefer",
    ),
    rule(
        "de_bezieht_von",
        CV + GAP % 80 + r"\b(?:bezieh\w*|bezog\w*|bezogen|kauf\w*|bestell\w*|order\w*|erhält"
        r"|erhielt|bekommt|bekam|Liefervertrag|Liefervereinbarung|Lieferabkommen)\b"
        + GAP % 80
        + r"\b(?:von|bei|aus dem Hause)\s+(?:den|dem|der)?\s*"
        + S,
        r"bezieh|bezog|kauf|bestell|order|erhält|erhielt|bekommt|bekam|liefervertrag"
        r"|liefervereinbarung|lieferabkommen",
    ),
    rule(
        "de_c_role_s",
        CV + _POS_DE + r"\s+" + WORDS % 2 + _ROLE_DE + r"\s*,?\s*(?:wie\s+|darunter\s+)?" + SV,
        r"zulieferer|lieferant|hersteller|auftragsfertiger|fertiger|ausrüster|produzent",
        role=True,
    ),
    rule(
        "de_s_kunden",
        SV
        + _POS_DE
        + r"\s+"
        + GAP % 100
        + r"\b(?:seine[nmr]?|ihre[nmr]?|dessen|deren|die)?\s*"
        + WORDS % 3
        + _KUNDE
        + r"\s*(?:sind|wie|darunter|zählen|gehören|:|,)?\s*"
        + CV,
        r"kunde|kundinnen|abnehmer|auftraggeber",
        role=True,
    ),
    rule(
        "de_c_ist_kunde",
        CV + r"\s+(?:ist|sind|war|waren|gilt als|gelten als|bleibt|bleiben|wurde|wurden)\s+"
        r"(?:nun\s+|jetzt\s+|weiterhin\s+)?" + WORDS % 3 + _KUNDE + r"\s+(?:von\s+|bei\s+)?" + SV,
        r"kunde|abnehmer|auftraggeber",
        role=True,
    ),
    rule(
        "de_s_ist_role",
        SV + r"\s+(?:ist|sind|war|waren|gilt als|gelten als|bleibt|bleiben|wurde|wurden)\s+"
        r"(?:als\s+)?" + WORDS % 3 + _ROLE_DE + r"\s+(?:der|des|von|für|fuer)\s+" + WORDS % 3 + C,
        r"zulieferer|lieferant|hersteller|auftragsfertiger|fertiger|ausrüster|produzent",
        role=True,
    ),
    rule(
        "de_waehlt",
        CV + GAP % 60 + r"\b(?:entschied|entscheidet|setzt|setzte|wählte|wählt|beauftragt\w*"
        r"|vertraut|vertraute)\s+(?:sich\s+)?(?:für|auf)?\s*" + S,
        r"entschied|entscheidet|setzt|wählt|beauftragt|vertraut",
    ),
    rule(
        "de_waehlt_v2",
        r"\b(?:entschied|entscheidet|setzt|setzte|wählte|wählt|vertraut|vertraute)\s+(?:sich\s+)?"
        + CV
        + GAP % 40
        + r"\b(?:für|auf)\s+"
        + S,
        r"entschied|entscheidet|setzt|wählt|vertraut",
    ),
    rule(
        "de_auftrag_von",
        SV + GAP % 60 + r"\b(?:Auftrag|Aufträge|Bestellung\w*|Order\w*)\s+(?:von|aus dem Hause)"
        r"\s+" + C,
        r"auftrag|aufträge|bestellung|order",
    ),
    rule(
        "de_vertrag_mit",
        AV
        + GAP % 80
        + r"\b(?:Liefervertrag|Liefervereinbarung|Lieferabkommen|Liefervertr\w+)\b"
        + GAP % 40
        + r"\bmit\s+"
        + BV,
        r"liefervertr|liefervereinbarung|lieferabkommen",
    ),
)
GERMAN_CUES = Cues(
    negated=re.compile(
        r"\b(?:nicht mehr|keine[nrs]?|beendet|beenden|gekündigt|verloren|verliert|Absage"
        r"|aussortiert|ausgeschlossen|gestoppt|eingestellt|ersetzt|nicht)\b",
        re.IGNORECASE,
    ),
    planned=re.compile(
        r"\b(?:wird|werden|plant|planen|geplant|künftig|ab 20\d\d|wollen|vereinbart|soll"
        r"|sollen)\b",
        re.IGNORECASE,
    ),
    reported=re.compile(
        r"\b(?:angeblich|laut|zufolge|berichtet\w*|Bericht\w*|offenbar|wohl|gelten als|gilt als"
        r"|Gerücht\w*|Quellen|soll|sollen)\b",
        re.IGNORECASE,
    ),
    not_yet=re.compile(
        r"\b(?:Gespräche\w*|Verhandlung\w*|Muster|Proben|prüft|erwägt|könnte|könnten"
        r"|Probelieferung\w*)\b",
        re.IGNORECASE,
    ),
    apart=re.compile(
        r"\b(?:Konkurrent\w*|Rivale\w*|Wettbewerb\w*|gegen|Klage|verklagt|Beteiligung|beteiligt"
        r"|übernimm\w*|Übernahme|Tochter\w*|Joint Venture|investier\w*)\b",
        re.IGNORECASE,
    ),
    anaphor=re.compile(r"^(?:Das Unternehmen|Der Konzern|Die Firma|Der Hersteller|Er|Sie|Es)\b"),
)

# --- French ---------------------------------------------------------------------------------

_SUPPLY_FR = r"(?:fourni\w*|livr\w*|produi\w*|fabriqu\w*|assembl\w*|grav\w*|vend\w*)"
FRENCH_RULES = (
    rule(
        "fr_fournit_a",
        SV + GAP % 80 + r"\b" + _SUPPLY_FR + r"\b" + GAP % 80 + r"(?:\bà|\bpour|\baux?)\s+(?:l'|la"
        r"\s+|le\s+|les\s+)?" + C,
        r"fourni|livr|produi|fabriqu|assembl|grav|vend",
    ),
    rule(
        "fr_client_de",
        CV + GAP % 120 + r"\bclient(?:e)?s?\b[^\x03\x04.;]{0,30}?\s(?:de|du|d')\s*" + SV,
        r"client",
        role=True,
    ),
    rule(
        "fr_ses_clients",
        SV + GAP % 60 + r"\b(?:ses|leurs?)\s+(?:[\w-]+\s+){0,2}?clients?\s*(?:sont|comme|dont"
        r"|tels? que|:|,)?\s*" + CV,
        r"client",
        role=True,
    ),
    rule(
        "fr_par",
        C
        + GAP % 60
        + r"\b(?:produit|fabriqué|gravé|assemblé|fourni|conçu)e?s?\b"
        + GAP % 40
        + r"\bpar\s+"
        + S,
        r"produit|fabriqué|gravé|assemblé|fourni|conçu",
    ),
    rule(
        "fr_avance",
        CV
        + GAP % 60
        + r"\b(?:avancé|payé|versé|prépayé)\b"
        + GAP % 60
        + r"(?:\bà|\bau)\s+"
        + SV
        + GAP % 60
        + r"\bpour\s+(?:sécuriser|réserver|garantir|s'assurer)",
        r"sécuriser|réserver|garantir|assurer",
    ),
    rule(
        "fr_commande",
        CV + GAP % 60 + r"\bcommand\w*" + GAP % 40 + r"(?:\bà|\bauprès de|\bchez)\s+" + S,
        r"command",
    ),
)
FRENCH_CUES = Cues(
    negated=re.compile(
        r"(?:\bne\s+\w+\s+plus\b|\bn'\w+\s+plus\b|\bquitt\w*|\babandonn\w*|\bperd\w*|\bremplac\w*"
        r"|\btermin\w*|\brompu)",
        re.IGNORECASE,
    ),
    planned=re.compile(
        r"\b(?:va|vont|devrait|devraient|prévoit|prévu|sera|seront|futur\w*|à l'avenir)\b",
        re.IGNORECASE,
    ),
    reported=re.compile(
        r"\b(?:selon|rumeurs?|d'après|aurait|auraient|serait|seraient)\b", re.IGNORECASE
    ),
    not_yet=re.compile(
        r"\b(?:négoci\w*|discussions?|pourrait|pourraient|échantillons?)\b", re.IGNORECASE
    ),
    apart=re.compile(
        r"\b(?:concurren\w*|rival\w*|contre|procès|investi\w*|rachat|rachète|filiale"
        r"|coentreprise)\b",
        re.IGNORECASE,
    ),
    anaphor=re.compile(r"^(?:La société|L'entreprise|Le groupe|Le fabricant|Le fondeur|Il|Elle)\b"),
)

# --- Chinese --------------------------------------------------------------------------------

_SUPPLY_ZH = (
    r"(?:供应|供應|供货|供貨|提供|代工|生产|生產|制造|製造|组装|組裝|封装|封裝|交付|出货|出貨"
    r"|打造)"
)
_ROLE_ZH = (
    r"(?:供应商|供應商|代工厂|代工廠|代工商|组装厂|組裝廠|晶圆代工厂|晶圓代工廠|合作伙伴|合作夥伴"
    r"|供货商|供貨商)"
)
_ADOPT_ZH = (
    r"(?:新增|纳入|納入|引入|加入|选择|選擇|选定|選定|选用|選用|采用|採用|搭载|搭載|使用|依赖|依賴"
    r"|交由|委托|委託|基于|基於|导入|導入|订购|訂購|购买|購買|采购|採購)"
)
CHINESE_RULES = (
    rule(
        "zh_for_c_supply",
        SV + CJK_GAP % 20 + r"(?:为|為|向|给|給|替)\s*" + C + CJK_GAP % 30 + _SUPPLY_ZH,
        r"供|提供|代工|生产|生產|制造|製造|组装|組裝|封装|封裝|交付|出货|出貨|打造",
    ),
    rule(
        "zh_supply_c",
        SV
        + CJK_GAP % 20
        + r"(?:独家|獨家|主要|长期|長期)?(?:供应|供應|供货|供貨|代工)(?:给|給)?\s*"
        + C,
        r"供应|供應|供货|供貨|代工",
    ),
    rule(
        "zh_c_adopts_s",
        C + CJK_GAP % 20 + _ADOPT_ZH + r"(?:了|的)?\s*" + CJK_GAP % 6 + S,
        r"新增|纳入|納入|引入|加入|选|選|采用|採用|搭载|搭載|使用|依赖|依賴|交由|委托|委託|基于|基於"
        r"|导入|導入|订购|訂購|购买|購買|采购|採購",
    ),
    rule(
        "zh_c_role_is_s",
        C + CJK_GAP % 40 + _ROLE_ZH + r"\s*(?:是|为|為|包括|包含|有|如|则是|則是)\s*" + S,
        r"供应商|供應商|代工|组装厂|組裝廠|合作伙伴|合作夥伴|供货商|供貨商",
        role=True,
    ),
    rule(
        "zh_s_is_c_role",
        SV
        + r"\s*(?:是|为|為|成为|成為|作为|作為|身为|身為)\s*"
        + C
        + r"\s*(?:的)?\s*"
        + CJK_GAP % 10
        + _ROLE_ZH,
        r"供应商|供應商|代工|组装厂|組裝廠|合作伙伴|合作夥伴|供货商|供貨商",
        role=True,
    ),
    rule(
        "zh_s_customers",
        SV
        + r"\s*(?:的)?"
        + CJK_GAP % 20
        + r"(?:客户|客戶|订单|訂單|大客户|大客戶)\s*"
        + CJK_GAP % 10
        + r"(?:包括|包含|有|如|来自|來自|涵盖|涵蓋|为|為|是)\s*"
        + C,
        r"客户|客戶|订单|訂單",
        role=True,
    ),
    rule(
        "zh_c_customer_of_s",
        CV
        + r"\s*(?:是|为|為|成为|成為)\s*"
        + SV
        + r"\s*(?:的)?\s*"
        + CJK_GAP % 8
        + r"(?:客户|客戶)",
        r"客户|客戶",
        role=True,
    ),
    rule(
        "zh_c_orders_from_s",
        CV
        + CJK_GAP % 20
        + r"(?:向|从|從|跟)\s*"
        + SV
        + CJK_GAP % 20
        + r"(?:订购|訂購|采购|採購|购买|購買"
        r"|进货|進貨|下单|下單|拿货|拿貨|购入|購入)",
        r"订购|訂購|采购|採購|购买|購買|进货|進貨|下单|下單|拿货|拿貨|购入|購入",
    ),
    rule(
        "zh_by_s",
        C + CJK_GAP % 20 + r"由\s*" + S + r"\s*(?:独家|獨家|负责|負責)?\s*" + _SUPPLY_ZH,
        r"由",
    ),
    rule(
        "zh_c_books_s",
        CV
        + r"\s*"
        + CJK_GAP % 10
        + r"(?:预订|預訂|包下|获得|獲得|拿下|锁定|鎖定|吃下|吞噬|订下|訂下"
        r"|取得)[」”]?\s*(?:了)?\s*"
        + CJK_GAP % 10
        + SV
        + r"\s*(?:的)?\s*"
        + CJK_GAP % 12
        + r"(?:产能|產能|晶圆|晶圓|芯片|晶片)",
        r"产能|產能|晶圆|晶圓|芯片|晶片",
    ),
    rule(
        "zh_s_wins_c",
        SV
        + CJK_GAP % 10
        + r"(?:获得|獲得|拿下|赢得|贏得|斩获|斬獲|取得|接获|接獲)\s*(?:了)?\s*"
        + C
        + r"\s*(?:的)?\s*"
        + CJK_GAP % 12
        + r"(?:订单|訂單|合同|合約|大单|大單)",
        r"订单|訂單|合同|合約|大单|大單",
    ),
    rule(
        "zh_agreement",
        AV + r"\s*(?:与|與|和|跟|同)\s*" + BV + CJK_GAP % 20 + r"(?:签署|簽署|签订|簽訂|达成|達成"
        r"|敲定)" + CJK_GAP % 10 + r"(?:供应|供應|供货|供貨|采购|採購|代工)(?:协议|協議|合同|合約)",
        r"协议|協議|合同|合約",
    ),
)
CHINESE_CUES = Cues(
    negated=re.compile(
        r"(?:不再|停止|终止|終止|取消|退出|失去|未能|拒绝|拒絕|剔除|移除|踢出|砍单|砍單|没有拿到"
        r"|沒有拿到)"
    ),
    planned=re.compile(r"(?:将|將|计划|計劃|预计|預計|有望|拟|擬|未来|未來|即将|即將)"),
    reported=re.compile(
        r"(?:据|據|传|傳|消息|报道|報導|报导|援引|指出|称|稱|据悉|據悉|了解|業界|业界|报告|報告"
        r"|研调|研調)"
    ),
    not_yet=re.compile(
        r"(?:洽谈|洽談|谈判|談判|商谈|商談|送样|送樣|验证|驗證|或将|或將|考虑|考慮|争取|爭取)"
    ),
    apart=re.compile(
        r"(?:竞争|競爭|对手|對手|诉讼|訴訟|起诉|起訴|投资|投資|入股|收购|收購|合资|合資|子公司)"
    ),
    anaphor=re.compile(r"^(?:该公司|該公司|公司|其)"),
)

# After the first of several suppliers, each with its own subject particle, the gap to the
# verb may pass the others ("S1が約半分、S2が約30%を供給").
_CO_GAP = r"(?:[^\x03\x04。；;！？]|\x03\d+\x04){0,%d}?"

# --- Japanese -------------------------------------------------------------------------------

_SUBJ_JA = r"(?:の\d社)?\s*(?:が|は|も)"
_TO_JA = r"\s*(?:に|へ|向けに|向け|用に)"
_SUPPLY_JA = r"(?:供給|納入|出荷|量産|受託|製造|生産|提供|組み立て|組立)"
_BUY_JA = r"(?:調達|購入|買|仕入|採用|搭載)"
JAPANESE_RULES = (
    rule(
        "ja_s_ga_c_ni",
        SV + _SUBJ_JA + CJK_GAP % 40 + C + _TO_JA + _CO_GAP % 60 + _SUPPLY_JA,
        r"供給|納入|出荷|量産|受託|製造|生産|提供|組み立て|組立",
    ),
    rule(
        "ja_c_ni_s_ga",
        C + _TO_JA + CJK_GAP % 40 + SV + _SUBJ_JA + _CO_GAP % 60 + _SUPPLY_JA,
        r"供給|納入|出荷|量産|受託|製造|生産|提供|組み立て|組立",
    ),
    rule(
        "ja_c_kara_s",
        CV + r"\s*(?:が|は|も)" + CJK_GAP % 40 + SV + r"\s*(?:から|より)" + CJK_GAP % 40 + _BUY_JA,
        r"調達|購入|買|仕入|採用|搭載",
    ),
    rule(
        "ja_c_adopts_s",
        CV + r"\s*(?:が|は|も)" + CJK_GAP % 40 + SV + r"\s*(?:の|製の?)" + CJK_GAP % 30 + _BUY_JA,
        r"調達|購入|買|仕入|採用|搭載",
    ),
    rule(
        "ja_c_customer_of_s",
        CV
        + r"\s*(?:は|が|も)"
        + CJK_GAP % 30
        + SV
        + r"\s*の"
        + CJK_GAP % 20
        + r"(?:取引先|顧客|主要顧客|得意先|お客様|大口顧客)",
        r"取引先|顧客|得意先|お客様",
        role=True,
    ),
    rule(
        "ja_c_role_s",
        C + r"\s*の?" + CJK_GAP % 10 + r"(?:サプライヤー|供給元|供給業者|受託先|委託先|組立業者"
        r"|部品メーカー)\s*(?:である|です|は|、|の)?\s*" + SV,
        r"サプライヤー|供給元|供給業者|受託先|委託先|組立業者|部品メーカー",
        role=True,
    ),
    rule(
        "ja_s_role_c",
        SV
        + r"\s*(?:は|が)"
        + CJK_GAP % 20
        + C
        + r"\s*(?:の|向けの?)"
        + CJK_GAP % 20
        + r"(?:サプライヤー|供給元|供給業者|部品メーカー)",
        r"サプライヤー|供給元|供給業者|部品メーカー",
        role=True,
    ),
)
JAPANESE_CUES = Cues(
    negated=re.compile(r"(?:解消|終了|除外|打ち切|撤退|停止|しない|していない|切り捨て|やめ)"),
    planned=re.compile(r"(?:予定|計画|方針|する見通し|見通し|へ$)"),
    reported=re.compile(r"(?:という|とのこと|によると|報じ|伝え|関係者|とみられ|とされ|との見方)"),
    not_yet=re.compile(r"(?:交渉|検討|協議|可能性|サンプル|評価中|見込み)"),
    apart=re.compile(r"(?:競合|競争|ライバル|訴訟|提訴|出資|買収|合弁|子会社|売却)"),
    anaphor=re.compile(r"^(?:同社|同グループ)"),
)

# --- Korean ---------------------------------------------------------------------------------

_SUBJ_KO = r"\s*(?:가|이|은|는|도)"
_TO_KO = r"(?:\s*[가-힣A-Za-z0-9]{1,8})?\s*(?:에|에게|에도|에는)"
_SUPPLY_KO = r"(?:공급|납품|수출|생산|조립)"
KOREAN_RULES = (
    rule(
        "ko_s_ga_c_e",
        SV + _SUBJ_KO + CJK_GAP % 40 + C + _TO_KO + _CO_GAP % 60 + _SUPPLY_KO,
        r"공급|납품|수출|생산|조립",
    ),
    rule(
        "ko_c_e_s_ga",
        C + _TO_KO + CJK_GAP % 40 + SV + _SUBJ_KO + _CO_GAP % 60 + _SUPPLY_KO,
        r"공급|납품|수출|생산|조립",
    ),
    rule(
        "ko_c_from_s",
        CV
        + _SUBJ_KO
        + CJK_GAP % 40
        + SV
        + r"\s*(?:등\s*)?(?:으로부터|로부터|에서)"
        + CJK_GAP % 40
        + r"(?:매입|구매|조달|구입|수입|공급받)",
        r"매입|구매|조달|구입|수입|공급받",
    ),
    rule(
        "ko_c_adopts_s",
        C + _SUBJ_KO + CJK_GAP % 30 + SV + r"\s*(?:의)?" + CJK_GAP % 20 + r"(?:채택|탑재|사용)",
        r"채택|탑재|사용",
    ),
    rule(
        "ko_role",
        SV
        + _SUBJ_KO
        + CJK_GAP % 20
        + C
        + r"\s*의?\s*"
        + CJK_GAP % 10
        + r"(?:공급사|공급업체|협력사"
        r"|납품업체|파트너)",
        r"공급사|공급업체|협력사|납품업체|파트너",
        role=True,
    ),
)
KOREAN_CUES = Cues(
    negated=re.compile(r"(?:중단|철수|종료|않|못|제외|끊|거절|탈락)"),
    planned=re.compile(r"(?:예정|계획|할 것|방침|것으로 보인다)"),
    reported=re.compile(r"(?:전해졌다|알려졌다|따르면|보도|관계자|업계에|것으로 알려|추정)"),
    not_yet=re.compile(r"(?:검토|협상|논의|샘플|테스트|타진|가능성|전망)"),
    apart=re.compile(r"(?:경쟁|라이벌|소송|투자|인수|합작|자회사)"),
    anaphor=re.compile(r"^(?:이 회사|회사|동사)"),
)

GRAMMARS = {
    "de": Grammar("de", GERMAN_RULES, GERMAN_CUES),
    "fr": Grammar("fr", FRENCH_RULES, FRENCH_CUES),
    "zh": Grammar("zh", CHINESE_RULES, CHINESE_CUES),
    "ja": Grammar("ja", JAPANESE_RULES, JAPANESE_CUES),
    "ko": Grammar("ko", KOREAN_RULES, KOREAN_CUES),
}
