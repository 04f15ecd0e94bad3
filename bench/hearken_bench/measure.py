"""Running wrk and pgbench and reading their summaries."""

import os
import re
import subprocess

from .common import BenchError

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}
WRK_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "wrk")


def _ms(text):
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not found:
        raise BenchError(f"wrk printed a latency I cannot read: {text!r}")
    return float(found.group(1)) * UNITS_MS[found.group(2)]


def wrk(url, cookie, seconds, threads=2, connections=16, script=None, env=None):
    """{'rps', 'p50', 'p99' (ms), 'requests', 'bad' (non-2xx/3xx), 'socket_errors'}."""
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
        "--timeout", "60s", "-H", f"Cookie: {cookie}",
    ]
    if script:
        command += ["-s", os.path.join(WRK_DIR, script)]
    command.append(url)
    result = subprocess.run(
        command, capture_output=True, text=True, env=dict(os.environ, **(env or {}))
    )
    out = result.stdout
    if result.returncode != 0 or "Requests/sec" not in out:
        raise BenchError(f"wrk failed on {url}: {result.stderr.strip() or out.strip()}")
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: (.*)$", out, re.M)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(latency["50"]),
        "p99": _ms(latency["99"]),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "bad": int(bad.group(1)) if bad else 0,
        "socket_errors": socket.group(1).strip() if socket else "",
        "output": out,
    }


def pgbench(pg, db, seconds, script_path=None, clients=16, threads=2, prepared=True):
    """{'tps', 'latency_ms', 'failed'} of `script_path` (or the built-in TPC-B-like script)."""
    command = ["pgbench", *pg_args(pg), f"-c{clients}", f"-j{threads}", f"-T{seconds}"]
    if script_path:
        command += ["-n", "-f", script_path]
        if prepared:
            command += ["-M", "prepared"]
    command.append(db)
    result = subprocess.run(command, capture_output=True, text=True, env=pg.env())
    out = result.stdout
    tps = re.search(r"^tps = ([\d.]+) \(without initial connection time\)", out, re.M)
    aborted = re.search(r"client \d+ aborted.*", result.stderr)
    if result.returncode != 0 or not tps or aborted:
        detail = (aborted.group(0) if aborted else "") or result.stderr.strip()[-1500:]
        raise BenchError(f"pgbench failed on {db} ({script_path or 'TPC-B'}): {detail}")
    latency = re.search(r"^latency average = ([\d.]+) ms", out, re.M)
    failed = re.search(r"^number of failed transactions: (\d+)", out, re.M)
    return {
        "tps": float(tps.group(1)),
        "latency_ms": float(latency.group(1)) if latency else None,
        "failed": int(failed.group(1)) if failed else 0,
    }


def pg_args(pg):
    return ["-h", pg.host, "-p", str(pg.port), "-U", pg.user]


def ensure_tpcb(pg, db="hearken_bench_tpcb", scale=16):
    """pgbench's own tables at `scale`, created once and reused."""
    if pg.exists(db) and pg.table_exists(db, "pgbench_branches"):
        if pg.scalar(db, "SELECT count(*) FROM pgbench_branches") == str(scale):
            return db
        pg.drop(db)
    if not pg.exists(db):
        pg.create(db)
    result = subprocess.run(
        ["pgbench", "-i", "-q", "-s", str(scale), *pg_args(pg), db],
        capture_output=True, text=True, env=pg.env(),
    )
    if result.returncode != 0:
        raise BenchError(f"pgbench -i -s {scale} failed: {result.stderr.strip()[-800:]}")
    return db
