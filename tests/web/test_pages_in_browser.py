"""The pages as each role sees them, in Debian's Chromium.

Each journey also writes screenshots of the pages it passes (desktop and phone
widths, under var/screenshots/) and has axe-core check them.
"""

import json
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from advisor.models import Client
from memory.models import Memory, MemoryStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRANSCRIPT = [
    {
        "speaker": "Dana Reyes",
        "role": "advisor",
        "text": "Anything new since we spoke?",
        "occurred_at": "2026-11-20T15:00:00Z",
        "external_id": "browser-call-1",
    },
    {
        "speaker": "Sofia Alvarez",
        "role": "client",
        "text": "I bought 40 shares of Costco at $900 in my Roth IRA.",
        "occurred_at": "2026-11-20T15:01:00Z",
        "external_id": "browser-call-2",
    },
]


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)


def test_advisor_signs_in_and_searches_own_clients(
    demo, page, sign_in, screenshot, accessible
):
    page.goto("/")
    assert "/login/" in page.url
    screenshot("login")
    accessible("login")
    sign_in("advisor", "not-the-password")
    assert page.locator("[role=alert]").is_visible()
    sign_in("advisor", "advisor-demo-2026")
    names = page.locator("#client-list tbody tr td:first-child").all_inner_texts()
    assert "Eleanor Whitfield" in names and "Marcus Chen" in names
    assert "Harold Becker" not in names  # advisor2's client
    assert "simulated" in page.locator("[data-testid=runtime-modes]").inner_text()
    assert "proposal" in page.locator("#client-list").inner_text()
    screenshot("client-list")
    accessible("client list")
    page.fill("input[name=q]", "marc")
    # Not wait_for_function: it evaluates a string, which the CSP refuses.
    expect(page.locator("#client-list tbody tr")).to_have_count(1)
    assert page.locator("#client-list tbody tr").inner_text().startswith("Marcus Chen")


def test_advisor_reviews_edits_and_retracts_in_the_panel(
    demo, page, sign_in, screenshot, accessible
):
    sign_in("advisor", "advisor-demo-2026")
    page.click("text=Eleanor Whitfield")
    assert re.search(r"/clients/\d+/$", page.url)
    assert page.locator("h1").inner_text() == "Eleanor Whitfield"
    assert page.locator("[data-slot=chat]").is_visible()
    panel = page.locator("#memory-panel")
    holding = panel.locator("li.memory[data-kind=holding]").first
    assert "simulated" in holding.locator(".reading").inner_text()
    screenshot("client")
    accessible("client page")

    # Approve a proposal in place: it joins the views, no navigation.
    review = panel.locator("ul.review li.memory")
    assert review.count() == 2
    text = review.first.locator(".memory-text").inner_text()
    assert "Approving records it" in review.first.locator(".effect").inner_text()
    url_before = page.url
    review.first.locator("button", has_text="Approve").click()
    # A locator, not wait_for_function: the CSP refuses evaluated strings.
    expect(page.locator("#memory-panel ul.review li.memory")).to_have_count(1)
    assert page.url == url_before  # swapped in place by htmx, no navigation
    assert "Approved." in panel.inner_text()
    views = panel.locator("ul:not(.review) li.memory[data-kind=view]")
    assert any(text in view for view in views.all_inner_texts())

    # Reject the other, which needs a reason.
    remaining = panel.locator("ul.review li.memory").first
    remaining.locator("a", has_text="Reject").click()
    reason = panel.locator("form[data-form=reject] [name=reason]")
    assert reason.get_attribute("required") is not None  # the browser asks first
    page.fill("form[data-form=reject] [name=reason]", "Not what she said")
    page.locator("form[data-form=reject] button[type=submit]").click()
    expect(page.locator("#memory-panel ul.review")).to_have_count(0)

    # Correct a holding: the form opens in the row, the panel shows the result.
    row = panel.locator("li.memory[data-kind=holding]").first
    row.locator("a", has_text="Edit").click()
    edit = page.locator("form[data-form=edit]")
    edit.locator("textarea[name=text]").fill("Holds 320 AAPL in the IRA")
    payload = json.loads(edit.locator("textarea[name=payload]").input_value())
    payload["quantity"] = 320
    edit.locator("textarea[name=payload]").fill(json.dumps(payload))
    screenshot("client-edit-in-panel")
    edit.locator("button[type=submit]").click()
    page.wait_for_selector("#memory-panel >> text=Memory corrected.")
    assert "Holds 320 AAPL in the IRA" in panel.inner_text()

    # Retract a fact with a reason.
    fact = panel.locator("li.memory[data-kind=fact]").first
    fact_text = fact.locator(".memory-text").inner_text()
    fact.locator("a", has_text="Retract").click()
    page.fill("form[data-form=retract] [name=reason]", "She asked us to forget it")
    page.locator("form[data-form=retract] button[type=submit]").click()
    page.wait_for_selector("#memory-panel >> text=Memory retracted.")
    assert fact_text not in panel.inner_text()
    client = Client.objects.get(name="Eleanor Whitfield")
    assert not Memory.objects.filter(
        subject=client.subject, kind="view", status=MemoryStatus.PROPOSED
    ).exists()

    # Without htmx the same forms are pages of their own.
    row = panel.locator("li.memory[data-kind=goal]").first
    page.goto(row.locator("a", has_text="Retract").get_attribute("href"))
    assert page.locator("h1").inner_text() == "Retract this memory"
    screenshot("memory-retract-page")
    accessible("retract page")


