"""Browser fixtures: the app served on a free loopback port, driven by Playwright in Debian's Chromium.

Loaded once by tests/conftest.py, so every module shares one browser (a second sync_playwright
in the same thread fails).

Never `playwright install`: the browser is `/usr/bin/chromium` (apt package
`chromium`). Screenshots of each page go to `test-artifacts/screenshots/`.
"""
import os
import re
import threading

import pytest
from werkzeug.serving import make_server

from helpdesk.config import PROJECT_ROOT
from tests.factories import DEFAULT_PASSWORD
from tests.servers import free_port, require_service

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def server_url(app):
    """The app served on http://127.0.0.1:<free port> for the whole session."""
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture
def live_server(app, server_url):
    """The served app, with emailed links pointing to it during this test."""
    previous, app.config["BASE_URL"] = app.config["BASE_URL"], server_url
    yield server_url
    app.config["BASE_URL"] = previous


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        require_service("chromium", "apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Shots:
    """Numbered screenshots of one test, at laptop width (and phone width when asked)."""

    def __init__(self, test_name):
        self.folder = ARTIFACTS / re.sub(r"[^\w-]+", "_", test_name)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def take(self, page, name, phone=False):
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if phone:
            size = page.viewport_size
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(path.with_name(path.stem + "-phone.png")), full_page=True)
            page.set_viewport_size(size)
        return path


@pytest.fixture
def shots(request):
    return Shots(request.node.name)


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (its own cookies) at laptop width."""
    contexts = []

    def open_page(expected_errors=()):
        """`expected_errors`: patterns of console errors the test provokes on purpose (a failing request)."""
        context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: message.type == "error" and not any(
            re.search(pattern, message.text) for pattern in expected_errors) and ERRORS.append(
            f"{message.text} at {message.location.get('url')}:{message.location.get('lineNumber')}"))
        return page

    ERRORS = []
    yield open_page
    for context in contexts:
        context.close()
    # A CSP violation or a script error in the browser fails the test.
    assert not ERRORS, ERRORS


def sign_in(page, user):
    page.goto("/signin")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def fits(page):
    """True when nothing on the page is wider than its viewport (no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
