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
    assert page.locator("h1").first.inner_text() == "Your views"
    assert "NVDA" in page.locator(".chips").inner_text()


def test_advisor_reviews_a_proposed_memory_in_place(demo, page, sign_in):
    sign_in("advisor", "advisor-demo-2026")
    page.click("text=Eleanor Whitfield")
    panel = page.locator("#memory-panel")
    # h3 is upper-cased by CSS, and inner_text reads what is shown.
    assert "waiting for your review" in panel.inner_text().lower()
    proposal = panel.locator("ul.review li.memory").first
    text = proposal.locator(".memory-text").inner_text()
    url_before = page.url
    panel.locator("button", has_text="Approve").first.click()
    page.wait_for_function(
        "document.querySelectorAll('#memory-panel ul.review li.memory').length === 1"
    )
    assert page.url == url_before  # swapped in place by htmx, no navigation
    views = page.locator("#memory-panel ul:not(.review) li.memory[data-kind=view]")
    assert any(text in view for view in views.all_inner_texts())


def test_client_page_shows_market_readings_with_simulated_label(demo, page, sign_in):
    sign_in("advisor", "advisor-demo-2026")
    page.click("text=Marcus Chen")
    holding = page.locator("li.memory[data-kind=holding]").first
    reading = holding.locator(".reading")
    assert reading.is_visible()
    assert "simulated" in reading.inner_text()
    assert "NVDA" in reading.inner_text()
