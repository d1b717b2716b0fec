"""`tracker graph export`: the whole supplier graph, for Gephi, networkx or a notebook."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tracker.cli.exposure import load_world, resolve_times
from tracker.cli.output import dumps, stderr
from tracker.cli.state import state
from tracker.errors import UsageError

app = typer.Typer(help="The supplier graph: export it.", no_args_is_help=True)


class GraphFormat(StrEnum):
    """Formats of `tracker graph export`."""

    graphml = "graphml"
    json = "json"


@app.command("export")
def export(
    ctx: typer.Context,
    fmt: Annotated[
        GraphFormat, typer.Option("--format", help="graphml or json (nodes and links).")
    ] = GraphFormat.graphml,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default stdout).")
    ] = None,
    current_only: Annotated[
        bool, typer.Option("--current-only", help="Leave out links the news says ended.")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Weights as of this time (default now).")
    ] = None,
) -> None:
    """Every supplier link, supplier -> customer: kind (declared, reported or both), evidence
    counts, status, first and last seen, weight. GraphML is directed and readable by networkx
    (`networkx.read_graphml`), Gephi and yEd; JSON is `{"nodes": [...], "links": [...]}`."""
    from tracker.exposure import SupplyGraph, graph_records, reported_links, to_graphml
    from tracker.store.exposure_queries import StoreExposureData

    st = state(ctx)
    _, now = resolve_times(None, as_of)
    store = st.stored
    world = load_world(st)
    settings = st.settings.exposure
    with store.session() as session:
        facts = StoreExposureData(session).relation_facts(end=now)
    graph = SupplyGraph(world.declared, reported_links(facts, now, settings.half_life_days))
    nodes, links = graph_records(world, graph, current_only=current_only)
    if fmt is GraphFormat.graphml:
        text = to_graphml(nodes, links)
    else:
        text = dumps(
            {
                "directed": True,
                "multigraph": False,
                "graph": {"as_of": now, "half_life_days": settings.half_life_days},
                "nodes": nodes,
                "links": links,
            },
            indent=2,
        )
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        try:
            output.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"graph export: {output}: cannot write ({exc.strerror})") from exc
    kinds = {k: sum(1 for link in links if link["kind"] == k) for k in ("declared", "reported")}
    both = sum(1 for link in links if link["kind"] == "both")
    stderr.print(
        f"{len(nodes)} companies, {len(links)} links ({kinds['declared']} declared, "
        f"{kinds['reported']} reported, {both} both)" + (f" written to {output}" if output else "")
    )


__all__ = ["app"]
