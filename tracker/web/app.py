"""The web workspace: a Starlette application over the store, pages rendered on the server.

Safe by default: with neither a token nor users configured it serves whoever reaches it as an
analyst, which `tracker serve` allows on loopback only; with either, every page needs a login
(or the token as a Bearer header). Every POST carries the session's CSRF token; pages are sent
with a Content-Security-Policy that allows no inline script; everything taken from feeds is
escaped by Jinja's autoescape and only http(s) links are made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from tracker.errors import TrackerError
from tracker.web.digests import alerts_page, digests_page, next_page, sent_page, watchlists_page
from tracker.web.markup import mark_names, mark_text
from tracker.web.security import Signer, new_token, safe_url, same_secret, verify_password
from tracker.web.sources import add_source_post, try_source_post

if TYPE_CHECKING:
    from tracker.catalog.gazetteer import Gazetteer
    from tracker.config import Settings
    from tracker.exposure import ExposureReport, World
    from tracker.store import Store

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "tracker_session"
PER_PAGE = 20
FACET_DEPTH = 200  # the matches ranked, and counted by the facets: the newest this many
MAX_RESULTS = 1000
CHART_WEEKS = 26
RELATIONS_SHOWN = 50  # per side of a vendor page (its suppliers, its customers), latest first
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True, slots=True)
class Visitor:
    """Who is asking: a name and a role (viewer or analyst), or nobody (must log in)."""

    name: str
    role: str | None
    csrf: str

    @property
    def can_review(self) -> bool:
        return self.role == "analyst"


class Workspace:
    """The application's state: the store, the settings, the gazetteer, the cookie signer."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        gazetteer: Gazetteer | None = None,
        *,
        now: Callable[[], datetime] | None = None,
        world: World | None = None,
    ) -> None:
        self.store = store
        self._world = world
        self.settings = settings
        self.web = settings.web
        self.gazetteer = gazetteer
        self.signer = Signer(self.web.secret or new_token())
        self.now = now or (lambda: datetime.now(UTC))
        self.tz: tzinfo | None = settings.tzinfo()
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # the templates ship with the package: no stat() per page
        )
        self.templates.filters["when"] = self.when
        self.templates.filters["safe_url"] = safe_url
        self.templates.globals["url_with"] = url_with

    def world(self) -> World:
        """The companies, products and declared links exposure answers over (built once)."""
        if self._world is None:
            from tracker.catalog.gazetteer import load_gazetteer
            from tracker.catalog.products import load_catalog
            from tracker.exposure import World

            gazetteer = self.gazetteer or load_gazetteer(self.settings.vendors_file)
            self._world = World.build(gazetteer, load_catalog(self.settings.catalog_dir))
        return self._world

    def when(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")

    def render(
        self, request: Request, template: str, status: int | None = None, **context: Any
    ) -> Response:
        """The page ``template``; status 400 when the context carries an error, else 200."""
        visitor: Visitor = request.state.visitor
        html = self.templates.get_template(template).render(
            request=request, visitor=visitor, has_auth=self.web.has_auth, **context
        )
        return HTMLResponse(html, status_code=status or (400 if context.get("error") else 200))


def url_with(request: Request, **changes: Any) -> str:
    """The current page's URL with query parameters changed (None removes one); ``page``
    goes back to 1 unless it is changed."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    if "page" not in changes:
        params = [(k, v) for k, v in params if k != "page"]
    for key, value in changes.items():
        if value is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        params += [(key, str(v)) for v in values]
    return request.url.path + ("?" + urlencode(params) if params else "")


# --- sessions, authentication, CSRF -------------------------------------------------------


class Guard(BaseHTTPMiddleware):
    """Reads or starts the session, tells who the visitor is, sends the safety headers."""

    def __init__(self, app: Any, workspace: Workspace) -> None:
        super().__init__(app)
        self.ws = workspace

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        ws = self.ws
        raw = request.cookies.get(SESSION_COOKIE, "")
        session = ws.signer.unsign(raw) if raw else None
        is_new = session is None
        if session is None:
            session = {"u": "", "c": new_token()}
        visitor = Visitor(str(session.get("u", "")), current_role(ws, session), str(session["c"]))
        if not ws.web.has_auth:
            visitor = Visitor("local", "analyst", visitor.csrf)
        else:
            bearer = request.headers.get("authorization", "")
            if bearer.lower().startswith("bearer ") and same_secret(bearer[7:], ws.web.token):
                visitor = Visitor("token", ws.web.token_role, visitor.csrf)
        request.state.visitor = visitor
        request.state.session = session
        is_open = request.url.path.startswith("/static/") or request.url.path == "/login"
        if visitor.role is None and not is_open:
            if request.method == "GET":
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                response: Response = RedirectResponse(
                    "/login?" + urlencode({"next": target}), status_code=303
                )
            else:
                response = PlainTextResponse("log in first", status_code=401)
        else:
            response = await call_next(request)
        new = getattr(request.state, "new_session", None)
        if new is not None or is_new:
            set_session(ws, request, response, new if new is not None else session)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response


def current_role(ws: Workspace, session: dict[str, Any]) -> str | None:
    """The role of a session's user as the configuration says now: a user removed (or the
    token changed) since the login has none."""
    name = str(session.get("u", ""))
    if name == "token":
        return ws.web.token_role if session.get("t") == token_tag(ws) else None
    return next((user.role for user in ws.web.users if user.name == name), None)


def token_tag(ws: Workspace) -> str:
    """Tells the token a session logged in with apart from a later one, without holding it."""
    import hashlib

    return hashlib.sha256(("token:" + ws.web.token).encode()).hexdigest()[:16]


def set_session(
    ws: Workspace, request: Request, response: Response, session: dict[str, Any]
) -> None:
    max_age = ws.web.session_hours * 3600
    response.set_cookie(
        SESSION_COOKIE,
        ws.signer.sign(session, max_age),
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=ws.web.secure_cookies or request.url.scheme == "https",
    )


async def checked_form(request: Request) -> dict[str, str]:
    """The posted form, after its CSRF token and origin are checked (PermissionError)."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    visitor: Visitor = request.state.visitor
    if not same_secret(fields.get("csrf", ""), visitor.csrf):
        raise PermissionError("the form's CSRF token is missing or wrong: reload the page")
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise PermissionError("the form was posted from another site")
    return fields


