import pytest
from django.core.management import call_command
from django.db import connection

from advisor.models import AnalystProfile, Client, Firm, User
from memory.models import Subject

pytestmark = pytest.mark.django_db


def test_pgvector_extension_is_installed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        row = cursor.fetchone()
    assert row is not None
    major, minor = (int(part) for part in row[0].split(".")[:2])
    assert (major, minor) >= (0, 8)


def test_database_is_postgresql_18():
    assert connection.vendor == "postgresql"
    assert connection.pg_version >= 180000


def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = (
        Firm.objects.count(),
        User.objects.count(),
        Client.objects.count(),
        Subject.objects.count(),
        AnalystProfile.objects.count(),
    )
    call_command("seed_demo")
    second = capsys.readouterr().out
    assert "nothing changed" in second
    assert "advisor-demo-2026" in first and "advisor-demo-2026" in second
    assert counts == (
        Firm.objects.count(),
        User.objects.count(),
        Client.objects.count(),
        Subject.objects.count(),
        AnalystProfile.objects.count(),
    )
    assert counts[2] >= 5
    roles = set(User.objects.values_list("role", flat=True))
    assert {"advisor", "analyst", "compliance"} <= roles
    assert User.objects.filter(role="advisor").count() >= 2


def test_seed_demo_refuses_production_unless_asked(settings):
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="nothing seeded"):
        call_command("seed_demo")
    assert not Firm.objects.exists()


def test_every_client_and_analyst_has_a_subject_in_its_firm(client_of, firm):
    from tests.factories import UserFactory

    analyst = UserFactory(firm=firm, role=User.Role.ANALYST)
    assert client_of.subject.tenant_id == firm.pk
    assert client_of.subject.kind == "client"
    assert analyst.analyst_profile.subject.tenant_id == firm.pk
    assert analyst.analyst_profile.subject.kind == "analyst"


def test_issue_api_token_prints_a_working_token(client_of, advisor_user, capsys):
    from rest_framework.test import APIClient

    call_command("issue_api_token", advisor_user.username)
    token = capsys.readouterr().out.strip()
    prefix, _, secret = token.partition(".")
    assert len(prefix) == 8 and len(secret) == 32
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get("/api/v1/clients/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [client_of.pk]


def test_issue_api_token_for_unknown_user_fails_clearly():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("issue_api_token", "nobody")


def test_health_check_reports_the_database(client):
    response = client.get("/healthz", HTTP_HOST="unlisted.example")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_production_settings_pass_check_deploy():
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x7#kP2m!qL9v@Rz4tY8wN3bH6jF1dS5gA0cV2xE7uI9oK4lM8nB3",
        "DJANGO_ALLOWED_HOSTS": "advisor.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "a.example"}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_every_scheduled_task_exists():
    from django.conf import settings

    from advisor.config.celery_app import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"beat entry {name} names no task"


def test_import_transcript_command_reports_progress_and_errors(
    client_of, tmp_path, capsys
):
    import json

    from django.core.management.base import CommandError

    from advisor.models import Client

    Client.objects.filter(pk=client_of.pk).update(external_id="CRM-9")
    turns = [
        {
            "speaker": "client",
            "text": f"Turn {i}",
            "external_id": f"x-{i}",
            "occurred_at": f"2025-01-01T10:{i:02d}:00Z",
        }
        for i in range(5)
    ]
    path = tmp_path / "call.json"
    path.write_text(json.dumps(turns))
    args = [str(path), "--firm", client_of.firm.slug, "--client", "CRM-9"]
    call_command("import_transcript", *args, "--batch-size", "2")
    out = capsys.readouterr().out
    assert "stored 2/5" in out and "stored 5/5" in out and "5 turns stored" in out
    call_command("import_transcript", *args)
    assert "0 turns stored, 5 already imported" in capsys.readouterr().out
    turns[1]["occurred_at"] = "someday"
    path.write_text(json.dumps(turns))
    with pytest.raises(CommandError, match=r"turns\[1\]\.occurred_at"):
        call_command("import_transcript", *args)