def test_advisor_cannot_reach_another_advisors_client_by_url(demo, page, sign_in):
    theirs = Client.objects.get(name="Harold Becker")
    sign_in("advisor", "advisor-demo-2026")
    for path in (f"/clients/{theirs.pk}/", f"/clients/{theirs.pk}/imports/new/"):
        response = page.goto(path)
        assert response.status == 404
        assert page.locator("h1").inner_text() == "Not found"
        assert "Harold Becker" not in page.content()


def test_advisor_imports_a_transcript_and_sees_it_indexed(
    demo, page, sign_in, screenshot, accessible
):
    sign_in("advisor", "advisor-demo-2026")
    page.click("text=Sofia Alvarez")
    page.click("text=Import a transcript")
    screenshot("import-form")
    accessible("import form")
    page.fill("textarea[name=transcript]", "[{]")
    page.click("#import-form button[type=submit]")
    assert "not valid JSON" in page.locator("#import-form").inner_text()
    page.fill("textarea[name=transcript]", json.dumps(TRANSCRIPT))
    page.fill("input[name=title]", "November check-in")
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-progress[data-status=done]", timeout=30_000)
    assert "Fully indexed" in page.locator("#import-progress").inner_text()
    screenshot("import-progress")
    page.click("text=See Sofia Alvarez’s memory")
    assert "COST" in page.locator("#memory-panel").inner_text()


def test_analyst_dashboard_charts_views_with_markers_and_targets(
    demo, page, sign_in, screenshot, accessible
):
    sign_in("analyst", "analyst-demo-2026")
    assert page.locator("h1").first.inner_text() == "Your views"
    assert "NVDA" in page.locator(".chips").inner_text()
    # Locators, not wait_for_function (it evaluates a string: the CSP refuses it).
    charts = page.locator("[data-chart-url]")
    assert charts.count() >= 2
    expect(
        page.locator(
            "[data-chart-url]:not([data-chart-state=ready]):not([data-chart-state=empty])"
        )
    ).to_have_count(0)
    # XOM's only view was retracted before any daily price was stored for it.
    assert page.locator("#chart-XOM").get_attribute("data-chart-state") == "empty"
    nvda = page.locator("#chart-NVDA")
    assert int(nvda.get_attribute("data-bars")) > 100
    assert int(nvda.get_attribute("data-markers")) >= 1
    assert nvda.get_attribute("data-target-lines") == "160"
    box = nvda.locator("canvas").first.bounding_box()
    assert box["width"] > 200 and box["height"] > 100
    screenshot("analyst-dashboard")
    accessible("dashboard")

    # Sort by instrument, descending, then filter to bearish views.
    header = page.locator("#views-table th a", has_text="Instrument")
    header.click()
    page.wait_for_selector("#views-table th[aria-sort=descending]")
    instruments = page.locator("#views-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.instrument)"
    )
    assert instruments == sorted(instruments, reverse=True)
    page.select_option("#filter-stance", "bearish")
    rows = page.locator("#views-table tbody tr[data-view]")
    expect(rows.filter(has_not_text="Bearish")).to_have_count(0)
    expect(rows.first).to_be_visible()
    expect(page).to_have_url(re.compile("stance=bearish"))

    # Acknowledge an alert; publish the TSLA view as a house view.
    alerts = page.locator("#alerts li.alert")
    before = alerts.count()
    assert before >= 1
    alerts.first.locator("button").click()
    expect(page.locator("#alerts li.alert")).to_have_count(before - 1)
    tsla = page.locator("#views-table tr[data-instrument=TSLA]")
    tsla.locator("button", has_text="Publish").click()
    page.wait_for_selector("#views-table tr[data-instrument=TSLA] .badge.house")
    screenshot("analyst-dashboard-bearish")


def test_compliance_verifies_exports_and_reads_the_access_log(
    demo, page, sign_in, screenshot, accessible
):
    sign_in("compliance", "compliance-demo-2026")
    page.click("header >> text=Admin")
    page.wait_for_selector("#content-main")
    assert "Memory" in page.locator("#content-main").inner_text()
    screenshot("admin-index")
    accessible("admin index")

    page.goto("/admin/memory/subject/")
    page.locator("#result_list tbody tr input.action-select").first.check()
    page.select_option("select[name=action]", "verify_chain")
    page.click("button[name=index]")
    success = page.locator("ul.messagelist li.success")
    assert "events verify" in success.inner_text()
    screenshot("admin-subjects-verified")
    accessible("admin subjects")

    page.locator("#result_list tbody tr input.action-select").first.check()
    page.select_option("select[name=action]", "export_ledger")
    with page.expect_download() as download_info:
        page.click("button[name=index]")
    download = download_info.value
    export = json.loads(open(download.path(), encoding="utf-8").read())
    assert export["manifest"] and export["events"]

    page.goto("/admin/memory/memory/")
    page.locator("#result_list tbody tr th a").first.click()
    page.wait_for_selector("text=version timeline")
    screenshot("admin-memory")
    accessible("admin memory")

    page.goto("/admin/memory/subjectaccess/?surface=admin-export")
    log = page.locator("#result_list").inner_text()
    assert "Export" in log and "Morgan Lee" in log
    screenshot("admin-access-log")
    accessible("admin access log")
    with page.expect_download() as download_info:
        page.click("text=Export these as CSV")
    rows = open(download_info.value.path(), encoding="utf-8").read().splitlines()
    assert rows[0].startswith("accessed_at,user_id,user")
    assert len(rows) >= 2 and all(row.endswith(",Export") for row in rows[1:])
