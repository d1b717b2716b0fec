from tracker.extract.sentences import sentence_spans


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_abbreviations_do_not_end_sentences() -> None:
    text = (
        "Apple Inc. said on Monday it would buy more parts. Shares of Hon Hai Precision "
        "Industry Co. rose 3%. The U.S. Commerce Department disagreed."
    )
    assert sentences(text) == [
        "Apple Inc. said on Monday it would buy more parts.",
        "Shares of Hon Hai Precision Industry Co. rose 3%.",
        "The U.S. Commerce Department disagreed.",
    ]


def test_newlines_and_cjk_punctuation_end_sentences() -> None:
    text = "Headline without a stop\n台積電表示，產能滿載。聯發科也同意。\nLast one?"
    assert sentences(text) == [
        "Headline without a stop",
        "台積電表示，產能滿載。",
        "聯發科也同意。",
        "Last one?",
    ]


def test_quotes_and_questions() -> None:
    text = 'He said "demand is strong." Then what? Nobody knows!'
    assert sentences(text) == ['He said "demand is strong."', "Then what?", "Nobody knows!"]


def test_empty_and_blank_text() -> None:
    assert sentence_spans("") == []
    assert sentence_spans("  \n \n") == []
