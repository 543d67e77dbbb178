"""Real-browser fixtures: the app served on a loopback port, and Chromium driven by Playwright.

Debian's Chromium is used (/usr/bin/chromium, or CHROMIUM_PATH); without it these tests skip
with a clear message, and CI (NO_SKIPS=1) fails on that skip.
"""

from __future__ import annotations

import os
import shutil

import pytest
from werkzeug.serving import make_server

from tests.servers import Serving

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def read_whole(wsgi_app):
    """`wsgi_app` with each response read, and closed, before the server sends it. When a browser
    drops a connection, Werkzeug's development server can skip closing the response (a static
    file's open handle), and the file's ResourceWarning then fails whichever test runs next."""

    def app(environ, start_response):
        body = wsgi_app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return app


class LiveServer:
    """A WSGI app served from a background thread on 127.0.0.1 and a free port."""

    def __init__(self, wsgi_app) -> None:
        server = make_server("127.0.0.1", 0, read_whole(wsgi_app), threaded=True)
        self.port = server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._serving = Serving(server)

    def start(self) -> "LiveServer":
        self._serving.start()
        return self

    def stop(self) -> None:
        self._serving.stop()

    def replace_app(self, wsgi_app) -> None:
        """Serve another app from the same address (the same origin) from the next request."""
        self._serving.server.app = read_whole(wsgi_app)


@pytest.fixture
def live_server(app):
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture
def serve():
    """Serve any extra WSGI app (e.g. a host blog page on another origin)."""
    servers: list[LiveServer] = []

    def start(wsgi_app) -> LiveServer:
        server = LiveServer(wsgi_app).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import expect, sync_playwright

    # The suite runs a browser per core beside the other tests: give an assertion that waits
    # for the page more than Playwright's 5 s before it counts as failed.
    expect.set_options(timeout=15_000)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs  # a tripwire any test can assert on
    yield page
    context.close()
