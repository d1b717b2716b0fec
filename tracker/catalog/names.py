"""Pure: a name someone typed, resolved to one known name, the same way everywhere.

A company, a product, a source, a watchlist: the CLI and the configuration name them, and
one index answers for each of them, in this order:

1. exactly a known name or one of its aliases, in any case (``tsmc``, ``Hon Hai``, ``立讯精密``);
2. the same once folded: full-width forms made plain (Unicode NFKC), case ignored, and
   everything but letters and digits dropped (``SK-Hynix``, ``Ｌｕｘｓｈａｒｅ``, ``TSMC.``), when
   the folded form names one thing only;
3. otherwise nothing, with the closest known name (rapidfuzz's WRatio) to suggest: a near
   miss is never taken for a name, since an answer about the wrong company is worse than a
   question.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from rapidfuzz import fuzz, process, utils

from tracker.catalog.gazetteer import Gazetteer
from tracker.catalog.products import Catalog
from tracker.errors import UsageError

SUGGEST_CUTOFF = 75  # WRatio (0-100) from which a known name is offered as "did you mean"


def fold(text: str) -> str:
    """``text`` with width, case and punctuation ignored: the letters and digits of its NFKC
    form, case-folded (``"ＳＫ-Hynix"`` -> ``"skhynix"``)."""
    plain = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in plain if ch.isalnum())


class Names:
    """The known names of one kind of thing (``what``: company, product, source...), each
    with the forms it may be written in."""

    def __init__(
        self,
        what: str,
        entries: Iterable[tuple[str, Iterable[str]]],
        *,
        see: str = "",
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self.what = what
        self.see = see  # where the known names are listed, e.g. "tracker vendors list"
        self._labels = labels or {}  # how to show a name, when not as itself (a product's id)
        self.names: list[str] = []
        self._verbatim: dict[str, str] = {}
        self._exact: dict[str, str] = {}
        self._folded: dict[str, set[str]] = {}
        for name, forms in entries:
            self.names.append(name)
            for form in (name, *forms):
                form = form.strip()
                if not form:
                    continue
                self._verbatim.setdefault(form, name)
                self._exact.setdefault(form.casefold(), name)
                key = fold(form)
                if key:
                    self._folded.setdefault(key, set()).add(name)

    def __len__(self) -> int:
        return len(self.names)

    def find(self, text: str) -> str | None:
        """The name ``text`` stands for, or None."""
        typed = text.strip()
        exact = self._verbatim.get(typed) or self._exact.get(typed.casefold())
        if exact is not None:
            return exact
        candidates = self._folded.get(fold(typed), set())
        return next(iter(candidates)) if len(candidates) == 1 else None

    def suggest(self, text: str) -> str | None:
        """The known name closest to ``text`` (``None`` when nothing is close)."""
        if not self._verbatim:
            return None
        best = process.extractOne(
            text.strip(),
            list(self._verbatim),
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=SUGGEST_CUTOFF,
        )
        if best is None:
            return None
        name = self._verbatim[best[0]]
        return self._labels.get(name, name)

    def hint(self, text: str) -> str:
        """What to say after "no ... named X": the closest name, or where the names are,
        or which names there are when they are few."""
        ambiguous = sorted(self._labels.get(n, n) for n in self._folded.get(fold(text), set()))
        if len(ambiguous) > 1:
            return f" (it could be {', '.join(map(repr, ambiguous))}: give the full name)"
        best = self.suggest(text)
        if best is not None:
            return f" (did you mean {best!r}?)"
        if not self.names:
            return f" (there are none{'; see `' + self.see + '`' if self.see else ''})"
        if len(self.names) <= 8:
            return f" (known: {', '.join(self._labels.get(n, n) for n in self.names)})"
        return f" (see `{self.see}`)" if self.see else ""

    def unknown(self, text: str, option: str) -> str:
        """The one-line message for a name that resolves to nothing."""
        return f"{option}: no {self.what} named {text!r}{self.hint(text)}"

    def resolve(self, text: str, option: str) -> str:
        """The name ``text`` stands for; UsageError (exit code 2) with a hint otherwise.
        ``option`` says where the name was given (``search --vendor``)."""
        found = self.find(text)
        if found is None:
            raise UsageError(self.unknown(text, option))
        return found

    def resolve_all(self, texts: Sequence[str], option: str) -> list[str]:
        """Each of ``texts`` resolved, in order, without repeats."""
        return list(dict.fromkeys(self.resolve(t, option) for t in texts))


def vendor_names(gazetteer: Gazetteer, stored: Iterable[str] = ()) -> Names:
    """The companies of ``gazetteer`` by name, alias, legal name and ticker; plus ``stored``
    names (companies the database knows that the gazetteer may no longer list)."""
    entries: list[tuple[str, Iterable[str]]] = [
        (v.name, v.surface_forms()) for v in gazetteer.vendors.values()
    ]
    entries += [(name, ()) for name in stored if name not in gazetteer.vendors]
    return Names("company", entries, see="tracker vendors list")


def product_names(catalog: Catalog) -> Names:
    """Catalog entries (by id) under their id, name, aliases, part numbers and short names."""
    products = catalog.products.values()
    return Names(
        "product",
        ((p.id, (p.name, *p.long_forms(), *p.short_names)) for p in products),
        see="tracker catalog list",
        labels={p.id: p.name for p in products},
    )
