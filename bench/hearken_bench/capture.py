"""The SQL each page really sends, read from PostgreSQL's own log while the page is requested
once with statement logging on for the benchmark database, and turned into a pgbench script.

Markers (`SELECT 'hearken-bench-capture:<name>'`, sent with psql) separate the pages in the
log; lines of other databases are left out."""

import os
import re

from .common import BenchError

MARK = "hearken-bench-capture:"
LEVELS = "LOG|DETAIL|ERROR|STATEMENT|HINT|CONTEXT|WARNING|NOTICE|FATAL|PANIC|INFO|DEBUG[1-5]?"
ENTRY = re.compile(rf"^(?P<head>\d[^\n]*?)(?P<level>{LEVELS}):  ", re.M)
PID = re.compile(r"\[(\d+)\]")
STATEMENT = re.compile(r"^(?:statement|execute [^:]*): (?P<sql>.*)\Z", re.S)
PARAMETER = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")


def find_log(pg):
    """Where the server writes its log: the collector's current file, or Debian's
    /var/log/postgresql/postgresql-<version>-<cluster>.log."""
    override = os.environ.get("BENCH_PG_LOG")
    if override:
        return override
    db = pg.admin_db
    if pg.scalar(db, "SHOW logging_collector") == "on":
        current = pg.scalar(db, "SELECT pg_current_logfile('stderr')")
        if current:
            return os.path.join(pg.scalar(db, "SHOW data_directory"), current)
    cluster = (pg.scalar(db, "SHOW cluster_name") or "").replace("/", "-")
    guess = f"/var/log/postgresql/postgresql-{cluster}.log"
    if cluster and os.path.exists(guess):
        return guess
    raise BenchError(
        "cannot find PostgreSQL's log file to read the pages' SQL from: set BENCH_PG_LOG "
        "to its path (or run with --no-pgbench)"
    )


def check_log(pg, path):
    prefix = pg.scalar(pg.admin_db, "SHOW log_line_prefix")
    if "%p" not in prefix or not (prefix.startswith("%m") or prefix.startswith("%t")):
        raise BenchError(
            f"log_line_prefix is {prefix!r}: the capture reads the time and [%p] at the start "
            "of each line (Debian's default '%m [%p] %q%u@%d ')"
        )
    if not os.access(path, os.R_OK):
        raise BenchError(f"cannot read PostgreSQL's log {path}: run as root or as postgres")


class Capture:
    """Statement logging on `db` between `start()` and `stop()`; new sessions only, so start
    the server after `start()`."""

    def __init__(self, pg, db, log_path):
        self.pg, self.db, self.log_path = pg, db, log_path
        self.offset = None
        self.server_pids = set()

    def start(self):
        self.pg.psql(self.pg.admin_db, f'ALTER DATABASE "{self.db}" SET log_statement = \'all\'')
        self.pg.psql(
            self.pg.admin_db, f'ALTER DATABASE "{self.db}" SET log_parameter_max_length = -1'
        )
        self.offset = os.path.getsize(self.log_path)

    def stop(self):
        self.pg.psql(self.pg.admin_db, f'ALTER DATABASE "{self.db}" RESET log_statement')
        self.pg.psql(self.pg.admin_db, f'ALTER DATABASE "{self.db}" RESET log_parameter_max_length')

    def mark(self, name):
        """Starts the section `name`; also notes the server's connections, whose statements
        are the only ones kept (psql's own, like this one, are not)."""
        self.server_pids.update(
            row[0]
            for row in self.pg.rows(
                self.db,
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND application_name <> 'hearken-bench'",
            )
        )
        self.pg.psql(self.db, f"SELECT '{MARK}{name}'")

    def statements(self):
        """{marker name: [(sql, [parameter literal or None])]}: what the database was sent
        after each marker, until the next one."""
        with open(self.log_path, "rb") as log:
            log.seek(self.offset)
            text = log.read().decode("utf-8", "replace")
        entries = []
        matches = list(ENTRY.finditer(text))
        for i, match in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            head = match.group("head")
            pid = PID.search(head)
            entries.append(
                (head, pid.group(1) if pid else None, match.group("level"),
                 text[match.end():end].rstrip("\n"))
            )
        pages, current, last_by_pid, marker_pids = {}, None, {}, set()
        for head, pid, level, message in entries:
            if f"@{self.db} " not in head and f"@{self.db}\t" not in head:
                continue
            if level == "LOG":
                found = STATEMENT.match(message)
                if not found:
                    continue
                sql = found.group("sql")
                if MARK in sql and sql.strip().startswith("SELECT '"):
                    current = sql.split(MARK, 1)[1].split("'", 1)[0]
                    pages[current] = []
                    marker_pids.add(pid)
                    continue
                if current is None or pid in marker_pids or pid not in self.server_pids:
                    continue
                entry = [sql, []]
                pages[current].append(entry)
                last_by_pid[pid] = entry
            elif level == "DETAIL" and message.startswith("parameters: "):
                entry = last_by_pid.get(pid)
                if entry is not None:
                    entry[1] = [
                        None if value == "NULL" else value[1:-1].replace("''", "'")
                        for _, value in PARAMETER.findall(message)
                    ]
            elif level == "ERROR" and current is not None and pid in self.server_pids:
                raise BenchError(f"the page {current} made PostgreSQL fail: {message}")
        return pages


def literal(value):
    """A parameter as an SQL literal pgbench leaves alone: E'' text with ':' and '\\' escaped
    (pgbench would take `:12` inside a time for a variable)."""
    if value is None:
        return "NULL"
    escaped = value.replace("\\", "\\\\").replace("'", "''").replace(":", "\\072")
    return f"E'{escaped}'"


def pgbench_script(statements, ids=None, id_range=None):
    """A pgbench script sending `statements` with their parameters; a parameter equal to one of
    `ids` becomes `:id`, drawn at random from `id_range` for each transaction."""
    ids = {str(i) for i in (ids or [])}
    lines = []
    used_id = False
    for sql, params in statements:
        def bind(match):
            nonlocal used_id
            index = int(match.group(1)) - 1
            if index >= len(params):
                raise BenchError(f"no value logged for ${index + 1} in: {sql[:200]}")
            value = params[index]
            if value is not None and value in ids:
                used_id = True
                return "CAST(:id AS BIGINT)"
            return literal(value)

        text = re.sub(r"\$(\d+)", bind, sql).strip().rstrip(";").strip()
        if ":" in re.sub(r"::|:id\b", "", text):
            raise BenchError(f"a colon pgbench would misread in: {text[:200]}")
        lines.append(text + ";")
    header = []
    if used_id:
        if id_range is None:
            raise BenchError("the script uses :id but no id range was given")
        header.append(f"\\set id random({id_range[0]}, {id_range[1]})")
    return "\n".join(header + lines) + "\n"
