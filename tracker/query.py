"""Search queries: one small syntax, parsed once, rendered for each search engine.

Syntax: words (all must match), ``"exact phrases"``, ``prefix*``, ``OR``, ``NOT word`` or
``-word``, and parentheses. ``AND`` may be written but is implied. A query has at most 1,000
characters, 50 words, 10 prefix words and parentheses 10 deep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.errors import QueryError


@dataclass(frozen=True, slots=True)
class Term:
    """A word (or hyphenated compound) the text must contain; ``is_prefix`` for ``word*``."""

    text: str
    is_prefix: bool = False
    is_phrase: bool = False


@dataclass(frozen=True, slots=True)
class And:
    """All of ``include`` and none of ``exclude``."""

    include: tuple[Node, ...]
    exclude: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True)
class Or:
    """Any of ``options``."""

    options: tuple[Node, ...]


Node = Term | And | Or

# Bounds on what one query may ask, so that no search runs for minutes: its length, its
# words, its prefix words (each one reads a range of the index) and its nesting.
MAX_QUERY_CHARS = 1000
MAX_TERMS = 50
MAX_PREFIX_TERMS = 10
MAX_DEPTH = 10

_TOKEN = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<q>"[^"]*"?)|(?P<w>[^\s()"]+))')
_WORDS = re.compile(r"\w+")


def _tokens(query: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    while pos < len(query):
        match = _TOKEN.match(query, pos)
        if match is None or match.end() == pos:
            break
        token = match.group(match.lastgroup or "w")
        if match.lastgroup == "q" and (len(token) < 2 or not token.endswith('"')):
            raise QueryError(f"search: unclosed quote in {query!r}")
        tokens.append(token)
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def error(self, message: str) -> QueryError:
        return QueryError(f"search: {message} in {self.query!r}")

    def parse(self) -> Node:
        if not self.tokens:
            raise self.error("empty query")
        self.check_size()
        node = self.parse_or()
        if self.peek() is not None:
            raise self.error(f"unexpected {self.peek()!r}")
        return node

    def check_size(self) -> None:
        """QueryError for a query past the bounds (``MAX_TERMS``, ``MAX_DEPTH``...)."""
        depth = deepest = 0
        for token in self.tokens:
            depth += (token == "(") - (token == ")")
            deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            raise QueryError(
                f"search: parentheses nested {deepest} deep (at most {MAX_DEPTH}); "
                "write the query flatter"
            )
        words = [t for t in self.tokens if t not in ("(", ")", "OR", "AND", "NOT")]
        if len(words) > MAX_TERMS:
            raise QueryError(
                f"search: {len(words)} words (at most {MAX_TERMS}); search for fewer at once"
            )
        prefixes = sum(1 for t in words if t.endswith("*"))
        if prefixes > MAX_PREFIX_TERMS:
            raise QueryError(
                f"search: {prefixes} prefix words (word*; at most {MAX_PREFIX_TERMS}); "
                "spell some of them out"
            )

    def parse_or(self) -> Node:
        options = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            if self.peek() in (None, ")", "OR"):
                raise self.error("OR needs something on both sides")
            options.append(self.parse_and())
        return options[0] if len(options) == 1 else Or(tuple(options))

    def parse_and(self) -> Node:
        include: list[Node] = []
        exclude: list[Node] = []
        while (token := self.peek()) is not None and token not in (")", "OR"):
            if token == "AND":
                self.take()
                if self.peek() in (None, ")", "OR", "AND"):
                    raise self.error("AND needs something on both sides")
                continue
            negated = False
            if token == "NOT":
                self.take()
                negated = True
                if self.peek() in (None, ")", "OR", "AND", "NOT"):
                    raise self.error("NOT needs a word after it")
            elif token.startswith("-") and len(token) > 1:
                self.tokens[self.pos] = token[1:]
                negated = True
            node = self.parse_primary()
            if node is None:
                continue
            (exclude if negated else include).append(node)
        if not include:
            if exclude:
                raise self.error("a query cannot only exclude words")
            raise self.error("expected a word")
        if len(include) == 1 and not exclude:
            return include[0]
        return And(tuple(include), tuple(exclude))

    def parse_primary(self) -> Node | None:
        token = self.take()
        if token == "(":
            if self.peek() == ")":
                raise self.error("empty parentheses")
            node = self.parse_or()
            if self.peek() != ")":
                raise self.error("unbalanced parentheses")
            self.take()
            return node
        if token == ")":
            raise self.error("unbalanced parentheses")
        if token.startswith('"'):
            words = _WORDS.findall(token[1:-1])
            return Term(" ".join(words), is_phrase=True) if words else None
        is_prefix = token.endswith("*")
        words = _WORDS.findall(token)
        if not words:
            return None
        return Term(" ".join(words), is_prefix=is_prefix, is_phrase=len(words) > 1)


def parse_query(query: str) -> Node:
    """Parse a user's search query; QueryError with a one-line reason when malformed or
    larger than a search may be (``MAX_QUERY_CHARS``, ``MAX_TERMS``, ``MAX_PREFIX_TERMS``,
    ``MAX_DEPTH``)."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(
            f"search: the query has {len(query):,} characters (at most {MAX_QUERY_CHARS:,}); "
            "search for fewer words at once"
        )
    return _Parser(query).parse()


def to_fts5(node: Node) -> str:
    """Render a parsed query as an SQLite FTS5 MATCH expression."""
    if isinstance(node, Term):
        quoted = '"' + node.text.replace('"', '""') + '"'
        return quoted + ("*" if node.is_prefix else "")
    if isinstance(node, Or):
        return "(" + " OR ".join(to_fts5(option) for option in node.options) + ")"
    expr = " AND ".join(to_fts5(part) for part in node.include)
    if len(node.include) > 1:
        expr = f"({expr})"
    for part in node.exclude:
        expr = f"{expr} NOT {to_fts5(part)}"
    return f"({expr})" if node.exclude else expr


def query_terms(node: Node) -> list[str]:
    """The words a query looks for (not those it excludes), for highlighting."""
    if isinstance(node, Term):
        return [node.text]
    if isinstance(node, Or):
        return [t for option in node.options for t in query_terms(option)]
    return [t for part in node.include for t in query_terms(part)]


def _ts_lexeme(word: str) -> str:
    return "'" + word.replace("'", "''").replace("\\", "") + "'"


def to_tsquery(node: Node) -> str:
    """Render a parsed query for PostgreSQL's ``to_tsquery('simple', ...)``.

    Same meaning as ``to_fts5``: phrases keep word order (``<->``), ``word*`` is a prefix
    (``:*``), a query of excluded words only was already refused by the parser.
    """
    if isinstance(node, Term):
        lexemes = [_ts_lexeme(w.lower()) for w in node.text.split()]
        if node.is_prefix:
            lexemes[-1] += ":*"
        rendered = " <-> ".join(lexemes)
        return f"({rendered})" if len(lexemes) > 1 else rendered
    if isinstance(node, Or):
        return "(" + " | ".join(to_tsquery(option) for option in node.options) + ")"
    parts = [to_tsquery(part) for part in node.include]
    parts += [f"!{to_tsquery(part)}" for part in node.exclude]
    return "(" + " & ".join(parts) + ")" if len(parts) > 1 else parts[0]
