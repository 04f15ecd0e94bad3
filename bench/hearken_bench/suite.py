"""One database size: capture each page's SQL, then measure each page over HTTP (wrk) and its
SQL alone (pgbench)."""

import os
import re
import urllib.parse

from . import measure
from .capture import Capture, pgbench_script
from .common import BenchError, say
from .pages import context, pages, walk_to_deep_page
from .pg import ensure_seeded, prepare_close_targets, restore_close_targets
from .server import Browser, Server, csrf_token, postgres_cpu_seconds


def close_range(ctx, seconds):
    """The conversations the close benchmark may close: a run of consecutive ids (the seed
    spreads them at random over the year), enough for the run's length."""
    count = min(ctx.size // 2, max(5_000, 3_000 * seconds))
    first = ctx.id_min + ctx.size // 4
    return first, min(first + count - 1, ctx.id_max)


def capture(opts, pg, binary, db, ctx, workdir, log_path):
    """Requests each page twice with statement logging on and keeps the second request's SQL
    as a pgbench script per page: {page key: script path}."""
    cap = Capture(pg, db, log_path)
    cap.start()
    server = None
    first, last = close_range(ctx, opts.seconds)
    try:
        server = Server(binary, pg.url(db), os.path.join(workdir, "server-capture.log"))
        server.wait_ready()
        browser = Browser(server.port)
        browser.sign_in()
        say(f"following the list's next-page link to page {opts.deep_pages:,} ...")
        walk_to_deep_page(browser, ctx, opts.deep_pages)
        token = csrf_token(browser.get_ok("/conversations"))
        all_pages = pages(ctx)
        for page in all_pages:
            if page.kind != "page":
                continue
            cap.mark(f"{page.key}.first")
            browser.get_ok(page.path)
            cap.mark(page.key)
            browser.get_ok(page.path)
        cap.mark("close.prepare")
        targets = prepare_close_targets(pg, db, first, last)
        close_id, version = targets[-1]
        cap.mark("close")
        status, _, _ = browser.request(
            "POST",
            f"/conversations/{close_id}/close",
            {"csrf_token": token, "version": str(version), "outcome": "resolved"},
        )
        cap.mark("end")
        if status != 303:
            raise BenchError(f"closing conversation {close_id} answered {status}, not 303")
    finally:
        if server:
            server.stop()
        cap.stop()
        restore_close_targets(pg, db)
    found = cap.statements()
    scripts = {}
    for page in all_pages:
        statements = found.get(page.key)
        if not statements:
            say(f"no SQL captured for {page.key}: its pgbench column stays empty")
            continue
        if page.kind == "close":
            script = pgbench_script(statements, [close_id], (first, last))
        else:
            script = pgbench_script(statements, page.ids, page.id_range)
        path = os.path.join(workdir, f"pgbench-{page.key}.sql")
        with open(path, "w") as out:
            out.write(script)
        scripts[page.key] = path
    say(f"captured the SQL of {len(scripts)} pages into {workdir}/pgbench-*.sql")
    return scripts


def run_size(opts, pg, binary, size, workdir, log_path, tpcb_db):
    db = ensure_seeded(pg, binary, size)
    # Statement logging left on by an interrupted capture would slow every page down.
    Capture(pg, db, log_path).stop()
    ctx = context(pg, db, size)
    os.makedirs(workdir, exist_ok=True)
    scripts = {}
    if not opts.no_pgbench:
        scripts = capture(opts, pg, binary, db, ctx, workdir, log_path)
    server = Server(binary, pg.url(db), os.path.join(workdir, "server.log"))
    results = []
    try:
        server.wait_ready()
        browser = Browser(server.port)
        browser.sign_in()
        if ctx.deep_href is None:
            walk_to_deep_page(browser, ctx, opts.deep_pages)
        token = csrf_token(browser.get_ok("/conversations"))
        cookie = browser.cookie_header()
        base = f"http://127.0.0.1:{server.port}"
        for page in pages(ctx):
            if opts.pages and page.key not in opts.pages:
                continue
            say(f"{size:,}: {page.label} ...")
            if page.kind == "close":
                result = measure_close(
                    opts, pg, db, ctx, base, cookie, token, scripts, tpcb_db, workdir, server
                )
            else:
                result = measure_page(
                    opts, pg, db, ctx, page, base, browser, cookie, scripts, server
                )
                result["rss"], result["hwm"] = server.memory()
                if page.key in scripts:
                    bench = measure.pgbench(pg, db, opts.seconds, scripts[page.key])
                    result["pgbench_tps"] = bench["tps"]
                    result["ratio"] = result["rps"] / bench["tps"]
            result.update(key=page.key, label=page.label, path=page.path)
            results.append(result)
            say(f"  {result['rps']:.0f} req/s, p50 {result['p50']:.2f} ms, "
                f"pgbench {result.get('pgbench_tps') or 0:.0f} tps")
    finally:
        server.stop()
        restore_close_targets(pg, db)
    return ctx, results


def cpu_per_request(server, db, run):
    """Runs `run` (a wrk run returning its result) and adds the server's and the database's
    (its backends for `db`) CPU time per request to the result, in microseconds: where the
    time goes, whatever else the machine is doing."""
    app, database = server.cpu_seconds(), postgres_cpu_seconds(db)
    result = run()
    requests = max(result["requests"], 1)
    result["cpu_app_us"] = (server.cpu_seconds() - app) * 1e6 / requests
    result["cpu_db_us"] = (postgres_cpu_seconds(db) - database) * 1e6 / requests
    return result


def measure_page(opts, pg, db, ctx, page, base, browser, cookie, scripts, server):
    browser.get_ok(page.path)
    env = {"BENCH_ID_MIN": str(ctx.id_min), "BENCH_ID_MAX": str(ctx.id_max)}
    url = base + (page.path if not page.lua else "/")
    if opts.warmup:
        measure.wrk(url, cookie, opts.warmup, script=page.lua, env=env)
    result = cpu_per_request(
        server, db, lambda: measure.wrk(url, cookie, opts.seconds, script=page.lua, env=env)
    )
    result.pop("output")
    if opts.solo:
        # The same page with one connection: its latency when the server is not busy.
        solo = measure.wrk(url, cookie, opts.solo, threads=1, connections=1,
                           script=page.lua, env=env)
        result["p50_solo"] = solo["p50"]
    return result


def measure_close(opts, pg, db, ctx, base, cookie, token, scripts, tpcb_db, workdir, server):
    first, last = close_range(ctx, opts.seconds)
    targets = prepare_close_targets(pg, db, first, last)
    before = int(pg.scalar(db, "SELECT count(*) FROM closure_log"))
    path = os.path.join(workdir, "close-targets.txt")
    with open(path, "w") as out:
        out.writelines(f"{id_} {version}\n" for id_, version in targets)
    env = {
        "BENCH_CLOSE_FILE": os.path.abspath(path),
        "BENCH_CSRF": urllib.parse.quote(token, safe=""),
        "BENCH_THREADS": "2",
    }
    try:
        result = cpu_per_request(
            server,
            db,
            lambda: measure.wrk(base + "/", cookie, opts.seconds, script="close.lua", env=env),
        )
        result["rss"], result["hwm"] = server.memory()
        closed = int(pg.scalar(db, "SELECT count(*) FROM closure_log")) - before
    finally:
        restore_close_targets(pg, db)
    statuses = {int(s): int(n) for s, n in re.findall(r"^status (\d+): (\d+)$",
                                                      result.pop("output"), re.M)}
    result["statuses"] = statuses
    result["closed_in_db"] = closed
    result["targets"] = len(targets)
    ok = statuses.get(303, 0)
    result["ok_rps"] = result["rps"] * ok / max(result["requests"], 1)
    if ok != result["requests"]:
        say(f"  close answered {statuses} ({len(targets):,} conversations to close)")
    # Requests still under way when wrk stops are written but not counted by wrk.
    if not ok <= closed <= ok + 16:
        raise BenchError(f"close answered 303 {ok} times but {closed} closes were written")
    if "close" in scripts:
        prepare_close_targets(pg, db, first, last)
        try:
            bench = measure.pgbench(pg, db, opts.seconds, scripts["close"])
        finally:
            restore_close_targets(pg, db)
        result["pgbench_tps"] = bench["tps"]
        result["ratio"] = result["ok_rps"] / bench["tps"]
    say("  pgbench's TPC-B-like script ...")
    tpcb = measure.pgbench(pg, tpcb_db, opts.seconds)
    result["tpcb_tps"] = tpcb["tps"]
    result["tpcb_ratio"] = result["ok_rps"] / tpcb["tps"]
    return result
