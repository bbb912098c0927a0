"""The pages as a person sees them, in Chromium."""

import re

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)


def test_sign_in_see_own_clients_and_open_one(demo, page, sign_in):
    page.goto("/")
    assert "/login/" in page.url
    sign_in("advisor", "advisor-demo-2026")
    rows = page.locator("#client-list tbody tr")
    names = rows.locator("td:first-child").all_inner_texts()
    assert "Eleanor Whitfield" in names and "Marcus Chen" in names
    assert "Harold Becker" not in names  # advisor2's client
    assert "simulated" in page.locator("[data-testid=runtime-modes]").inner_text()
    page.click("text=Eleanor Whitfield")
    assert re.search(r"/clients/\d+/$", page.url)
    assert page.locator("h1").inner_text() == "Eleanor Whitfield"


def test_client_search_narrows_the_list_as_you_type(demo, page, sign_in):
    sign_in("advisor", "advisor-demo-2026")
    page.fill("input[name=q]", "marc")
    page.wait_for_function(
        "document.querySelectorAll('#client-list tbody tr').length === 1"
    )
    assert page.locator("#client-list tbody tr").inner_text().startswith("Marcus Chen")


def test_wrong_password_shows_a_form_error(demo, page, sign_in):
    sign_in("advisor", "not-the-password")
    assert "/login/" in page.url
    assert page.locator("[role=alert]").is_visible()


def test_analyst_sees_coverage_not_clients(demo, page, sign_in):
    sign_in("analyst", "analyst-demo-2026")
    assert page.locator("h1").first.inner_text() == "Your coverage"
    assert "NVDA" in page.locator(".chips").inner_text()
