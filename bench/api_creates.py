"""The create half of bench/api.py: POST /api/v1/leads/ at 8 connections, sent by `wrk` (a
load generator in C, when installed) or by Python threads; only answers with status 201 count,
and the run's leads found in the database afterwards must match them. The CPU seconds of the
app workers, of PostgreSQL's sessions of this database and of the client are reported per
create, read from /proc, so the figure says where the cores went."""

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from bench.api_load import HOST, load, manage_shell

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = r"""
local threads, next_id = {}, 0
function setup(thread)
  thread:set("id", next_id); next_id = next_id + 1; table.insert(threads, thread)
end
function init(args)
  run, created, other, counter = args[1], 0, 0, 0
  wrk.headers["Authorization"] = "Bearer " .. args[2]
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  counter = counter + 1
  return wrk.format("POST", "/api/v1/leads/", nil, string.format(
    '{"last_name": "Bench", "first_name": "N%d", "email1": "bench-%s-%d-%d@api.example"}',
    counter, run, id, counter))
end
function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do c = c + t:get("created"); o = o + t:get("other") end
  local e = summary.errors
  io.write(string.format('WRK {"created": %d, "other_status": %d, "socket_errors": %d, ' ..
    '"seconds": %.3f, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f}\n', c, o,
    e.connect + e.read + e.write + e.timeout, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, str]]:
    """pid → (parent pid, command line) of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            found[int(entry.name)] = (ppid, cmd)
    return found


def cpu_snapshot(server_pid: int, database: str) -> dict:
    """CPU seconds so far: the app (gunicorn and its workers), PostgreSQL's sessions of
    `database`, all other PostgreSQL processes (WAL writer, checkpointer, others' sessions),
    every process, and the whole machine (busy time of /proc/stat, which also holds the
    kernel's interrupt work for the loopback traffic)."""
    procs = _processes()
    app = {server_pid} | {pid for pid, (ppid, _c) in procs.items() if ppid == server_pid}
    ours = {
        pid
        for pid, (_p, cmd) in procs.items()
        if cmd.startswith("postgres: ") and f" {database} " in cmd
    }
    other = {
        pid for pid, (_p, cmd) in procs.items() if cmd.startswith("postgres") and pid not in ours
    }
    # user nice system idle iowait irq softirq steal …: busy is user to softirq but idle and
    # iowait; steal (the hypervisor's) is reported apart
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
    hz = os.sysconf("SC_CLK_TCK")
    return {
        "app": {p: _cpu_seconds(p) for p in app},
        "db": {p: _cpu_seconds(p) for p in ours},
        "db_other": {p: _cpu_seconds(p) for p in other},
        "everything": {p: _cpu_seconds(p) for p in procs},
        "machine": (sum(ticks[:7]) - ticks[3] - ticks[4]) / hz,
        "kernel_irq": (ticks[5] + ticks[6]) / hz,
        "steal": ticks[7] / hz,
    }


def cpu_per_create(before: dict, after: dict, created: int, client_seconds: float) -> dict:
    """Milliseconds of CPU per created lead, by process group."""

    def spent(group):
        return sum(after[group][p] - before[group].get(p, 0.0) for p in after[group])

    per = lambda seconds: round(seconds * 1000 / max(created, 1), 2)  # noqa: E731
    return {
        "app_ms": per(spent("app")),
        "postgres_this_db_ms": per(spent("db")),
        "postgres_other_ms": per(spent("db_other")),
        "client_ms": per(client_seconds),
        "other_processes_ms": per(
            spent("everything") - spent("app") - spent("db") - spent("db_other")
        ),
        "machine_busy_ms": per(after["machine"] - before["machine"]),
        "of_it_interrupts_ms": per(after["kernel_irq"] - before["kernel_irq"]),
        "steal_ms": per(after["steal"] - before["steal"]),
    }


def count_created(env: dict, run: str, keep: bool) -> int:
    """The leads of this run in the database; then the bench's leads are deleted (unless
    `keep`): tens of thousands of the newest leads would change what the list figures of
    the next run measure (a filter walking the date index skips them all)."""
    code = (
        "from kontor.leads.models import Lead;"
        "from kontor.core.models import ChangeLog;"
        f"print(Lead.objects.filter(email1__startswith='bench-{run}-').count())"
    )
    if not keep:
        code += (
            ";mine = Lead.with_deleted.filter(created_by__username='api-bench');"
            "ChangeLog.objects.filter(record_id__in=mine.values('pk')).delete();"
            "mine.delete()"
        )
    return int(manage_shell(code, env))


def creates(port: int, key: str, server_pid: int, env: dict, args) -> dict:
    """POST /api/v1/leads/ at 8 connections: creates per second (status 201 only), latency,
    and CPU per create of app, database and client."""
    client = args.create_client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    if client == "wrk" and not shutil.which("wrk"):
        raise SystemExit(
            "wrk is not installed (Debian: apt-get install -y wrk), or use --create-client python"
        )
    run = f"{int(time.time())}"
    database = os.environ.get("DATABASE_URL", "sqlite").rsplit("/", 1)[-1]
    warm = [
        (
            "POST",
            "/api/v1/leads/",
            {
                "last_name": "Bench",
                "first_name": "Warm",
                "email1": f"bench-warm{run}-{i}@api.example",
            },
        )
        for i in range(40)
    ]
    load(port, key, warm, 2)
    result = {"client": client, "connections": 8, "load_average_before": os.getloadavg()}
    before = cpu_snapshot(server_pid, database)
    if client == "wrk":
        script = Path(f"/tmp/kontor-bench-api-{os.getpid()}.lua")
        script.write_text(WRK_SCRIPT)
        used = os.times()
        try:
            out = subprocess.run(
                [
                    "wrk",
                    "-t",
                    "2",
                    "-c",
                    "8",
                    "-d",
                    f"{args.seconds}s",
                    "--timeout",
                    "10s",
                    "-s",
                    str(script),
                    f"http://{HOST}:{port}/api/v1/leads/",
                    "--",
                    run,
                    key,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
        finally:
            script.unlink()
        done = os.times()
        client_seconds = (
            done.children_user - used.children_user + done.children_system - used.children_system
        )
        line = next(x for x in out.stdout.splitlines() if x.startswith("WRK "))
        result.update(json.loads(line[4:]))
    else:
        bodies = [
            (
                "POST",
                "/api/v1/leads/",
                {
                    "last_name": "Bench",
                    "first_name": f"N{i}",
                    "email1": f"bench-{run}-0-{i}@api.example",
                },
            )
            for i in range(args.requests * 2)
        ]
        used = time.process_time()
        found = load(port, key, bodies, 8)
        client_seconds = time.process_time() - used
        result.update(
            created=found["statuses"].get(201, 0),
            p50_ms=found["p50_ms"],
            p95_ms=found["p95_ms"],
            p99_ms=found["p99_ms"],
            other_status=sum(n for s, n in found["statuses"].items() if s != 201),
            seconds=found["requests"] / found["per_s"],
        )
    after = cpu_snapshot(server_pid, database)
    result["load_average_after"] = os.getloadavg()
    result["creates_per_s"] = round(result["created"] / result["seconds"])
    # wrk stops with up to one request per connection in flight, which the server may still
    # complete: the database may hold that many more than were counted, never fewer.
    result["in_database"] = count_created(env, run, args.keep)
    result["counted_all"] = 0 <= result["in_database"] - result["created"] <= 8
    result["cpu_per_create"] = cpu_per_create(before, after, result["created"], client_seconds)
    return result
