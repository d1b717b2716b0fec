"""Pure: the supplier graph as JSON records and GraphML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from tracker.exposure.graph import SupplyGraph, World


def graph_records(
    world: World, graph: SupplyGraph, *, current_only: bool = False
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Nodes (companies with kind and country) and links (supplier -> customer, with their kind,
    evidence counts, status, last seen and weight) of the whole supplier graph."""
    links: list[dict[str, Any]] = []
    names: set[str] = set()
    for edge in graph.edges.values():
        if current_only and not edge.is_current:
            continue
        r = edge.reported
        names |= {edge.supplier, edge.customer}
        links.append(
            {
                "source": edge.supplier,
                "target": edge.customer,
                "kind": edge.kind,
                "status": edge.status,
                "is_current": edge.is_current,
                "declared": len(edge.declared),
                "declared_products": "; ".join(dict.fromkeys(d.product for d in edge.declared))
                or None,
                "reported_articles": r.articles if r else 0,
                "reported_sources": r.sources if r else 0,
                "first_seen": r.first_at if r else None,
                "last_seen": r.last_at if r else None,
                "confidence": round(r.confidence, 3) if r else None,
                "weight": round(edge.strength, 4),
            }
        )
    nodes: list[dict[str, Any]] = []
    for name in sorted(names):
        vendor = world.gazetteer.vendors.get(name)
        nodes.append(
            {
                "id": name,
                "kind": vendor.kind if vendor else None,
                "country": (vendor.country if vendor else "") or None,
                "parent": (vendor.parent if vendor else "") or None,
            }
        )
    return nodes, links


_GRAPHML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def _graphml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


def to_graphml(nodes: Sequence[Mapping[str, Any]], links: Sequence[Mapping[str, Any]]) -> str:
    """GraphML (directed, supplier -> customer) that networkx, Gephi and yEd read; times are
    ISO 8601 UTC strings and absent values are left out."""
    ns = "http://graphml.graphdrawing.org/xmlns"
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}graphml")
    keys: dict[tuple[str, str], str] = {}

    def declare(domain: str, rows: Sequence[Mapping[str, Any]], skip: set[str]) -> None:
        for row in rows:
            for attr, value in row.items():
                if attr in skip or value is None or (domain, attr) in keys:
                    continue
                kind = _GRAPHML_TYPES.get(type(value), "string")
                key_id = f"{domain[0]}{len(keys)}"
                keys[(domain, attr)] = key_id
                ET.SubElement(
                    root,
                    f"{{{ns}}}key",
                    {"id": key_id, "for": domain, "attr.name": attr, "attr.type": kind},
                )

    declare("node", nodes, {"id"})
    declare("edge", links, {"source", "target"})
    graph = ET.SubElement(root, f"{{{ns}}}graph", {"id": "suppliers", "edgedefault": "directed"})
    for node in nodes:
        element = ET.SubElement(graph, f"{{{ns}}}node", {"id": str(node["id"])})
        for attr, value in node.items():
            if attr != "id" and value is not None:
                data = ET.SubElement(element, f"{{{ns}}}data", {"key": keys[("node", attr)]})
                data.text = _graphml_value(value)
    for i, link in enumerate(links):
        element = ET.SubElement(
            graph,
            f"{{{ns}}}edge",
            {"id": f"e{i}", "source": str(link["source"]), "target": str(link["target"])},
        )
        for attr, value in link.items():
            if attr not in ("source", "target") and value is not None:
                data = ET.SubElement(element, f"{{{ns}}}data", {"key": keys[("edge", attr)]})
                data.text = _graphml_value(value)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
