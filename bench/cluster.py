"""The processes of the scale-out proof: a PostgreSQL instance of its own, app servers, HAProxy
in front of them and task workers, all on 127.0.0.1.

For `bench.scaleout`. Each process runs in a session of its own, so "kill -9 an app server"
kills its master and its workers together, as a crashed machine would.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
#: Debian's server programs of the newest installed PostgreSQL (initdb, pg_ctl).
PG_BIN = max(
    Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), default=None
)


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if condition():
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not within {seconds:.0f} s")
        time.sleep(0.2)


def answers(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as response:
        return response.status == 200


def manage(env: dict, *args: str, stdin: str | None = None) -> str:
    """Run `manage.py` with `env`; its output."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


class Process:
    """One started program, killed with its whole session."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path):
        self.name, self.command, self.env, self.log = name, command, env, log
        self.popen: subprocess.Popen | None = None

    def start(self) -> "Process":
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int:
        return self.popen.pid

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)
            self.popen.wait(timeout=30)

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None


class Postgres:
    """A PostgreSQL cluster in `directory`, on `port`; initdb runs as the postgres user when
    this runs as root (PostgreSQL refuses to run as root). With `settings` (a configuration
    file such as deploy/postgresql/kontor.conf) the cluster runs with exactly that file's
    settings instead of the scale-out proof's small ones."""

    def __init__(self, directory: Path, port: int, settings: Path | None = None):
        self.directory, self.port, self.settings = directory, port, settings
        self.data = directory / "data"

    def _as_owner(self, command: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return command

    def _ctl(self, *args: str) -> None:
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "log")]
        subprocess.run(self._as_owner([*command, *args]), check=True, capture_output=True)

    def create(self) -> None:
        if self.directory.exists():
            self.stop(missing_ok=True)
            shutil.rmtree(self.directory)
        self.directory.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        initdb = [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres"]
        subprocess.run(
            self._as_owner([*initdb, "--auth=trust", "-E", "UTF8"]),
            check=True,
            capture_output=True,
        )
        if self.settings is not None:
            with (self.data / "postgresql.conf").open("a") as conf:
                conf.write(f"\ninclude '{self.settings.resolve()}'\n")
        self.start()
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "kontor"],
            check=True,
        )

    def options(self) -> str:
        where = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory}"
        if self.settings is not None:
            return where
        return f"{where} -c max_connections=100 -c shared_buffers=256MB -c synchronous_commit=on"

    def running(self) -> bool:
        status = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status"]
        return subprocess.run(self._as_owner(status), capture_output=True).returncode == 0

    def start(self) -> None:
        self._ctl("-o", self.options(), "-w", "start")

    def restart(self) -> None:
        self._ctl("-o", self.options(), "-m", "fast", "-w", "restart")

    def stop(self, missing_ok: bool = False) -> None:
        try:
            self._ctl("-m", "fast", "-w", "stop")
        except subprocess.CalledProcessError:
            if not missing_ok:
                raise

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/kontor"


def app_server(port: int, env: dict, log: Path) -> Process:
    """gunicorn with two sync workers, as deploy/ runs it."""
    command = [str(BIN / "gunicorn"), "kontor.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"]
    command += ["--graceful-timeout", "5", "--timeout", "60"]
    return Process(f"app:{port}", command, env, log)


def worker(worker_id: str, env: dict, log: Path) -> Process:
    command = [str(BIN / "python"), "manage.py", "worker", "--interval", "0.5", "--no-reload"]
    command += ["--no-startup-delay", "--worker-id", worker_id]
    return Process(f"worker:{worker_id}", command, env, log)


HAPROXY = """global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # A request that could not reach a server (connection refused) goes to the other one;
    # nothing is resent once a server has it: the client retries with its Idempotency-Key.
    retries 3
    option redispatch
frontend web
    bind 127.0.0.1:{port}
    default_backend app
backend app
    balance roundrobin
    option forwardfor
    option httpchk GET /healthz
{servers}
"""


def load_balancer(port: int, backends: list[int], directory: Path) -> Process:
    servers = "\n".join(
        f"    server app{n} 127.0.0.1:{p} check inter 500ms fall 2 rise 2"
        for n, p in enumerate(backends)
    )
    config = directory / "haproxy.cfg"
    config.write_text(HAPROXY.format(port=port, servers=servers))
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    return Process(
        "haproxy", [haproxy, "-db", "-f", str(config)], dict(os.environ), directory / "haproxy.log"
    )
