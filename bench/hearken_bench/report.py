"""The results as Markdown tables, and the 1M / 100k comparison."""

import glob
import json
import os

from .pages import target

MEMORY_LIMIT_MB = 100


def _n(value, digits=0):
    return "–" if value is None else f"{value:,.{digits}f}"


def _ms(value):
    if value is None:
        return "–"
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def _cpu(result):
    if result.get("cpu_app_us") is None:
        return "–"
    return f"{result['cpu_app_us']:,.0f} + {result['cpu_db_us']:,.0f} µs"


def _mark(met):
    return "" if met is None else (" ✓" if met else " ✗")


def size_table(size, meta, results):
    lines = [
        f"### {size:,} conversations",
        "",
        f"{meta['date']}, {meta['machine']}; wrk -t2 -c16 -d{meta['seconds']}s "
        f"(after a {meta['warmup']} s warm-up), then wrk -t1 -c1 -d{meta.get('solo', 0)}s for "
        f"\"p50 alone\"; pgbench -c16 -j2 -T{meta['seconds']} -M prepared; "
        f"hearken serve with {meta['workers']} workers, commit {meta['commit']}.",
        "",
        "| page | req/s | p50 | p99 | p50 alone | errors | memory RSS / peak "
        "| CPU per request: server + database | pgbench tps | ratio | target |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        goal, met = target(r["key"], r, size)
        errors = r.get("bad", 0)
        if r["key"] == "close":
            # Saved as JSON, the statuses come back with text keys.
            r["statuses"] = {int(s): n for s, n in r.get("statuses", {}).items()}
            errors = sum(n for s, n in r["statuses"].items() if s != 303)
        memory = f"{_n(r.get('rss'), 1)} / {_n(r.get('hwm'), 1)} MB"
        if r.get("hwm") is not None and r["hwm"] >= MEMORY_LIMIT_MB:
            memory += " ✗"
        ratio = _n(r.get("ratio"), 2)
        if r["key"] == "close" and r.get("tpcb_ratio") is not None:
            ratio += f"; {r['tpcb_ratio']:.2f}× TPC-B ({r['tpcb_tps']:,.0f} tps)"
        lines.append(
            f"| {r['label']} | {_n(r['rps'])} | {_ms(r['p50'])} | {_ms(r['p99'])} "
            f"| {_ms(r.get('p50_solo'))} | {errors} "
            f"| {memory} | {_cpu(r)} | {_n(r.get('pgbench_tps'))} | {ratio} | {goal}{_mark(met)} |"
        )
    close = next((r for r in results if r["key"] == "close"), None)
    if close:
        lines += [
            "",
            f"Close: {close['requests']:,} requests, statuses {close.get('statuses')}, "
            f"{close.get('closed_in_db', 0):,} closes written (of {close.get('targets', 0):,} "
            "conversations made closable); req/s and ratios count the 303s only.",
        ]
    return "\n".join(lines) + "\n"


def latest(results_dir, size):
    """The newest saved results for `size`, or None."""
    files = sorted(glob.glob(os.path.join(results_dir, f"{size}-*.json")))
    if not files:
        return None
    with open(files[-1]) as f:
        return json.load(f)


def flat_table(small, large):
    """Each page's p50 at the larger size over the smaller one (target: at most 1.5)."""
    by_key = {r["key"]: r for r in small["results"]}
    lines = [
        f"### {large['size']:,} vs {small['size']:,} conversations (median latency ratio; "
        "target ≤ 1.5)",
        "",
        f"| page | p50 at {small['size']:,} | p50 at {large['size']:,} | ratio "
        "| p50 alone: 100k → 1M, ratio |",
        "|---|---|---|---|---|",
    ]
    for r in large["results"]:
        s = by_key.get(r["key"])
        if not s:
            continue
        ratio = r["p50"] / s["p50"] if s["p50"] else None
        met = None if ratio is None else ratio <= 1.5
        alone = "–"
        if r.get("p50_solo") and s.get("p50_solo"):
            solo_ratio = r["p50_solo"] / s["p50_solo"]
            alone = (f"{_ms(s['p50_solo'])} → {_ms(r['p50_solo'])}: "
                     f"{solo_ratio:.2f}{_mark(solo_ratio <= 1.5)}")
        lines.append(
            f"| {r['label']} | {_ms(s['p50'])} | {_ms(r['p50'])} | {_n(ratio, 2)}{_mark(met)} "
            f"| {alone} |"
        )
    return "\n".join(lines) + "\n"
