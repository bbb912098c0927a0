"""`make backup` and `make restore`: a dump with a manifest, restored, verified."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from advisor.config.backup import FORMAT, sha256_of
from advisor.config.embedded_db import stop_cluster
from memory.ledger.chain import Cause
from memory.models import Subject
from memory.services import memory_record, memory_retract, subject_create

from .stack import private_tmp

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder():
    # Not tmp_path: other pytest sessions of this user prune those.
    with private_tmp("backup") as made:
        yield made


def backup_command(*args) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "ADVISOR_DATABASE_NAME": connection.settings_dict["NAME"],
    }
    return subprocess.run(
        [sys.executable, "-m", "advisor.config.backup", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_backup_restores_into_a_fresh_cluster_and_its_ledger_verifies(folder):
    subjects = [subject_create(tenant_id=1, kind="client") for _ in range(3)]
    for number, subject in enumerate(subjects):
        memory = memory_record(
            subject=subject,
            kind="fact",
            text=f"Fact number {number}",
            payload={"category": "life_event", "detail": f"detail {number}"},
            cause=Cause.user(7),
        )
        memory_retract(memory=memory, cause=Cause.user(7), reason="said in error")

    made = backup_command("dump", "--out", str(folder / "backup"))
    assert made.returncode == 0, made.stderr
    assert "3 subjects, 6 ledger events" in made.stdout
    manifest = json.loads((folder / "backup" / "manifest.json").read_text())
    assert manifest["format"] == FORMAT
    assert manifest["files"]["database.dump"]["sha256"] == sha256_of(
        folder / "backup" / "database.dump"
    )
    assert manifest["server_version"].startswith("18")
    assert "vector" in manifest["extensions"]
    assert manifest["migrations"]["memory"].startswith("00")
    heads = {pk: (length, head) for pk, length, head in manifest["ledger"]["heads"]}
    for subject in Subject.objects.all():
        assert heads[subject.pk] == (subject.ledger_length, subject.ledger_head)

    into = folder / "restored"
    try:
        restored = backup_command(
            "restore", "--from", str(folder / "backup"), "--into", str(into)
        )
        assert restored.returncode == 0, restored.stderr
        assert "Restored 3 subjects and 6 ledger events" in restored.stdout
        assert "OK: 3 subjects, 6 events verified." in restored.stdout
        with psycopg.connect(
            host=str(into), user="postgres", dbname="advisor_twin"
        ) as conn:
            texts = conn.execute(
                "SELECT text FROM memory_memory ORDER BY id"
            ).fetchall()
        assert [t for (t,) in texts] == [f"Fact number {n}" for n in range(3)]
        # Never over an existing cluster.
        again = backup_command(
            "restore", "--from", str(folder / "backup"), "--into", str(into)
        )
        assert again.returncode == 1 and "already holds a cluster" in again.stderr
    finally:
        stop_cluster(into)


def test_a_backup_that_does_not_match_its_manifest_is_refused(folder):
    subject_create(tenant_id=1, kind="client")
    assert backup_command("dump", "--out", str(folder / "b")).returncode == 0
    with (folder / "b" / "database.dump").open("ab") as dump:
        dump.write(b"tampered")
    refused = backup_command(
        "restore", "--from", str(folder / "b"), "--into", str(folder / "r")
    )
    assert refused.returncode == 1
    assert "does not match its checksum" in refused.stderr
    assert not (folder / "r").exists()
