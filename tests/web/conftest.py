"""A real browser: Debian's Chromium driven by Playwright, against a live server.

Locally the browser tests skip, saying why, when Chromium is missing; in CI
(``CI`` set, or ``ADVISOR_BROWSER_TESTS=required`` as ``.ci/run`` sets it) they
fail instead, so a green run always drove a browser.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or ""
REQUIRED = bool(os.environ.get("CI")) or (
    os.environ.get("ADVISOR_BROWSER_TESTS") == "required"
)
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM or not os.access(CHROMIUM, os.X_OK):
        message = (
            "Debian's chromium is not installed (apt-get install chromium, or set "
            "CHROMIUM_PATH)"
        )
        if REQUIRED:
            pytest.fail(f"{message}: browser tests are required in CI", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": WIDTHS["desktop"], "height": 900},
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def sign_in(page):
    def sign_in_as(username, password):
        page.goto("/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("main button[type=submit]")
        return page

    return sign_in_as


@pytest.fixture
def screenshot(page):
    """Write the page at desktop and phone widths under var/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> list[Path]:
        paths = []
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(150)  # let charts and layout follow the width
            path = SCREENSHOTS / f"{name}-{label}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            paths.append(path)
        page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
        return paths

    return take


@pytest.fixture
def accessible(page):
    """Assert axe-core finds no serious or critical violation on the page."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(name: str) -> None:
        results = axe.run(page)
        bad = [
            violation
            for violation in results.response["violations"]
            if violation.get("impact") in ("serious", "critical")
        ]
        assert not bad, f"{name}: " + "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in bad
        )

    return check