async def analyst_form(request: Request, needs: str) -> dict[str, str] | Response:
    """The posted form of an analyst, CSRF checked; or the refusal (403), ``needs`` naming
    what was asked ("reviewing")."""
    try:
        form = await checked_form(request)
    except PermissionError as exc:
        return PlainTextResponse(str(exc), status_code=403)
    visitor: Visitor = request.state.visitor
    if not visitor.can_review:
        return PlainTextResponse(f"{needs} needs the analyst role", status_code=403)
    return form


def _local_target(target: str | None, default: str = "/") -> str:
    """Where to go after a form: a path of this site only."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    # Browsers drop tabs and newlines from URLs ("/\t/evil" is "//evil") and read "\" as "/".
    if "\\" in target or any(ch < " " or ch == "\x7f" for ch in target):
        return default
    return target


# --- pages ------------------------------------------------------------------------------


def _ws(request: Request) -> Workspace:
    ws = request.app.state.workspace
    assert isinstance(ws, Workspace)
    return ws


def home(request: Request) -> Response:
    return RedirectResponse("/search", status_code=303)


def search_page(request: Request) -> Response:
    from tracker.cli.search import parse_when
    from tracker.query import parse_query
    from tracker.store.pages import recent_articles
    from tracker.store.search import HIGHLIGHT_END, HIGHLIGHT_START, search_facets
    from tracker.store.search import search_page as run_search

    ws = _ws(request)
    params = request.query_params
    q = params.get("q", "").strip()
    vendors = [v for v in params.getlist("vendor") if v.strip()]
    sources = [s for s in params.getlist("source") if s.strip()]
    since_text, until_text = params.get("since", ""), params.get("until", "")
    page = max(1, int(params["page"])) if params.get("page", "").isdigit() else 1
    error = ""
    hits: list[Any] = []
    has_more = False
    facets: dict[str, list[tuple[str, int]]] = {"vendor": [], "source": []}
    with ws.store.read_session() as session:
        try:
            since = parse_when(since_text or None, "since")
            until = parse_when(until_text or None, "until")
            if q:
                # Snippets for this page's hits only; the facets count the same matches, in
                # the database.
                found = run_search(
                    session,
                    parse_query(q),
                    vendors=vendors,
                    sources=sources,
                    since=since,
                    until=until,
                    limit=min(MAX_RESULTS, page * PER_PAGE + 1),
                    offset=(page - 1) * PER_PAGE,
                    candidates=FACET_DEPTH,
                )
                hits = [
                    {
                        "id": h.article_id,
                        "title": h.title,
                        "url": h.url,
                        "published_at": h.published_at,
                        "fetched_at": h.fetched_at,
                        "vendors": h.vendors,
                        "sources": h.sources,
                        "snippet": _snippet(h.snippet, HIGHLIGHT_START, HIGHLIGHT_END),
                    }
                    for h in found.hits
                ]
                facets = search_facets(session, found.candidate_ids)
                has_more = len(hits) > PER_PAGE
                hits = hits[:PER_PAGE]
            else:
                hits = recent_articles(session, PER_PAGE + 1, (page - 1) * PER_PAGE)
                has_more = len(hits) > PER_PAGE
                hits = hits[:PER_PAGE]
        except TrackerError as exc:
            error = str(exc)
            hits = []
    date_facets = [("past week", "7d"), ("past 30 days", "30d"), ("past year", "365d")]
    return ws.render(
        request,
        "search.html",
        q=q,
        vendors=vendors,
        sources=sources,
        since=since_text,
        until=until_text,
        hits=hits,
        error=error,
        page=page,
        has_more=has_more,
        facets=facets,
        date_facets=date_facets,
    )


def _snippet(snippet: str, start: str, end: str) -> Any:
    """A search snippet escaped, its matched words in <b>."""
    from markupsafe import Markup, escape

    parts = snippet.replace(end, start).split(start)
    return Markup("".join(f"<b>{escape(p)}</b>" if i % 2 else str(escape(p))
                          for i, p in enumerate(parts)))  # fmt: skip


def article_page(request: Request) -> Response:
    from tracker.store.reports import article_detail
    from tracker.store.review import product_key, verdicts_for

    ws = _ws(request)
    article_id = int(request.path_params["article_id"])
    with ws.store.read_session() as session:
        record = article_detail(session, article_id)
        verdicts = verdicts_for(session, record["canonical_url"]) if record else {}
    if record is None:
        return ws.render(request, "missing.html", status=404, what=f"article {article_id}")
    names: dict[str, tuple[str, str]] = {}
    products: dict[tuple[str, str, str], dict[str, Any]] = {}
    for product in record["products"]:
        key = product_key(product["name"], product["id"])
        verdict = verdicts.get(key)
        names[product["surface"]] = (
            "product rejected" if verdict == "rejected" else "product",
            product["name"],
        )
        products.setdefault(key, {**product, "mentions": 0, "verdict": verdict})["mentions"] += 1
    record["products"] = list(products.values())
    for vendor in record["vendors"]:
        rejected = verdicts.get(("mention", vendor["name"], "")) == "rejected"
        vendor["verdict"] = verdicts.get(("mention", vendor["name"], ""))
        for evidence in vendor["evidence"]:
            css = "vendor rejected" if rejected else "vendor"
            names[evidence["surface"]] = (css, vendor["name"])
    for relation in record["relations"]:
        relation["verdict"] = verdicts.get(("relation", relation["supplier"], relation["customer"]))
        relation["evidence_html"] = mark_names(relation["evidence"], names)
    for event in record["events"]:
        event["evidence_html"] = mark_names(event["evidence"], names)
    evidence = [r["evidence"] for r in record["relations"] if r["verdict"] != "rejected"]
    evidence += [e["evidence"] for e in record["events"]]
    paragraphs = mark_text(record["text"], names, evidence)
    return ws.render(
        request,
        "article.html",
        article=record,
        paragraphs=paragraphs,
        title_html=mark_names(record["title"], names),
    )


def vendor_page(request: Request) -> Response:
    from tracker.store.pages import (
        rejected_for,
        stored_vendor,
        subsidiaries,
        vendor_articles,
        vendor_relations,
        weekly_news,
    )

    ws = _ws(request)
    name = request.path_params["name"]
    known = ws.gazetteer.get(name) if ws.gazetteer is not None else None
    now = ws.now()
    start = now - timedelta(weeks=CHART_WEEKS)
    with ws.store.read_session() as session:
        stored = stored_vendor(session, name)
        if stored is None and known is None:
            return ws.render(request, "missing.html", status=404, what=f"vendor {name}")
        canonical = stored["name"] if stored else known.name if known else name
        news = (
            weekly_news(session, stored["id"], canonical, start, CHART_WEEKS)
            if stored
            else {"mentions": [0] * CHART_WEEKS, "events": [0] * CHART_WEEKS}
        )
        as_supplier, as_customer = vendor_relations(session, canonical, RELATIONS_SHOWN)
        articles = vendor_articles(session, stored["id"], 20) if stored else []
        children = subsidiaries(session, canonical)
        rejected = rejected_for(session, canonical)
    profile = {
        "name": canonical,
        "kind": (stored or {}).get("kind") or (known.kind if known else ""),
        "country": (stored or {}).get("country") or (known.country if known else ""),
        "parent": (stored or {}).get("parent") or (known.parent if known else ""),
        "aliases": list(known.aliases) if known else [],
        "tickers": list(known.tickers) if known else [],
        "subsidiaries": children,
    }
    return ws.render(
        request,
        "vendor.html",
        vendor=profile,
        chart=week_chart(news, start, CHART_WEEKS),
        customers=as_supplier,
        suppliers=as_customer,
        articles=articles,
        rejected=rejected,
        shown=RELATIONS_SHOWN,
    )


def week_chart(news: dict[str, list[int]], start: datetime, weeks: int) -> dict[str, Any]:
    """Bars of mentions and events per week (counts, week 0 first), laid out for an SVG."""
    mentions, events = news["mentions"][:weeks], news["events"][:weeks]
    top = max([*mentions, *events, 1])
    width, height, bar = 520, 120, 20
    columns = []
    for i in range(weeks):
        m = round(mentions[i] / top * (height - 10))
        e = round(events[i] / top * (height - 10))
        columns.append(
            {
                "x": i * bar,
                "mentions": mentions[i],
                "events": events[i],
                "m_height": m,
                "e_height": e,
                "week": (start + timedelta(weeks=i)).strftime("%Y-%m-%d"),
            }
        )
    return {
        "width": width,
        "height": height,
        "bar": bar,
        "columns": columns,
        "top": top,
        "total_mentions": sum(mentions),
        "total_events": sum(events),
    }


def sources_page(
    request: Request, *, look: dict[str, Any] | None = None, error: str = ""
) -> Response:
    """Sources and their health; for analysts, the form to look at a URL and add it, with
    what the last look found (``look``, from tracker.web.sources)."""
    from tracker.ingest.health import health_rows
    from tracker.store.pages import rejected_by_source
    from tracker.store.sources import all_sources, article_counts

    ws = _ws(request)
    rows = health_rows(ws.store, ws.settings.schedule, ws.now())
    with ws.store.read_session() as session:
        counts = article_counts(session)
        ids = {s.name: s.id or 0 for s in all_sources(session)}
        rejected = rejected_by_source(session)
    for row in rows:
        row["articles"] = counts.get(ids.get(row["name"], 0), 0)
        row["rejected"] = rejected.get(row["name"], 0)
    states = Counter(row["state"] for row in rows)
    values = (look or {}).get("values") or {"url": "", "name": "", "kind": "auto", "selector": ""}
    return ws.render(
        request,
        "sources.html",
        sources=rows,
        states=sorted(states.items()),
        look=look,
        values=values,
        kinds=("auto", "feed", "page", "sitemap"),
        added=request.query_params.get("added", ""),
        error=error,
    )


EXPOSURE_QUESTIONS = {
    "customer": "Who supplies this company?",
    "supplier": "Who depends on this company?",
    "product": "Who makes this product, and their suppliers?",
    "watchlist": "How exposed is this watchlist?",
}


def exposure_page(request: Request) -> Response:
    """The CLI's exposure questions as a form, the answer with its explanations and graph."""
    ws = _ws(request)
    params = request.query_params
    question = params.get("question", "customer")
    if question not in EXPOSURE_QUESTIONS:
        question = "customer"
    name = params.get("name", "").strip()
    tier_text = params.get("tier", "")
    tier = int(tier_text) if tier_text in ("1", "2", "3") else None
    report: ExposureReport | None = None
    error = ""
    if name:
        try:
            report = _answer(ws, question, name, tier)
        except TrackerError as exc:
            error = str(exc)
    return ws.render(
        request,
        "exposure.html",
        questions=EXPOSURE_QUESTIONS,
        question=question,
        name=name,
        tier=tier,
        report=report,
        graph=exposure_graph(report) if report is not None else None,
        watchlists=[w.name for w in ws.settings.watchlists],
        error=error,
    )


