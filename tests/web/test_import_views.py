"""Importing a transcript from the client page: paste or upload, then progress."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from memory.models import ImportJob, Memory, Message
from tests.factories import ClientFactory, UserFactory
from tests.web.helpers import HTMX

pytestmark = pytest.mark.django_db

TURNS = [
    {
        "speaker": "Dana Reyes",
        "role": "advisor",
        "text": "How is the portfolio feeling?",
        "occurred_at": "2026-03-14T10:30:00Z",
        "external_id": "call-1",
    },
    {
        "speaker": "Nora North",
        "role": "client",
        "text": "I bought 100 shares of Apple at $180 in my IRA.",
        "occurred_at": "2026-03-14T10:31:00Z",
        "external_id": "call-2",
    },
]


@pytest.fixture
def signed_in(client, client_of, advisor_user):
    client.force_login(advisor_user)
    return client


def import_url(client_of):
    return f"/clients/{client_of.pk}/imports/new/"


def test_pasted_transcript_is_stored_indexed_and_followed(
    signed_in, client_of, django_capture_on_commit_callbacks
):
    # The worker's indexing is queued on commit; here it runs inline.
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            import_url(client_of),
            {"title": "March call", "transcript": json.dumps(TURNS)},
        )
    assert response.status_code == 302
    job = ImportJob.objects.get(subject=client_of.subject)
    assert response["Location"] == f"/clients/{client_of.pk}/imports/{job.pk}/"
    assert job.fully_indexed and job.turns_stored == 2
    page = signed_in.get(response["Location"]).content.decode()
    assert "Fully indexed" in page and "2 of 2" in page
    fragment = signed_in.get(response["Location"], **HTMX).content.decode()
    assert "<html" not in fragment and "hx-trigger" not in fragment  # polling stops
    holding = Memory.objects.get(subject=client_of.subject, kind="holding")
    assert holding.payload["instrument"] == "AAPL"


def test_an_unfinished_import_keeps_polling(signed_in, client_of):
    job = ImportJob.objects.create(
        subject=client_of.subject, turns_total=10, status=ImportJob.Status.INDEXING
    )
    fragment = signed_in.get(
        f"/clients/{client_of.pk}/imports/{job.pk}/", **HTMX
    ).content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    assert "Indexing" in fragment


def test_uploaded_file_with_title_and_id_inside(signed_in, client_of):
    body = json.dumps({"title": "Call", "external_id": "crm-9", "turns": TURNS})
    upload = SimpleUploadedFile("call.json", body.encode(), "application/json")
    response = signed_in.post(import_url(client_of), {"file": upload})
    assert response.status_code == 302
    job = ImportJob.objects.get(subject=client_of.subject)
    assert job.conversation.external_id == "crm-9" and job.conversation.title == "Call"
    again = SimpleUploadedFile("call.json", body.encode(), "application/json")
    signed_in.post(import_url(client_of), {"file": again})
    assert Message.objects.filter(subject=client_of.subject).count() == 2  # no repeat


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, "Paste a transcript or upload a JSON file."),
        ({"transcript": "[{"}, "This is not valid JSON"),
        ({"transcript": '{"no": "turns"}'}, "Give a list of turns"),
        (
            {"transcript": json.dumps([{**TURNS[0], "role": ""}])},
            "turns[0].role: is required",
        ),
        (
            {"transcript": json.dumps([{**TURNS[1], "occurred_at": "2026-03-14"}])},
            "turns[0].occurred_at",
        ),
    ],
)
def test_bad_transcripts_are_form_errors_and_store_nothing(
    signed_in, client_of, data, expected
):
    response = signed_in.post(import_url(client_of), data)
    assert response.status_code == 422
    assert expected in response.content.decode()
    assert not Message.objects.filter(subject=client_of.subject).exists()


def test_paste_and_upload_together_are_refused(signed_in, client_of):
    upload = SimpleUploadedFile("call.json", json.dumps(TURNS).encode())
    response = signed_in.post(
        import_url(client_of), {"transcript": json.dumps(TURNS), "file": upload}
    )
    assert response.status_code == 422
    assert "not both" in response.content.decode()


def test_imports_of_another_advisors_client_are_not_found(client, client_of):
    theirs = ClientFactory(advisor=UserFactory(firm=client_of.firm))
    job = ImportJob.objects.create(subject=theirs.subject)
    client.force_login(client_of.advisor)
    assert client.get(import_url(theirs)).status_code == 404
    post = client.post(import_url(theirs), {"transcript": json.dumps(TURNS)})
    assert post.status_code == 404
    assert client.get(f"/clients/{theirs.pk}/imports/{job.pk}/").status_code == 404
    # Nor under one's own client.
    assert client.get(f"/clients/{client_of.pk}/imports/{job.pk}/").status_code == 404
    assert not Message.objects.filter(subject=theirs.subject).exists()
