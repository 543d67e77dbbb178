"""Every /moderate/ page on a phone and to assistive technology: no page scrolls sideways at
390 px, and axe-core finds no serious or critical violation, in light and dark."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.moderate_fixtures import log_in, moderated  # noqa: F401

pytestmark = pytest.mark.browser
PHONE, DESKTOP = 390, 1280


def _context(browser, width: int, scheme: str = "light"):
    return browser.new_context(viewport={"width": width, "height": 844}, color_scheme=scheme)


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_every_moderate_page_fits_the_screen_without_scrolling_sideways(browser, moderated, width):  # noqa: F811
    context = _context(browser, width)
    try:
        page = context.new_page()
        page.goto(moderated.url + "/moderate/login")
        wide = {"/moderate/login": _overflow(page)}
        log_in(page, moderated.url)
        for path in moderated.pages:
            page.goto(moderated.url + path)
            assert page.url.startswith(moderated.url + path.split("?")[0]), path  # the page itself, not a redirect
            wide[path] = _overflow(page)
        # "Log out" is on screen, not beyond its right edge
        box = page.locator(".topbar button.link").bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
    finally:
        context.close()
    assert {path: extra for path, extra in wide.items() if extra > 0} == {}


def _serious(page) -> list[str]:
    # Only the violations are read: axe then skips the details of everything that passed.
    violations = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations
            if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_moderate_pages_have_no_serious_accessibility_violations(browser, moderated, scheme, width):  # noqa: F811
    """Every page at phone width; at desktop width the queue, the policy and the site settings
    (what changes with the width is the layout, which the phone width tests hardest)."""
    pages = moderated.pages if width == PHONE else ["/moderate/?tab=pending", "/moderate/?tab=all",
                                                     "/moderate/sites/blog/policy", "/moderate/sites/blog",
                                                     "/moderate/sites/blog/"]
    context = _context(browser, width, scheme)
    found = {}
    try:
        page = context.new_page()
        page.goto(moderated.url + "/moderate/login")
        page.fill('input[name="email"]', "admin@example.org")
        page.fill('input[name="password"]', "not the password")
        page.click('button[type="submit"]')  # the page with its error message
        found["/moderate/login"] = _serious(page)
        log_in(page, moderated.url)
        for path in pages:
            page.goto(moderated.url + path)
            found[path] = _serious(page)
    finally:
        context.close()
    assert {path: problems for path, problems in found.items() if problems} == {}