def _answer(ws: Workspace, question: str, name: str, tier: int | None) -> ExposureReport:
    from tracker.catalog.names import Names
    from tracker.catalog.watch import watch_items
    from tracker.exposure import (
        Asked,
        answer_customer,
        answer_product,
        answer_supplier,
        answer_watchlist,
        make_window,
    )
    from tracker.store.exposure_queries import StoreExposureData

    world = ws.world()
    now = ws.now()
    settings = ws.settings.exposure
    window = make_window(now, None, settings)
    with ws.store.read_session() as session:
        asked = Asked(world, StoreExposureData(session), window, now, settings, 40)
        if question == "customer":
            return answer_customer(asked, name, tier=tier or 1)
        if question == "supplier":
            return answer_supplier(asked, name, tier=tier or 1)
        if question == "product":
            return answer_product(asked, name, tier=tier or 2)
        lists = {w.name: w for w in ws.settings.watchlists}
        names = Names("watchlist", ((n, ()) for n in lists), see="the config's [[watchlists]]")
        found = lists[names.resolve(name, "exposure watchlist")]
        watched = watch_items(found, world.gazetteer, world.catalog)
        items = [item for item in watched if item.kind in ("vendor", "product")]
        return answer_watchlist(asked, found.name, items, question="watchlist")


