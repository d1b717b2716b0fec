"""The user's own vendors and parts, kept in the database and merged into the config's."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.catalog.parts import PartRow
from tracker.store.tables import UserPart, UserVendor, VendorCandidate


def _vendor_table(v: UserVendor) -> dict[str, Any]:
    return {
        "name": v.name,
        "kind": v.kind,
        "country": v.country,
        "aliases": [a for a in v.aliases.splitlines() if a.strip()],
        "parent": v.parent,
    }


def user_vendors(session: Session) -> list[dict[str, Any]]:
    """The user's vendors as gazetteer tables."""
    return [
        _vendor_table(v) for v in session.exec(select(UserVendor).order_by(col(UserVendor.name)))
    ]


def user_vendor(session: Session, name: str) -> dict[str, Any] | None:
    """The user's table for the vendor ``name`` (exact name), if there is one."""
    row = session.get(UserVendor, name)
    return _vendor_table(row) if row is not None else None


def save_user_vendor(session: Session, table: dict[str, Any]) -> None:
    """Write one of the user's vendors (``catalog.gazetteer.plan_addition`` merged it)."""
    name = str(table["name"])
    row = session.get(UserVendor, name) or UserVendor(
        name=name, kind=str(table["kind"]), created_at=datetime.now(UTC)
    )
    row.kind = str(table["kind"])
    row.country = str(table.get("country", ""))
    row.parent = str(table.get("parent", ""))
    row.aliases = "\n".join(table.get("aliases", []))
    session.add(row)
    session.flush()


def delete_user_vendor(session: Session, name: str) -> None:
    """Forget the user's vendor ``name`` (exact name)."""
    row = session.get(UserVendor, name)
    if row is not None:
        session.delete(row)
        session.flush()


def user_parts(session: Session) -> list[UserPart]:
    """The user's parts list."""
    return list(session.exec(select(UserPart).order_by(col(UserPart.part_number))))


def stored_parts(session: Session) -> dict[str, PartRow]:
    """The user's parts list as rows, by part number."""
    return {
        p.part_number: PartRow(
            p.part_number,
            p.name,
            p.vendor,
            p.category,
            tuple(u.strip() for u in p.used_in.split(";") if u.strip()),
        )
        for p in user_parts(session)
    }


def save_user_part(session: Session, part: PartRow) -> None:
    """Write a row of the user's parts list (``catalog.parts.merge_rows`` merged it)."""
    row = session.get(UserPart, part.part_number) or UserPart(
        part_number=part.part_number,
        name=part.name,
        category=part.category,
        imported_at=datetime.now(UTC),
    )
    row.name, row.vendor, row.category = part.name, part.vendor, part.category
    row.used_in = ";".join(part.used_in)
    row.imported_at = datetime.now(UTC)
    session.add(row)


def vendor_candidates(
    session: Session, limit: int = 50, min_count: int = 1
) -> list[tuple[str, int, int, list[str]]]:
    """(name, mentions, articles, example sentences) of unknown company names, most seen first."""
    rows = session.exec(
        select(
            VendorCandidate.name,
            func.count(),
            func.count(func.distinct(VendorCandidate.article_id)),
        )
        .group_by(col(VendorCandidate.name))
        .having(func.count() >= min_count)
        .order_by(func.count().desc(), col(VendorCandidate.name))
        .limit(limit)
    ).all()
    result: list[tuple[str, int, int, list[str]]] = []
    for name, mentions, articles in rows:
        examples = list(
            session.exec(
                select(VendorCandidate.sentence)
                .where(VendorCandidate.name == name)
                .order_by(col(VendorCandidate.id).desc())
                .limit(3)
            )
        )
        result.append((name, int(mentions), int(articles), list(dict.fromkeys(examples))))
    return result


def forget_candidates(session: Session, names: list[str]) -> int:
    """Drop candidate rows for names that are now known vendors."""
    rows = list(session.exec(select(VendorCandidate).where(col(VendorCandidate.name).in_(names))))
    for row in rows:
        session.delete(row)
    return len(rows)
