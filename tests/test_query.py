import pytest

from tracker.errors import QueryError
from tracker.query import parse_query, query_terms, to_fts5


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Luxshare", '"Luxshare"'),
        ("SK-hynix HBM", '("SK hynix" AND "HBM")'),
        ("tsmc OR samsung", '("tsmc" OR "samsung")'),
        ("cowos -intel", '("cowos" NOT "intel")'),
        ("cowos NOT intel", '("cowos" NOT "intel")'),
        ('"cowos capacity" nvid*', '("cowos capacity" AND "nvid"*)'),
        ("(apple OR qualcomm) AND modem", '(("apple" OR "qualcomm") AND "modem")'),
        ("台積電", '"台積電"'),
        ('say "hello', None),
    ],
)
def test_queries_render_to_fts5(query: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(QueryError, match="unclosed quote"):
            parse_query(query)
    else:
        assert to_fts5(parse_query(query)) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ("(tsmc", "unbalanced parentheses"),
        ("tsmc)", "unexpected"),
        ("()", "empty parentheses"),
        ("tsmc OR", "OR needs something"),
        ("OR tsmc", "expected a word"),
        ("NOT tsmc", "cannot only exclude"),
        ("-tsmc", "cannot only exclude"),
        ("tsmc AND", "AND needs something"),
        ("*** +++", "expected a word"),
    ],
)
def test_malformed_queries_say_why(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse_query(query)


def test_query_terms_skip_exclusions() -> None:
    assert query_terms(parse_query('hbm4 OR "high bandwidth" -samsung')) == [
        "hbm4",
        "high bandwidth",
    ]