def exposure_graph(report: ExposureReport) -> dict[str, Any]:
    """The answer drawn: the subject in the middle, each row's path as links outwards, laid
    out tier by tier on rings; links styled by kind (declared, reported, both), status and
    weight (how much of the link is left after its age)."""
    import math

    size, middle = 640, 320
    nodes: dict[str, dict[str, Any]] = {
        report.subject: {"name": report.subject, "x": middle, "y": middle, "tier": 0}
    }
    links: dict[tuple[str, str], dict[str, Any]] = {}
    rows = [row for row in report.rows if row.path]
    by_tier: dict[int, list[str]] = {}
    for row in rows:
        for depth, name in enumerate(row.path[1:], 1):
            if name not in nodes and name not in by_tier.get(depth, []):
                by_tier.setdefault(depth, []).append(name)
    deepest = max(by_tier, default=1)
    for depth, names in by_tier.items():
        radius = (middle - 60) * depth / deepest
        for i, name in enumerate(names):
            angle = 2 * math.pi * i / max(len(names), 1) - math.pi / 2 + depth * 0.3
            nodes.setdefault(name, {
                "name": name,
                "x": round(middle + radius * math.cos(angle), 1),
                "y": round(middle + radius * math.sin(angle), 1),
                "tier": depth,
            })  # fmt: skip
    for row in rows:
        for a, b in zip(row.path, row.path[1:], strict=False):
            edge = row.edge if b == row.name else None
            kind = edge.kind if edge is not None else "path"
            status = edge.status if edge is not None else ""
            weight = edge.strength if edge is not None else 0.5
            links.setdefault((a, b), {
                "a": nodes[a], "b": nodes[b], "kind": kind, "status": status,
                "width": round(1 + 3 * max(0.0, min(weight, 1.0)), 1),
                "faded": weight < 0.25,
            })  # fmt: skip
    return {"size": size, "nodes": list(nodes.values()), "links": list(links.values())}


