"""PostgreSQL for the benchmark: psql calls, the seeded databases, and the conversations the
close benchmark closes (made closable before, put back exactly as they were after)."""

import os
import subprocess
import time
import urllib.parse

from .common import BenchError, say


class Postgres:
    """One PostgreSQL server, reached over TCP with the user of `admin_url`."""

    def __init__(self, admin_url):
        url = urllib.parse.urlparse(admin_url)
        if url.scheme not in ("postgres", "postgresql"):
            raise BenchError(f"BENCH_DATABASE_URL must be a postgres:// URL, not {admin_url!r}")
        self.host = url.hostname or "127.0.0.1"
        self.port = url.port or 5432
        self.user = urllib.parse.unquote(url.username or "postgres")
        self.password = urllib.parse.unquote(url.password) if url.password else None
        self.admin_db = (url.path or "/postgres").lstrip("/") or "postgres"

    def url(self, db):
        auth = urllib.parse.quote(self.user, safe="")
        if self.password is not None:
            auth += ":" + urllib.parse.quote(self.password, safe="")
        return f"postgres://{auth}@{self.host}:{self.port}/{db}"

    def env(self):
        env = dict(os.environ, PGCONNECT_TIMEOUT="10", PGAPPNAME="hearken-bench")
        if self.password is not None:
            env["PGPASSWORD"] = self.password
        return env

    def conn_args(self, db):
        return ["-h", self.host, "-p", str(self.port), "-U", self.user, "-d", db]

    def psql(self, db, sql):
        """Runs `sql` (one or more statements) and returns its output, rows as `a|b` lines."""
        result = subprocess.run(
            ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", *self.conn_args(db), "-c", sql],
            capture_output=True,
            text=True,
            env=self.env(),
        )
        if result.returncode != 0:
            raise BenchError(
                f"psql on {db} failed: {result.stderr.strip()}\n  SQL: {sql.strip()[:400]}"
            )
        return result.stdout.strip()

    def rows(self, db, sql):
        out = self.psql(db, sql)
        return [line.split("|") for line in out.splitlines()] if out else []

    def scalar(self, db, sql):
        rows = self.rows(db, sql)
        return rows[0][0] if rows else None

    def check_reachable(self):
        try:
            return self.scalar(self.admin_db, "SHOW server_version")
        except BenchError as error:
            raise BenchError(
                f"PostgreSQL does not answer at {self.host}:{self.port} as {self.user}: {error}"
            ) from None

    def exists(self, db):
        return self.scalar(self.admin_db, f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"

    def create(self, db):
        self.psql(self.admin_db, f'CREATE DATABASE "{db}"')

    def drop(self, db):
        self.psql(self.admin_db, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')

    def table_exists(self, db, table):
        return self.scalar(db, f"SELECT to_regclass('public.{table}') IS NOT NULL") == "t"


def ensure_seeded(pg, binary, size):
    """`hearken_bench_<size>` holding exactly `size` seeded conversations: reused when it does,
    seeded (again) otherwise."""
    db = f"hearken_bench_{size}"
    if pg.exists(db):
        restore_close_targets(pg, db)
        held = None
        if pg.table_exists(db, "conversations"):
            held = int(pg.scalar(db, "SELECT count(*) FROM conversations"))
        lead = pg.table_exists(db, "users") and pg.scalar(
            db, "SELECT count(*) FROM users WHERE email = 'lead@seed.hearken.test'"
        ) == "1"
        if held == size and lead:
            say(f"reusing {db} ({size:,} conversations); VACUUM ANALYZE ...")
            pg.psql(db, "VACUUM (ANALYZE)")
            return db
        say(f"{db} holds {held} conversations, not {size:,}: seeding it again")
        pg.drop(db)
    pg.create(db)
    say(f"seeding {size:,} conversations into {db} (about 3 minutes a million, then ANALYZE) ...")
    started = time.monotonic()
    result = subprocess.run(
        [binary, "seed", "--conversations", str(size), "--days", "365"],
        env=dict(os.environ, DATABASE_URL=pg.url(db), RUST_LOG="warn"),
    )
    if result.returncode != 0:
        pg.drop(db)
        raise BenchError(f"hearken seed into {db} failed (exit {result.returncode})")
    say(f"seeded {db} in {time.monotonic() - started:.0f} s; VACUUM ANALYZE ...")
    # As autovacuum would soon: visibility map set, so runs do not depend on its timing.
    pg.psql(db, "VACUUM (ANALYZE)")
    return db


# The close benchmark --------------------------------------------------------------------------

SAVED = "bench_saved_conversations"
MARKS = "bench_saved_marks"
COPY_PREFIX = "bench_saved__"


def _public_tables(pg, db):
    return [
        row[0]
        for row in pg.rows(
            db,
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename NOT LIKE 'bench\\_%' AND tablename NOT LIKE '\\_\\_%' "
            "ORDER BY tablename",
        )
    ]


def _columns(pg, db, table):
    return [
        row[0]
        for row in pg.rows(
            db,
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
            f"AND table_name = '{table}' ORDER BY ordinal_position",
        )
    ]


def prepare_close_targets(pg, db, first, last):
    """Makes conversations `first..last` closable (closed ones go back to the bot), after saving
    everything a close changes: those rows, the highest id of every table that gets rows
    appended, and a copy of every table without ids (the counters)."""
    restore_close_targets(pg, db)
    statements = [
        "BEGIN",
        f"CREATE TABLE {MARKS} (name TEXT PRIMARY KEY, max_id BIGINT NOT NULL)",
        f"CREATE TABLE {SAVED} AS SELECT * FROM conversations WHERE id BETWEEN {first} AND {last}",
    ]
    for table in _public_tables(pg, db):
        if table == "conversations":
            continue
        if "id" in _columns(pg, db, table):
            statements.append(
                f"INSERT INTO {MARKS} SELECT '{table}', COALESCE(MAX(id), 0) FROM \"{table}\""
            )
        else:
            statements.append(f'CREATE TABLE "{COPY_PREFIX}{table}" AS SELECT * FROM "{table}"')
    statements += [
        "UPDATE conversations SET state = 'bot', assignee_id = NULL, outcome = NULL, "
        "closed_by_id = NULL, closed_at = NULL, waiting_since = NULL, report_day = NULL "
        f"WHERE id BETWEEN {first} AND {last} AND state = 'closed'",
        "COMMIT",
    ]
    pg.psql(db, ";\n".join(statements))
    compact_counters(pg, db)
    rows = pg.rows(
        db,
        f"SELECT id, version FROM conversations WHERE id BETWEEN {first} AND {last} "
        "AND state <> 'closed' ORDER BY id",
    )
    return [(int(id_), int(version)) for id_, version in rows]


def restore_close_targets(pg, db):
    """Puts back what `prepare_close_targets` saved, if anything is saved (also after a run
    that was interrupted)."""
    if not pg.table_exists(db, SAVED):
        return
    say(f"putting {db}'s closed-by-the-benchmark conversations back as they were ...")
    columns = [c for c in _columns(pg, db, SAVED) if c != "id"]
    target = ", ".join(f'"{c}"' for c in columns)
    source = ", ".join(f's."{c}"' for c in columns)
    statements = [
        "BEGIN",
        f"UPDATE conversations c SET ({target}) = ROW({source}) FROM {SAVED} s WHERE c.id = s.id",
    ]
    # Vacuumed after: the rows put back and the counters. The few thousand rows deleted from the
    # big tables (messages) are left to the VACUUM at the start of the next run.
    touched = ["conversations"]
    for name, _ in pg.rows(db, f"SELECT name, max_id FROM {MARKS}"):
        statements.append(
            f'DELETE FROM "{name}" WHERE id > (SELECT max_id FROM {MARKS} WHERE name = \'{name}\')'
        )
    for (copy,) in pg.rows(
        db,
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        f"AND tablename LIKE '{COPY_PREFIX.replace('_', chr(92) + '_')}%'",
    ):
        table = copy[len(COPY_PREFIX):]
        touched.append(table)
        # Only the rows that differ are rewritten, so the counters do not bloat run after run.
        statements += [
            f'CREATE TEMPORARY TABLE bench_changed AS SELECT * FROM "{table}" '
            f'EXCEPT ALL SELECT * FROM "{copy}"',
            f'DELETE FROM "{table}" t USING bench_changed c '
            "WHERE ROW(t.*) IS NOT DISTINCT FROM ROW(c.*)",
            f'INSERT INTO "{table}" SELECT * FROM "{copy}" EXCEPT ALL SELECT * FROM "{table}"',
            "DROP TABLE bench_changed",
            f'DROP TABLE "{copy}"',
        ]
    statements += [f"DROP TABLE {SAVED}", f"DROP TABLE {MARKS}", "COMMIT"]
    pg.psql(db, ";\n".join(statements))
    pg.psql(db, "VACUUM (ANALYZE) conversations")
    compact_counters(pg, db)


def compact_counters(pg, db):
    """Rewrites the counter tables after a bulk change of states. Updating thousands of rows in
    one transaction fires the state-count trigger for each, leaving tens of thousands of dead
    versions of a few counter rows that no page can prune while the transaction runs; a plain
    VACUUM frees them but cannot shrink the file (20 MB for 19 rows was seen), and every read of
    the counters then scans it all."""
    pg.psql(db, "VACUUM (FULL, ANALYZE) conversation_state_counts, report_counts")
