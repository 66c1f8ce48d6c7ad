"""The HTTP side of bench/api.py: keep-alive connections to the app server, one per client
thread, with the latency figures (p50/p95/p99) of a batch of requests sent by N threads."""

import http.client
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HOST = "127.0.0.1"
#: The calling thread's keep-alive connection (`per_thread.conn = None` opens a new one)
per_thread = threading.local()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def timed(port: int, key: str, method: str, path: str, body=None) -> tuple[float, int, bytes]:
    conn = getattr(per_thread, "conn", None)
    if conn is None:
        conn = per_thread.conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    started = time.perf_counter()
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    reply = conn.getresponse()
    data = reply.read()
    return (time.perf_counter() - started) * 1000, reply.status, data


def load(port, key, requests: list, clients: int) -> dict:
    """Send `requests` ((method, path, body)…) from `clients` threads; latency figures."""
    times, statuses, lock = [], {}, threading.Lock()
    queue = list(requests)

    def work():
        per_thread.conn = None
        while True:
            with lock:
                if not queue:
                    return
                method, path, body = queue.pop()
            ms, status, _data = timed(port, key, method, path, body)
            with lock:
                times.append(ms)
                statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    times.sort()
    pick = lambda q: round(times[min(len(times) - 1, int(q * len(times)))], 1)  # noqa: E731
    return {
        "clients": clients,
        "requests": len(times),
        "per_s": round(len(times) / seconds),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "statuses": statuses,
    }


def manage_shell(code: str, env: dict) -> str:
    """The last line `manage.py shell -c code` prints, run in the project with `env`."""
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]
