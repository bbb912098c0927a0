"""The memory panel's forms: edit, retract, approve (as is or edited), reject."""

import json

import pytest

from memory.models import EventAction, Memory, MemoryEvent, MemoryStatus
from tests.factories import ClientFactory, UserFactory
from tests.web.helpers import HTMX, remember

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, client_of, advisor_user):
    client.force_login(advisor_user)
    return client


def url(client_of, memory, action):
    return f"/clients/{client_of.pk}/memories/{memory.pk}/{action}/"


def last_event(memory) -> MemoryEvent:
    return MemoryEvent.objects.filter(memory_id=memory.pk).order_by("-sequence")[0]


def holding(subject, **fields):
    return remember(
        subject,
        "holding",
        "Holds 200 AAPL in the IRA",
        payload={"instrument": "AAPL", "quantity": 200, "account": "ira"},
        key="holding:AAPL:ira",
        **fields,
    )


def test_client_page_lists_memory_with_edit_and_retract_links(signed_in, client_of):
    memory = remember(client_of.subject)
    page = signed_in.get(f"/clients/{client_of.pk}/").content.decode()
    assert "Second grandchild born in May" in page
    assert f'href="{url(client_of, memory, "edit")}"' in page
    assert f'href="{url(client_of, memory, "retract")}"' in page
    assert 'data-slot="chat"' in page  # the chat's place, kept for issue #11


def test_edit_form_is_a_page_without_js_and_a_fragment_with_htmx(signed_in, client_of):
    memory = holding(client_of.subject)
    page = signed_in.get(url(client_of, memory, "edit"))
    assert page.status_code == 200
    assert (
        "<html" in page.content.decode() and "Holds 200 AAPL" in page.content.decode()
    )
    fragment = signed_in.get(url(client_of, memory, "edit"), **HTMX).content.decode()
    assert "<html" not in fragment and 'data-form="edit"' in fragment
    assert "&quot;quantity&quot;: 200" in fragment  # the payload, as JSON to edit


