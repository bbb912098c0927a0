"""Every admin list, ours and third-party, shows a firm's staff only their firm.

The walk goes over whatever is registered with the admin site: a new admin of a
model that belongs to a firm is walked too, and fails here until it is scoped.
"""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin
from django.urls import reverse

from advisor.models import ApiToken, Firm, User
from advisor.services import api_token_issue, team_create
from advisor.webhooks.models import WebhookDelivery
from advisor.webhooks.services import subscription_create
from memory.conversations.messages import conversation_start, message_append
from memory.extraction.failures import extraction_failed
from memory.governance.access import subject_access_record
from memory.governance.erasure import subject_erase
from memory.governance.holds import legal_hold_place
from memory.llm import ModelError
from tests.factories import ClientFactory, FirmFactory, UserFactory
from tests.web.helpers import remember

pytestmark = pytest.mark.django_db

# Shared market data: instruments, quotes, daily bars and provider health belong
# to no firm; every firm reads the same prices.
GLOBAL_MODELS = {
    "market.Instrument",
    "market.Quote",
    "market.PriceBar",
    "market.ProviderHealth",
}


def firm_of(obj) -> int:
    """Return the firm a row belongs to, following the house's paths to it."""
    if isinstance(obj, Firm):
        return obj.pk
    if isinstance(obj, AccessAttempt | AccessLog):
        # Sign-in records name a username; usernames are unique across firms.
        return User.objects.get(username=obj.username).firm_id
    for attribute in ("firm_id", "tenant_id"):
        if hasattr(obj, attribute):
            return getattr(obj, attribute)
    for relation in ("subject", "user", "subscription"):
        related = getattr(obj, relation, None)
        if related is not None:
            return firm_of(related)
    raise AssertionError(
        f"{obj._meta.label} has no known path to a firm: scope its admin and "
        "teach this walk the path, or unregister it"
    )


def populate(firm: Firm, tag: str) -> dict:
    """Give a firm a row in every model its admin could list."""
    advisor = UserFactory(firm=firm, username=f"{tag}-advisor")
    UserFactory(firm=firm, username=f"{tag}-analyst", role=User.Role.ANALYST)
    compliance = UserFactory(
        firm=firm,
        username=f"{tag}-compliance",
        role=User.Role.COMPLIANCE,
        is_staff=True,
    )
    team_create(firm=firm, name=f"{tag} team")
    client = ClientFactory(advisor=advisor, name=f"{tag} client")
    remember(client.subject, text=f"{tag} memory")
    legal_hold_place(
        subject=client.subject,
        matter=f"{tag} matter",
        scope="all records",
        approver_user_id=compliance.pk,
        reason="litigation",
        placed_by_user_id=compliance.pk,
    )
    subject_access_record(subject=client.subject, user_id=advisor.pk, surface="web")
    leaving = ClientFactory(advisor=advisor, name=f"{tag} leaving")
    remember(leaving.subject, text=f"{tag} to forget")
    subject_erase(
        subject=leaving.subject, requested_by_user_id=compliance.pk, reason="asked"
    )
    login = {
        "username": advisor.username,
        "ip_address": "127.0.0.1",
        "user_agent": "test",
        "http_accept": "*/*",
        "path_info": "/login/",
    }
    AccessAttempt.objects.create(
        **login, get_data="", post_data="", failures_since_start=1
    )
    AccessLog.objects.create(**login)
    api_token_issue(user=advisor, name=f"{tag} crm")
    subscription = subscription_create(
        firm=firm, url=f"http://127.0.0.1:9/{tag}", event_types=["memory.changed"]
    )
    conversation = conversation_start(subject=client.subject)
    said = message_append(
        conversation=conversation,
        role="user",
        speaker="client",
        text=f"{tag} words",
        extract=False,
    )
    # What the outbox makes from committed events (a row for the log to list).
    WebhookDelivery.objects.create(
        subscription=subscription,
        message_id=f"msg_{tag}",
        event_type="memory.changed",
        payload={"type": "memory.changed", "data": {"tag": tag}},
    )
    extraction_failed(
        message=said,
        extractor_label="model:test",
        error=ModelError("the model server is down"),
        park=True,
    )
    return {"firm": firm, "compliance": compliance}


@pytest.fixture
def firms():
    north = populate(FirmFactory(name="North"), "north")
    south = populate(FirmFactory(name="South"), "south")
    north["superuser"] = User.objects.create_superuser(
        "north-root", "root@north.example", "a-long-test-password-1", firm=north["firm"]
    )
    return north, south


def admin_url(model, name: str, *args) -> str:
    return reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args
    )


@pytest.mark.parametrize("who", ["superuser", "compliance"])
def test_every_registered_admin_shows_only_the_staff_users_firm(client, firms, who):
    north, south = firms
    client.force_login(north[who])
    walked = []
    for model in admin.site._registry:
        label = model._meta.label
        if label in GLOBAL_MODELS:
            continue
        theirs = [
            o for o in model._default_manager.all() if firm_of(o) == south["firm"].pk
        ]
        ours = [
            o for o in model._default_manager.all() if firm_of(o) == north["firm"].pk
        ]
        assert theirs and ours, f"{label}: the walk needs rows of both firms"
        response = client.get(admin_url(model, "changelist"))
        if response.status_code == 200:
            shown = list(response.context["cl"].queryset)
            assert shown, f"{label}: {who} sees none of their own firm's rows"
            strangers = [o for o in shown if firm_of(o) != north["firm"].pk]
            assert not strangers, f"{label} shows another firm's rows: {strangers}"
        else:
            assert response.status_code in (302, 403), label
        for obj in theirs:
            change = client.get(admin_url(model, "change", obj.pk))
            assert change.status_code in (302, 403, 404), (label, obj.pk)
            assert str(obj) not in change.content.decode() or change.status_code != 200
        walked.append(label)
    assert {"auth.Group", "advisor.ApiToken"} & set(walked) == {"advisor.ApiToken"}
    assert {
        "memory.SubjectAccess",
        "advisor.Client",
        "memory.Memory",
        "memory.Conversation",
        "webhooks.WebhookDelivery",
    } <= set(walked)


def test_groups_are_not_in_the_admin_and_tokens_never_show_their_key(client, firms):
    north, _ = firms
    client.force_login(north["superuser"])
    assert client.get("/admin/auth/group/").status_code == 404
    page = client.get("/admin/advisor/apitoken/").content.decode()
    ours = ApiToken.objects.get(user__username="north-advisor")
    theirs = ApiToken.objects.get(user__username="south-advisor")
    assert ours.name in page and theirs.name not in page
    for token in ApiToken.objects.all():
        assert token.hashed_key not in page
    detail = client.get(f"/admin/advisor/apitoken/{ours.pk}/change/").content.decode()
    assert ours.name in detail and ours.hashed_key not in detail
    assert client.get(f"/admin/advisor/apitoken/{theirs.pk}/change/").status_code in (
        302,
        404,
    )