# --- forms ------------------------------------------------------------------------------


def login_page(request: Request) -> Response:
    ws = _ws(request)
    if not ws.web.has_auth:
        return RedirectResponse("/search", status_code=303)
    target = _local_target(request.query_params.get("next"), "/search")
    return ws.render(request, "login.html", next=target, error="")


async def login_post(request: Request) -> Response:
    ws = _ws(request)
    try:
        form = await checked_form(request)
    except PermissionError as exc:
        return PlainTextResponse(str(exc), status_code=403)
    target = _local_target(form.get("next"), "/search")
    user, password = form.get("user", "").strip(), form.get("password", "")
    role: str | None = None
    if not user and same_secret(password, ws.web.token):
        user, role = "token", ws.web.token_role
    else:
        for known in ws.web.users:
            if known.name == user:
                ok = await run_in_threadpool(verify_password, password, known.password_hash)
                role = known.role if ok else None
    if role is None:
        return ws.render(
            request, "login.html", status=401, next=target, error="wrong name or password"
        )
    # A new session (and CSRF token) on login: one fixed before logging in is worth nothing.
    request.state.new_session = {"u": user, "c": new_token(), "t": token_tag(ws)}
    return RedirectResponse(target, status_code=303)


async def logout_post(request: Request) -> Response:
    try:
        await checked_form(request)
    except PermissionError as exc:
        return PlainTextResponse(str(exc), status_code=403)
    request.state.new_session = {"u": "", "c": new_token()}
    return RedirectResponse("/login", status_code=303)


