"""CPU per request under load: the agents' pages beside a baseline page, both served by gunicorn.

Two gunicorn servers (2 sync workers each) run on one benchmark database: the helpdesk (`bench.served`)
and the baseline (`bench.baseline`: one query, 50 rows, Flask + peewee). For each page, 8 client threads
send `requests` GETs over 8 concurrent connections; the CPU the server's workers spent (user + system,
from /proc) divided by the requests is the page's cost. The pages are measured in interleaved rounds
and each page keeps its cheapest round, so a burst of other work on a shared machine counts least; the
baseline is measured in the same rounds, side by side. On SQLite the database's own work is inside the
workers (it is a library); on PostgreSQL it is in the server's processes and not counted.
"""
import os
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

WORKERS, CONNECTIONS = 2, 8
TARGET_RATIO = 2.0  # every agent page at most twice the baseline's CPU
ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def _free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`gunicorn -w 2 <module>:app` on a free loopback port, with the database in the environment."""

    def __init__(self, module, url):
        self.port = _free_port()
        env = {**os.environ, "BENCH_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning", f"{module}:app"], cwd=ROOT, env=env)

    def wait_ready(self, path="/"):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", path)
                connection.getresponse().read()
                if len(self.workers()) == WORKERS:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"bench: gunicorn for {self.port} did not start")

    def workers(self):
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(stat.parent.name))
        return found

    def cpu_seconds(self):
        """User + system CPU of the workers so far."""
        total = 0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return total / TICKS

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _load(port, paths, cookie):
    """GET every path over CONNECTIONS concurrent connections; raises on any answer but 200."""
    failures, lock, queue = [], threading.Lock(), list(paths)

    def client():
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            connection = HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status != 200:
                failures.append(f"{path}: {response.status}")

    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"bench: {failures[0]}")


def _measure(server, paths, cookie):
    """CPU ms per request of the server's workers over `paths`."""
    before = server.cpu_seconds()
    _load(server.port, paths, cookie)
    return (server.cpu_seconds() - before) * 1000 / len(paths)


def session_cookie(app, session_key):
    """The session cookie of a signed-in agent, as the browser would send it."""
    serializer = app.session_interface.get_signing_serializer(app)
    return f"{app.config['SESSION_COOKIE_NAME']}={serializer.dumps({'_user_id': session_key, '_fresh': True})}"


def run(app, url, size, database, planned, session_key, *, requests=400, rounds=3, log=print):
    """Entries `cpu_<page>` with the page's and the baseline's CPU ms per request and their ratio."""
    pages = {name: planned[name] for name in ("inbox_first_page", "ticket_page", "saved_view_three_filters",
                                              "notifications_menu", "search")}
    cookie = session_cookie(app, session_key)
    helpdesk, baseline = Server("bench.served", url), Server("bench.baseline", url)
    try:
        helpdesk.wait_ready("/healthz")
        baseline.wait_ready()
        warm = [path for urls in pages.values() for path in urls[:20]]
        _load(helpdesk.port, warm, cookie)
        _load(baseline.port, ["/"] * 40, None)
        measured = {name: [] for name in ["baseline", *pages]}
        for _ in range(rounds):
            measured["baseline"].append(_measure(baseline, ["/"] * requests, None))
            for name, urls in pages.items():
                paths = [urls[k % len(urls)] for k in range(requests)]
                measured[name].append(_measure(helpdesk, paths, cookie))
    finally:
        helpdesk.stop()
        baseline.stop()
    base = min(measured["baseline"])
    log(f"  cpu per request under load ({WORKERS} gunicorn workers, {CONNECTIONS} connections, "
        f"{requests} requests x {rounds} rounds, cheapest round): baseline {base:.2f} ms")
    results = [{"name": "cpu_baseline", "tickets": size, "database": database, "cpu_ms": round(base, 2),
                "baseline_cpu_ms": round(base, 2), "ratio": 1.0}]
    for name in pages:
        cost = min(measured[name])
        ratio = cost / base
        log(f"  cpu {name:27} {cost:7.2f} ms  {ratio:4.1f}x the baseline  "
            f"{'ok  ' if ratio <= TARGET_RATIO else 'MISS'} (<= {TARGET_RATIO:.0f}x)  "
            f"(rounds: {', '.join(f'{m:.1f}' for m in measured[name])})")
        results.append({"name": f"cpu_{name}", "tickets": size, "database": database, "cpu_ms": round(cost, 2),
                        "baseline_cpu_ms": round(base, 2), "ratio": round(ratio, 2)})
    return results
