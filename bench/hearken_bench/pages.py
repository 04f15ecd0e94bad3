"""The pages measured, and the target each is held to."""

import datetime
from urllib.parse import quote
from dataclasses import dataclass, field

from .common import BenchError, say
from .server import next_page_href


@dataclass
class Page:
    key: str
    label: str
    # The path for one request (the conversation view: of one conversation); None for close.
    path: str = None
    # A wrk Lua script in bench/wrk instead of one fixed path.
    lua: str = None
    # Parameters equal to these ids become pgbench's random :id.
    ids: list = field(default_factory=list)
    id_range: tuple = None
    kind: str = "page"


@dataclass
class Context:
    """What the pages' URLs are built from, read from the seeded database."""

    size: int
    id_min: int
    id_max: int
    view_id: int
    view_customer_id: int
    agent_id: int
    rare_email: str
    today: datetime.date
    deep_href: str = None
    deep_pages: int = 0


def context(pg, db, size):
    id_min, id_max = (int(v) for v in pg.rows(db, "SELECT min(id), max(id) FROM conversations")[0])
    view_id = id_min + (id_max - id_min) // 3
    customer = int(pg.scalar(db, f"SELECT customer_id FROM conversations WHERE id = {view_id}"))
    agent = pg.scalar(db, "SELECT id FROM users WHERE email = 'ana@seed.hearken.test'")
    email = pg.scalar(
        db,
        "SELECT email FROM customers WHERE email IS NOT NULL "
        f"AND id >= (SELECT min(id) + {size // 2} FROM customers) ORDER BY id LIMIT 1",
    )
    today = datetime.date.fromisoformat(
        pg.scalar(
            db,
            "SELECT (now() AT TIME ZONE (SELECT time_zone FROM team_settings WHERE id = 1))::date",
        )
    )
    if agent is None or email is None:
        raise BenchError(f"{db} does not look seeded by `hearken seed` (no agent Ana, no emails)")
    return Context(size, id_min, id_max, view_id, customer, int(agent), email.split(".com")[0], today)


def walk_to_deep_page(browser, ctx, pages):
    """Follows the list's "Older" link from the first page to page `pages`."""
    href = "/conversations"
    for n in range(1, pages):
        following = next_page_href(browser.get_ok(href))
        if following is None:
            say(f"the list ends at page {n}; the deep page is page {n}")
            ctx.deep_pages = n
            break
        href = following
    else:
        ctx.deep_pages = pages
    ctx.deep_href = href


def pages(ctx):
    """Every page, in the order measured (the close last: it writes)."""
    first = ctx.today - datetime.timedelta(days=89)
    return [
        Page("view", "Conversation view (random id)", f"/conversations/{ctx.view_id}",
             lua="view.lua", ids=[ctx.view_id, ctx.view_customer_id],
             id_range=(ctx.id_min, ctx.id_max)),
        Page("live", "Live support `/`", "/"),
        Page("list", "List, first page", "/conversations"),
        Page("list_closed", "List, Closed tab", "/conversations?state=closed"),
        Page("list_filtered", "List, unresolved + agent",
             f"/conversations?outcome=unresolved&agent={ctx.agent_id}"),
        Page("list_report", "List, report click-through (90 days closed)",
             f"/conversations?state=closed&closed_from={first}&closed_to={ctx.today}"),
        Page("list_deep", f"List, page {ctx.deep_pages:,}", ctx.deep_href),
        Page("search_common", "Search `check` (very common)", "/conversations?q=check"),
        Page("search_rare", "Search a customer's email (rare)",
             f"/conversations?q={quote(ctx.rare_email)}"),
        Page("search_none", "Search `zebra` (no match)", "/conversations?q=zebra"),
        Page("reports", "Reports, 90 days", "/reports?period=90"),
        Page("close", "Close (POST, each a different conversation)", kind="close"),
    ]


def target(key, result, size):
    """(what the target is, met?) for one page's result; met is None where not judged.
    Latency targets are judged on the median with one connection ("p50 alone"): with 16
    connections on 2 cores the median is mostly waiting in line (about 16 ÷ req/s)."""
    p50, ratio = result.get("p50_solo") or result.get("p50"), result.get("ratio")
    at_million = size >= 1_000_000
    if key == "view":
        return "p50 alone < 5 ms, ≥ 0.7× pgbench", p50 < 5 and ratio is not None and ratio >= 0.7
    if key.startswith("list"):
        return "p50 alone < 20 ms at 1M", (p50 < 20) if at_million else None
    if key.startswith("search"):
        return "p50 alone < 300 ms", p50 < 300
    if key == "reports":
        return "p50 alone < 50 ms at 1M", (p50 < 50) if at_million else None
    if key == "close":
        tpcb = result.get("tpcb_ratio")
        return "≥ 0.6× TPC-B", tpcb is not None and tpcb >= 0.6
    return "–", None
