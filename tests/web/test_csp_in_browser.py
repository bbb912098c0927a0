"""The pages pass their Content Security Policy in a real browser.

Debian's Chromium loads the advisor's pages (htmx swapping the memory panel in
place), the compliance admin and the API docs with the CSP enforced, and
reports every violation it would have blocked: there must be none.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def browser_page(page):
    page.context.add_init_script(LISTEN)
    console = []
    page.on("console", lambda message: console.append(message.text))
    return page, console


def violations(page, console) -> list[str]:
    seen = page.evaluate("window.__cspViolations || []")
    return seen + [text for text in console if "Content Security Policy" in text]


def sign_in(page, username, password):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_the_pages_raise_no_csp_violation(browser_page):
    call_command("seed_demo", verbosity=0)
    page, console = browser_page
    sign_in(page, "advisor", "advisor-demo-2026")
    assert violations(page, console) == []
    page.fill("input[name=q]", "marc")  # htmx searches as you type
    # Locators, not wait_for_function (which evals a string: the CSP refuses it).
    expect(page.locator("#client-list tbody tr")).to_have_count(1)
    page.click("text=Marcus Chen")
    assert violations(page, console) == []
    page.goto("/")
    page.click("text=Eleanor Whitfield")
    url = page.url
    reviews = page.locator("#memory-panel ul.review li.memory")
    before = reviews.count()
    page.locator("#memory-panel button", has_text="Approve").first.click()
    expect(reviews).to_have_count(before - 1)
    assert page.url == url  # swapped in place: htmx ran under the CSP
    assert violations(page, console) == []
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info")
    assert violations(page, console) == []

    page.context.clear_cookies()
    sign_in(page, "compliance", "compliance-demo-2026")
    page.goto("/admin/memory/memory/")
    page.wait_for_selector("#result_list")
    page.goto("/admin/")
    assert violations(page, console) == []
