"""Real Celery worker processes on the test database, to kill and restart.

By default the broker and the result backend live in the test database itself
(the database broker mode), so what they keep is in the tables a test can scan,
and a worker killed with SIGKILL leaves its message where a restarted one must
find it. ``redis_url=`` puts the queue on Redis instead (the production
broker; ``tests.production.stack.redis_url`` gives one), with a visibility
timeout of a few seconds so a dead worker's message comes back within the test.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from celery import Celery
from django.db import connection
from kombu.transport import sqlalchemy as sqla

BASE_DIR = Path(__file__).resolve().parents[2]


def _test_database_url(prefix: str) -> str:
    """Return an SQLAlchemy URL of the test database (``prefix+postgresql...``)."""
    db = connection.settings_dict
    host = db["HOST"]
    user = db["USER"] or "postgres"
    if host.startswith("/"):
        return f"{prefix}+postgresql+psycopg://{user}@/{db['NAME']}?host={host}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"{prefix}+postgresql+psycopg://{user}{password}@{host}{port}/{db['NAME']}"


class WorkerPool:
    """Start, kill and restart ``celery worker`` processes on one queue of its own."""

    def __init__(
        self,
        *,
        sweep_seconds: float = 1.0,
        redis_url: str | None = None,
        visibility_timeout: float = 3.0,
    ):
        self.queue = f"faults-{uuid.uuid4().hex[:8]}"
        self.broker = "redis" if redis_url else "database"
        if redis_url:
            self.broker_url = redis_url
            transport_options = {"visibility_timeout": visibility_timeout}
        else:
            self.broker_url = _test_database_url("twinsqla")
            transport_options = {"sweep_seconds": sweep_seconds}
        self.backend_url = _test_database_url("db")
        self.sweep_seconds = sweep_seconds
        self.visibility_timeout = visibility_timeout
        self.processes: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        self.app = Celery("faults-probe", broker=self.broker_url)
        self.app.conf.result_backend = self.backend_url
        self.app.conf.broker_transport_options = transport_options
        self.app.conf.task_default_queue = self.queue

    def start(self) -> subprocess.Popen:
        env = {
            **os.environ,
            "ADVISOR_DATABASE_NAME": connection.settings_dict["NAME"],
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_RESULT_BACKEND": self.backend_url,
            "CELERY_BROKER_SWEEP_SECONDS": str(self.sweep_seconds),
            "CELERY_VISIBILITY_TIMEOUT_SECONDS": str(self.visibility_timeout),
        }
        log = BASE_DIR / "var" / f"worker-{self.queue}-{len(self.logs)}.log"
        log.parent.mkdir(exist_ok=True)
        self.logs.append(log)
        with log.open("w") as output:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "advisor.config",
                    "worker",
                    "--pool=solo",
                    "--loglevel=INFO",
                    "-Q",
                    self.queue,
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        return process

    def send(self, name: str, *args, **kwargs):
        return self.app.send_task(name, args=args, kwargs=kwargs, queue=self.queue)

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        """SIGKILL: no clean shutdown, no message put back, nothing flushed."""
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=20)

    def log_text(self) -> str:
        return "\n".join(log.read_text() for log in self.logs if log.exists())

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        for log in self.logs:
            log.unlink(missing_ok=True)
        self.app.close()
        if self.broker == "redis":
            import redis

            redis.Redis.from_url(self.broker_url).flushdb()
        else:
            # The transport and the result backend keep their engines (and
            # their connections to the test database) in caches of their own.
            hostname = self.broker_url.split("+", 1)[1]
            cached = sqla.Channel._engines.pop(hostname, None)
            if cached:
                cached[0].dispose()
        backend = self.app._backend
        manager = getattr(backend, "session_manager", None)
        for engine in getattr(manager, "_engines", {}).values():
            engine.dispose()


@contextmanager
def worker_pool(**options):
    pool = WorkerPool(**options)
    try:
        yield pool
    finally:
        pool.stop()


def wait_for(condition, *, timeout: float, interval: float = 0.05, what: str = ""):
    """Poll ``condition`` until it returns something truthy; return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}")


def queue_rows(queue: str) -> dict[str, int]:
    """Return how many messages of ``queue`` the broker table holds, by visibility."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('kombu_message') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return {}
        cursor.execute(
            "SELECT m.visible, count(*) FROM kombu_message m "
            "JOIN kombu_queue q ON q.id = m.queue_id WHERE q.name = %s "
            "GROUP BY m.visible",
            [queue],
        )
        return {("visible" if v else "hidden"): n for v, n in cursor.fetchall()}
