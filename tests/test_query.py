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


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("(" * 400 + "TSMC" + ")" * 400, "parentheses nested 400 deep (at most 10)"),
        ("a " * 300, "300 words (at most 50)"),
        ("a* " * 11, "11 prefix words (word*; at most 10)"),
        ("TSMC " * 300, "the query has 1,500 characters (at most 1,000)"),
        ("x" * 1_000_000, "the query has 1,000,000 characters (at most 1,000)"),
    ],
)
def test_a_query_past_the_bounds_is_refused_in_one_line(query: str, message: str) -> None:
    with pytest.raises(QueryError) as refused:
        parse_query(query)
    assert message in str(refused.value)
    assert len(str(refused.value)) < 120  # the query itself is not echoed back


def test_a_query_at_the_bounds_is_read() -> None:
    deep = "(" * 10 + "TSMC" + ")" * 10
    assert to_fts5(parse_query(deep)) == '"TSMC"'
    assert parse_query(" ".join(f"w{i}" for i in range(50)))
    assert parse_query(" ".join(f"w{i}*" for i in range(10)))
