"""A real IMAP server for tests of inbound mail (the `imap_server` fixture, in conftest.py).

The fixture starts Debian's Dovecot (`dovecot-imapd`, installed by `scripts/system-packages
test`) once per test session with a configuration of its own in a temporary folder: plain IMAP
on a free port of 127.0.0.1, plaintext passwords allowed there, users in a passwd file, their
mail in maildirs under the same folder. No system configuration is read or changed.

A test takes a fresh user (`imap_server.new_user()`, one of `USERS` written before the start:
Dovecot re-reads a changed passwd file at most once a second), so tests never see each other's
mail, and
puts messages into a folder with `append` (IMAP APPEND, as a mail server delivering does).
`recreate_folder` deletes and creates a folder again, which gives it a new UIDVALIDITY.
"""

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = "/usr/sbin/dovecot"


@dataclass(frozen=True)
class IMAPUser:
    username: str
    password: str
    address: str


class IMAPServer:
    """What a test sees of the server: where it listens, its users, and a client to fill them."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.host, self.port = folder, "127.0.0.1", port
        self._users = iter(_users())

    def new_user(self) -> IMAPUser:
        """A user nobody used yet, with an empty INBOX."""
        return next(self._users)

    def client(self, user: IMAPUser) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port)
        client.login(user.username, user.password)
        return client

    def append(self, user: IMAPUser, message: bytes, folder: str = "INBOX") -> int:
        """Put `message` (the raw RFC 5322 bytes) into `folder`; its UID."""
        client = self.client(user)
        try:
            if folder != "INBOX":
                client.create(folder)  # "already exists" is fine
            status, data = client.append(folder, None, None, message)
            assert status == "OK", data
            # "[APPENDUID <uidvalidity> <uid>] Append completed."
            return int(data[0].split(b"]")[0].split()[-1])
        finally:
            client.logout()

    def uidvalidity(self, user: IMAPUser, folder: str = "INBOX") -> int:
        client = self.client(user)
        try:
            client.select(folder, readonly=True)
            return int(client.response("UIDVALIDITY")[1][0])
        finally:
            client.logout()

    def recreate_folder(self, user: IMAPUser, folder: str) -> None:
        """Delete `folder` and create it empty: the same name with a new UIDVALIDITY."""
        client = self.client(user)
        try:
            client.delete(folder)
            status, data = client.create(folder)
            assert status == "OK", data
        finally:
            client.logout()


#: How many users the server knows (each test takes fresh ones)
USERS = 500


def _users() -> list[IMAPUser]:
    return [IMAPUser(f"box{n}@kontor.test", f"pw-{n}", f"box{n}@kontor.test") for n in range(USERS)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _configuration(folder: Path, port: int) -> str:
    me = pwd.getpwuid(os.getuid()).pw_name
    if os.getuid() == 0:
        # Dovecot runs no login process and no mail as root: the package's own users do.
        login, internal, mail = "dovenull", "dovecot", "dovecot"
    else:
        login = internal = mail = me
    return f"""
base_dir = {folder}/run
state_dir = {folder}/state
instance_name = kontor-test-{port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# a refused password answers at once (tests of wrong passwords wait for nothing)
auth_failure_delay = 0
default_internal_user = {internal}
default_internal_group = {internal}
default_login_user = {login}
log_path = {folder}/dovecot.log
mail_location = maildir:{folder}/mail/%u
first_valid_uid = 0
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {folder}/users
  default_fields = uid={mail} gid={mail} home={folder}/home/%u
}}
"""


def _wait_until_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                if conn.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    text = log.read_text() if log.exists() else ""
    raise RuntimeError(f"Dovecot did not start on port {port}:\n{text}")


@pytest.fixture(scope="session")
def imap_server():
    """A running Dovecot IMAP server for this test session."""
    assert Path(DOVECOT).exists(), "Dovecot is missing: run scripts/system-packages test"
    folder = Path(tempfile.mkdtemp(prefix="kontor-imap-"))
    port = _free_port()
    for sub in ("mail", "home"):
        (folder / sub).mkdir()
    if os.getuid() == 0:
        folder.chmod(0o755)
        for sub in ("mail", "home"):
            shutil.chown(folder / sub, "dovecot", "dovecot")
    (folder / "users").write_text(
        "".join(f"{u.username}:{{PLAIN}}{u.password}::::::\n" for u in _users())
    )
    (folder / "dovecot.conf").write_text(_configuration(folder, port))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(folder / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_listening(port, process, folder / "dovecot.log")
        yield IMAPServer(folder, port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