def test_editing_a_memory_makes_a_new_version_with_its_event(signed_in, client_of):
    memory = holding(client_of.subject)
    response = signed_in.post(
        url(client_of, memory, "edit"),
        {
            "text": "Holds 250 AAPL in the IRA",
            "payload": json.dumps(
                {"instrument": "AAPL", "quantity": 250, "account": "ira"}
            ),
            "reason": "client corrected the count",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#memory-panel"
    assert "Holds 250 AAPL in the IRA" in response.content.decode()
    memory.refresh_from_db()
    assert memory.version == 2 and memory.payload["quantity"] == 250
    event = last_event(memory)
    assert event.action == EventAction.UPDATE
    assert event.reason == "client corrected the count"
    assert event.cause_user_id == client_of.advisor_id


def test_a_bad_payload_is_a_field_error_and_changes_nothing(signed_in, client_of):
    memory = holding(client_of.subject)
    for payload, expected in (
        ("{not json", "Enter a valid JSON"),
        ('["a list"]', "Give an object of fields"),
        (json.dumps({"instrument": "AAPL", "quantity": "many"}), "payload.quantity"),
    ):
        response = signed_in.post(
            url(client_of, memory, "edit"),
            {"text": "Holds many AAPL", "payload": payload},
            **HTMX,
        )
        assert response.status_code == 422, payload
        body = response.content.decode()
        assert expected in body and 'role="alert"' in body
    memory.refresh_from_db()
    assert memory.version == 1 and memory.text == "Holds 200 AAPL in the IRA"


def test_empty_text_is_refused_without_js_too(signed_in, client_of):
    memory = holding(client_of.subject)
    response = signed_in.post(url(client_of, memory, "edit"), {"text": "  "})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert "<html" in response.content.decode()


def test_retract_needs_a_reason_and_keeps_the_memory_in_history(signed_in, client_of):
    memory = holding(client_of.subject)
    refused = signed_in.post(url(client_of, memory, "retract"), {"reason": ""})
    assert refused.status_code == 422
    assert "Say why" in refused.content.decode()
    assert Memory.objects.get(pk=memory.pk).status == MemoryStatus.ACTIVE
    done = signed_in.post(url(client_of, memory, "retract"), {"reason": "sold it all"})
    assert done.status_code == 302
    assert done["Location"] == f"/clients/{client_of.pk}/#memory-panel"
    memory.refresh_from_db()
    assert memory.status == MemoryStatus.RETRACTED
    assert last_event(memory).reason == "sold it all"
    page = signed_in.get(f"/clients/{client_of.pk}/").content.decode()
    assert "Memory retracted." in page and "Holds 200 AAPL" not in page


def test_approve_as_is_supersedes_what_holds_the_slot(signed_in, client_of):
    old = holding(client_of.subject)
    proposal = remember(
        client_of.subject,
        "holding",
        "Holds 300 AAPL in the IRA",
        payload={"instrument": "AAPL", "quantity": 300, "account": "ira"},
        key="holding:AAPL:ira",
        status="proposed",
        confidence=0.4,
    )
    page = signed_in.get(f"/clients/{client_of.pk}/").content.decode()
    assert "Approving records it and closes what it replaces" in page
    assert "“Holds 200 AAPL in the IRA”" in page
    response = signed_in.post(url(client_of, proposal, "approve"), **HTMX)
    assert response.status_code == 200
    assert Memory.objects.get(pk=proposal.pk).status == MemoryStatus.ACTIVE
    assert Memory.objects.get(pk=old.pk).status == MemoryStatus.SUPERSEDED


def test_edit_then_approve_applies_the_edited_text(signed_in, client_of):
    proposal = remember(
        client_of.subject, text="Grandchild born", status="proposed", confidence=0.3
    )
    form = signed_in.get(url(client_of, proposal, "approve"), **HTMX).content.decode()
    assert 'data-form="approve"' in form and "Grandchild born" in form
    response = signed_in.post(
        url(client_of, proposal, "approve"),
        {"text": "Second grandchild born in May", "payload": "{}"},
        **HTMX,
    )
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == MemoryStatus.ACTIVE
    assert proposal.text == "Second grandchild born in May"
    bad = remember(client_of.subject, text="Other", status="proposed")
    refused = signed_in.post(
        url(client_of, bad, "approve"), {"text": "", "payload": "{}"}, **HTMX
    )
    assert refused.status_code == 422
    assert Memory.objects.get(pk=bad.pk).status == MemoryStatus.PROPOSED


def test_a_retraction_proposal_says_what_it_retracts(signed_in, client_of):
    old = holding(client_of.subject)
    proposal = remember(
        client_of.subject,
        "holding",
        "Sold all AAPL in the IRA",
        payload={"instrument": "AAPL", "account": "ira"},
        key="holding:AAPL:ira",
        status="proposed",
        proposal_action="retract",
    )
    page = signed_in.get(f"/clients/{client_of.pk}/").content.decode()
    assert "proposes a retraction" in page
    assert "Approving retracts 1 active holding" in page
    signed_in.post(url(client_of, proposal, "approve"), **HTMX)
    assert Memory.objects.get(pk=old.pk).status == MemoryStatus.RETRACTED
    assert Memory.objects.get(pk=proposal.pk).status == MemoryStatus.APPLIED


def test_reject_needs_a_reason(signed_in, client_of):
    proposal = remember(client_of.subject, text="Maybe moving", status="proposed")
    refused = signed_in.post(url(client_of, proposal, "reject"), {}, **HTMX)
    assert refused.status_code == 422
    assert Memory.objects.get(pk=proposal.pk).status == MemoryStatus.PROPOSED
    signed_in.post(url(client_of, proposal, "reject"), {"reason": "misheard"}, **HTMX)
    proposal.refresh_from_db()
    assert proposal.status == MemoryStatus.REJECTED
    assert last_event(proposal).reason == "misheard"


def test_reviewing_twice_says_so_and_changes_nothing(signed_in, client_of):
    proposal = remember(client_of.subject, text="Maybe moving", status="proposed")
    signed_in.post(url(client_of, proposal, "approve"), **HTMX)
    events = MemoryEvent.objects.filter(memory_id=proposal.pk).count()
    again = signed_in.post(url(client_of, proposal, "reject"), {"reason": "x"}, **HTMX)
    assert again.status_code == 409
    assert "already reviewed" in again.content.decode()
    assert MemoryEvent.objects.filter(memory_id=proposal.pk).count() == events


def test_another_advisors_memory_cannot_be_edited_or_retracted(client, client_of):
    other = UserFactory(firm=client_of.firm)
    theirs = ClientFactory(advisor=other)
    memory = remember(theirs.subject, text="Their secret")
    client.force_login(client_of.advisor)
    for action in ("edit", "retract"):
        response = client.post(
            url(theirs, memory, action), {"text": "x", "reason": "y"}
        )
        assert response.status_code == 404
        assert "Their secret" not in response.content.decode()
    # Their memory's id under one's own client is not found either.
    mine = client.post(url(client_of, memory, "retract"), {"reason": "y"}, **HTMX)
    assert "Their secret" not in mine.content.decode()
    assert Memory.objects.get(pk=memory.pk).status == MemoryStatus.ACTIVE


def test_client_list_counts_proposals_waiting(signed_in, client_of):
    remember(client_of.subject, text="Maybe moving", status="proposed")
    page = signed_in.get("/").content.decode()
    assert "1 proposal" in page
    fragment = signed_in.get("/?q=zzz", **HTMX).content.decode()
    assert "<html" not in fragment and "No client matches" in fragment


def test_compliance_reads_the_panel_but_changes_memory_only_in_the_admin(
    client, client_of
):
    memory = remember(client_of.subject)
    officer = UserFactory(firm=client_of.firm, role="compliance", is_staff=True)
    client.force_login(officer)
    page = client.get(f"/clients/{client_of.pk}/").content.decode()
    assert "Second grandchild born in May" in page
    assert url(client_of, memory, "edit") not in page
    response = client.post(url(client_of, memory, "retract"), {"reason": "x"})
    assert response.status_code == 403
    imports = client.get(f"/clients/{client_of.pk}/imports/new/")
    assert imports.status_code == 403
    assert Memory.objects.get(pk=memory.pk).status == MemoryStatus.ACTIVE