async def review_post(request: Request) -> Response:
    """An analyst's verdict on a relation, a vendor mention or a product link (or ``clear``
    to forget one)."""
    from tracker.errors import UsageError
    from tracker.store.review import clear_review, record_review

    ws = _ws(request)
    form = await analyst_form(request, "reviewing")
    if isinstance(form, Response):
        return form
    visitor: Visitor = request.state.visitor
    article = form.get("article_id", "")
    if not article.isdigit():
        return PlainTextResponse("review: article_id must be a number", status_code=400)
    verdict, kind = form.get("verdict", ""), form.get("kind", "")
    supplier, customer = form.get("supplier", ""), form.get("customer", "")

    def write() -> None:
        with ws.store.session() as session:
            if verdict == "clear":
                clear_review(session, kind=kind, article_id=int(article), supplier=supplier,
                             customer=customer)  # fmt: skip
            else:
                record_review(session, kind=kind, verdict=verdict, article_id=int(article),
                              supplier=supplier, customer=customer, reviewer=visitor.name,
                              now=ws.now())  # fmt: skip

    try:
        await run_in_threadpool(write)
    except UsageError as exc:
        return PlainTextResponse(str(exc), status_code=400)
    return RedirectResponse(_local_target(form.get("next"), f"/article/{article}"), status_code=303)


def create_app(
    store: Store,
    settings: Settings,
    gazetteer: Gazetteer | None = None,
    *,
    now: Callable[[], datetime] | None = None,
    world: World | None = None,
) -> Starlette:
    """The application over ``store``; ``world`` (the gazetteer and catalog with the user's
    vendors and parts) is built from the settings when not given."""
    workspace = Workspace(store, settings, gazetteer, now=now, world=world)
    app = Starlette(
        routes=[
            Route("/", home),
            Route("/search", search_page),
            Route("/article/{article_id:int}", article_page),
            Route("/vendor/{name:path}", vendor_page),
            Route("/sources", sources_page),
            Route("/sources/try", try_source_post, methods=["POST"]),
            Route("/sources/add", add_source_post, methods=["POST"]),
            Route("/exposure", exposure_page),
            Route("/watchlists", watchlists_page),
            Route("/digests", digests_page),
            Route("/alerts", alerts_page),
            Route("/digests/{name}/next", next_page),
            Route("/digests/{name}/sent/{period}", sent_page),
            Route("/login", login_page, methods=["GET"]),
            Route("/login", login_post, methods=["POST"]),
            Route("/logout", logout_post, methods=["POST"]),
            Route("/review", review_post, methods=["POST"]),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=[Middleware(Guard, workspace=workspace)],
    )
    app.state.workspace = workspace
    return app


__all__ = ["SECURITY_HEADERS", "Workspace", "create_app"]
