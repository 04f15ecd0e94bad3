"""A `hearken serve` process for the benchmark, and a browser session signed in to it."""

import ctypes
import html
import http.client
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse

from .common import BenchError, say

SEED_LEAD = "lead@seed.hearken.test"
SEED_PASSWORD = "hearken-seed"
SESSION_COOKIE = "hearken_session"
SECRET_KEY = "hearken-benchmark-secret-key-0123456789abcdef"


def _die_with_parent():
    """The server gets SIGTERM if the benchmark itself is killed (Linux)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_cpu_seconds(pid):
    """User + system CPU seconds of process `pid` (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # Fields after the command name, which is in parentheses and may hold spaces.
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds(database):
    """CPU seconds used so far by the PostgreSQL backends connected to `database` (the server
    under test keeps its connections open for a whole run, so a difference over a run is the
    database's work for it; other databases' work on the same server is left out)."""
    total = 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                title = cmdline.read().decode(errors="replace")
        except OSError:
            continue
        # A backend's process title: "postgres: 15/main: user database client state".
        if title.startswith("postgres:") and f" {database} " in title:
            total += process_cpu_seconds(pid)
    return total


class Server:
    """`hearken serve` with 2 workers and the default pool, background jobs off (they would close
    the seeded open conversations), its log in `log_path`."""

    def __init__(self, binary, database_url, log_path, workers=2):
        self.port = free_port()
        env = dict(os.environ)
        for name in list(env):
            if name.startswith("HEARKEN_"):
                del env[name]
        env.update(
            DATABASE_URL=database_url,
            HEARKEN_ADDR=f"127.0.0.1:{self.port}",
            HEARKEN_WORKERS=str(workers),
            HEARKEN_BACKGROUND_JOBS="false",
            HEARKEN_SECRET_KEY=SECRET_KEY,
            RUST_LOG=os.environ.get("BENCH_RUST_LOG", "info"),
        )
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [binary, "serve"], env=env, stdout=self.log, stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        self.pid = self.process.pid

    def wait_ready(self, timeout=900):
        """Waits for /healthz (migrations run first, which may take long on a big database)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"hearken serve exited with {self.process.returncode}; see {self.log_path}"
                )
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise BenchError(f"hearken serve did not answer /healthz in {timeout} s")

    def memory(self):
        """(VmRSS, VmHWM) in MB, from /proc/<pid>/status."""
        values = {}
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0]) / 1024
        return values.get("VmRSS"), values.get("VmHWM")

    def cpu_seconds(self):
        """CPU time the server has used so far (user + system)."""
        return process_cpu_seconds(self.pid)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class Browser:
    """One signed-in person: cookies kept, redirects not followed."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.conn = None

    def request(self, method, path, form=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in cookie.lower() or not value:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return response.status, response.headers, text

    def get_ok(self, path):
        status, _, text = self.request("GET", path)
        if status != 200:
            raise BenchError(f"GET {path} answered {status}, not 200")
        return text

    def sign_in(self, email=SEED_LEAD, password=SEED_PASSWORD):
        _, _, page = self.request("GET", "/sign-in")
        token = csrf_token(page)
        status, _, _ = self.request(
            "POST", "/sign-in", {"csrf_token": token, "email": email, "password": password}
        )
        if status != 303 or SESSION_COOKIE not in self.cookies:
            raise BenchError(f"signing in as {email} answered {status}, not 303 with a session")

    def cookie_header(self):
        return f"{SESSION_COOKIE}={self.cookies[SESSION_COOKIE]}"


def csrf_token(page):
    found = re.search(r'name="csrf_token" value="([^"]*)"', page)
    if not found:
        raise BenchError("no CSRF token on the page")
    return html.unescape(found.group(1))


def next_page_href(page):
    found = re.search(r'<a href="([^"]*)" rel="next"', page)
    return html.unescape(found.group(1)) if found else None
