"""The XSS corpus (tests/data/xss_vectors.jsonl) goes in through the public API as comment
bodies, author names, websites, article titles, report notes, moderator notes and block notes;
every comment is approved; then Chromium loads every page that shows them and nothing may run.

Pages are loaded with the Content-Security-Policy bypassed, so that escaping and sanitizing
alone must hold (the CSP is a second line, not the defence), then again with the CSP on, where
any violation it reports is counted. A tripwire is whatever a vector tries to do: open a dialog,
set `window.__pwned` / `top.__pwned` / `parent.__pwned`, navigate away, open a window (the
dialog functions are replaced by recorders before any page script runs; real dialogs are
caught too). Every element on the page is also sent the events inline handlers wait for
(mouseover, focus, animationstart...), and the DOM is checked for what must never be there
(on* attributes, non-http(s) URLs, script/iframe/object elements, tags outside the body
allowlist).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from service.extensions import db
from service.models import Comment, CommentStatus
from service.services.administration.moderators import create_moderator
from service.services.administration.tokens import create_token
from tests.factories import make_site

pytestmark = pytest.mark.browser

VECTORS_FILE = Path(__file__).resolve().parents[1] / "data" / "xss_vectors.jsonl"
PER_ARTICLE = 50  # one embed page (50 top-level comments) and one queue page per article
APPROVE_BATCH = 5  # comments approved per bulk call, each call with its own hostile note
SITE = "xss"
PASSWORD = "correct horse battery"
POLICY = {"min_fill_seconds": 0, "rate_per_minute": 10_000, "rate_per_hour": 100_000, "max_links": 1000,
          "repeat_window_minutes": 0, "max_author_length": 200}
# A vector is armed when it tries one of the tripwires (some spell the call obliquely).
ARMED = re.compile(r"alert|__pw|prompt\(|confirm\(|&#97;|\\u0061|\\x61|base64,|atob\(|'al'\+'ert'")
BODY_TAGS = ["P", "BR", "EM", "STRONG", "CODE", "PRE", "BLOCKQUOTE", "UL", "OL", "LI", "A"]

# Fire the handlers a surviving attribute would wait for, then look for what the vectors do.
PROVOKE = """() => {
  const types = ['mouseover', 'mouseenter', 'pointerover', 'focus', 'focusin', 'animationstart', 'transitionend',
                 'toggle', 'load', 'error', 'begin', 'start'];
  const elements = document.querySelectorAll('body, body *');
  for (const el of elements) for (const type of types) el.dispatchEvent(new Event(type));
  window.scrollTo(0, document.documentElement.scrollHeight);
  window.scrollTo(0, 0);
  return elements.length;
}"""

INSPECT = """(bodyTags) => {
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster', 'background', 'ping',
                    'srcset', 'dynsrc', 'lowsrc', 'codebase', 'cite', 'manifest'];
  const safe = /^(https?:|mailto:|[#/?]|[^:]*$)/;
  const forbidden = ['IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED', 'APPLET', 'PORTAL'];
  const found = [];
  const show = (el, why) => found.push(why + ': ' + el.outerHTML.slice(0, 160));
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (name.startsWith('on')) show(el, 'handler ' + name);
      if (name === 'srcdoc') show(el, 'srcdoc');
      const emptyIcon = el.tagName === 'LINK' && el.rel === 'icon' && value === 'data:,';  // the UI's own
      if (urlAttrs.includes(name) && !safe.test(value) && !emptyIcon) show(el, 'url in ' + name);
      if (name === 'style' && /expression|url\\(|javascript|binding|behavior/.test(value)) show(el, 'style');
    }
    const tag = el.tagName.toUpperCase();
    if (tag === 'SCRIPT' && el.type !== 'application/json'
        && !(el.src && new URL(el.src, location.href).origin === location.origin)) show(el, 'script');
    if (forbidden.includes(tag)) show(el, 'element');
    if (tag === 'BASE' && el.hasAttribute('href')) show(el, 'base URL');
    if (tag === 'META' && /refresh/i.test(el.httpEquiv)) show(el, 'refresh');
  }
  for (const body of document.querySelectorAll('.body')) {
    for (const el of body.querySelectorAll('*')) {
      // The moderator pages' own note of where a link goes (`with_link_hosts`): text right after a link.
      const linkHost = el.tagName === 'SPAN' && el.className === 'link-host' && el.children.length === 0
        && el.previousElementSibling !== null && el.previousElementSibling.tagName === 'A';
      if (!bodyTags.includes(el.tagName.toUpperCase()) && !linkHost) show(el, 'tag outside the body allowlist');
    }
  }
  return found;
}"""

# Before any page script: count CSP violations, and turn the dialog functions into tripwires
# that record the call without opening a modal dialog (a vector such as
# `<input autofocus onblur=alert(1)>` would otherwise loop alert -> blur -> alert forever).
INIT = """document.addEventListener('securitypolicyviolation', (e) => {
  (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = function (message) { window.__pwned = window.__pwned || name + '(' + message + ')'; };
}"""


@dataclass
class Report:
    pages: list[str] = field(default_factory=list)
    executions: list[str] = field(default_factory=list)
    markup: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    elements: int = 0


def load_vectors() -> list[dict]:
    lines = VECTORS_FILE.read_text(encoding="utf-8").split("\n")
    return [json.loads(line) for line in lines if line.strip()]


def test_the_corpus_is_large_distinct_and_armed():
    rows = load_vectors()
    vectors = [row["vector"] for row in rows]
    assert len(vectors) >= 500
    assert len(set(vectors)) == len(vectors)
    families = {row["family"] for row in rows}
    assert {"script-tag", "event-handler", "url-scheme", "svg-mathml", "mutation", "markdown",
            "attribute-breakout", "template-injection", "css", "closer"} <= families
    unarmed = [row["vector"] for row in rows
               if row["family"] != "template-injection" and not ARMED.search(row["vector"])]
    assert unarmed == []


# ---- putting the corpus in ----------------------------------------------------------------

def website_for(vector: str) -> str:
    """What reaches the website field: the vector itself when it is an http(s) URL (the API
    refuses anything else), otherwise the vector inside one."""
    return vector if vector.lower().startswith(("http://", "https://")) else "https://x.example/" + vector


def article_key(n: int) -> str:
    # Every other article ID is hostile too: it lands in data attributes, links and titles.
    return f"xss-{n:02d}" if n % 2 == 0 else f'xss-{n:02d}"><svg onload=top.__pwned=1>'


@dataclass
class Seeded:
    ids: list[int]
    articles: list[tuple[str, int]]  # (key, article id)
    flagged: list[int]


def seed(client, vectors: list[str]) -> Seeded:
    """Every vector once as a body, once as an author name and once inside a website; then the
    moderation API approves each comment with a hostile note; some are reported and some
    authors blocked by name, so the reported tab, the log and the overview show vectors too."""
    n = len(vectors)
    _, admin_token = create_token("xss-admin", is_admin=True)
    auth = {"Authorization": f"Bearer {admin_token}"}
    ids, refused = [], []
    for i, body in enumerate(vectors):
        article = i // PER_ARTICLE
        payload = {"article": article_key(article), "body": body, "author": vectors[(i + n // 3) % n][:200],
                   "website": website_for(vectors[(i + 2 * n // 3) % n])}
        if i % PER_ARTICLE == 0:
            payload["title"] = vectors[(i * 7) % n][:300]
        response = client.post(f"/api/v1/sites/{SITE}/comments", json=payload)
        if response.status_code not in (201, 202):
            refused.append((i, response.status_code, response.json))
            continue
        ids.append(response.json["comment"]["id"])
    assert refused == []
    for i in range(0, len(ids), APPROVE_BATCH):
        batch = ids[i:i + APPROVE_BATCH]
        response = client.post("/api/v1/moderation/comments/bulk", headers=auth,
                               json={"ids": batch, "status": "approved", "note": vectors[(i + 11) % n]})
        assert response.json["updated"] == batch, response.json
    flagged = ids[::19]
    for i, comment_id in enumerate(flagged):
        response = client.post(f"/api/v1/comments/{comment_id}/flags",
                               json={"reason": "other", "note": vectors[(i * 5 + 3) % n]})
        assert response.status_code in (201, 202), response.json
    for i, comment_id in enumerate(ids[::37]):
        response = client.post(f"/api/v1/moderation/comments/{comment_id}/block-author", headers=auth,
                               json={"kinds": ["name"], "note": vectors[(i * 3 + 1) % n][:500]})
        assert response.status_code == 201, response.json
    db.session.expire_all()
    stored = db.session.execute(db.select(Comment.status, db.func.count()).group_by(Comment.status)).all()
    assert dict(stored) == {CommentStatus.APPROVED: len(vectors)}
    articles = db.session.execute(db.select(Comment.article_id).distinct()).scalars().all()
    keys = [(article_key(k), article_id) for k, article_id in enumerate(sorted(articles))]
    return Seeded(ids=ids, articles=keys, flagged=flagged)


# ---- looking at the pages -----------------------------------------------------------------

def run_js(frame, function: str, arg=None, timeout: float = 10_000):
    """`frame.evaluate`, but with a deadline: a frame a vector left without a document (or
    stuck in a loop) fails the check instead of hanging the run."""
    handle = frame.wait_for_function(f"(arg) => ({{value: ({function})(arg)}})", arg=arg, timeout=timeout)
    return handle.json_value()["value"]


class Visitor:
    """One browser context (JS on or off, CSP bypassed or not) and the tripwires on it."""

    def __init__(self, browser, report: Report, *, javascript: bool = True, csp: bool = False) -> None:
        self.context = browser.new_context(java_script_enabled=javascript, bypass_csp=not csp)
        self.javascript, self.csp, self.report = javascript, csp, report
        self.context.add_init_script(INIT)
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.popups: list[str] = []  # any page after the first was opened by something on it
        self.context.on("page", lambda p: self.popups.append(p.url))
        self.page.on("dialog", lambda dialog: (self.report.executions.append(
            f"dialog {dialog.message!r} on {self.page.url}"), dialog.dismiss()))

    def visit(self, url: str) -> None:
        # Without JavaScript nothing can run, and Chromium then loads every lazy image at once:
        # the parsed document is what there is to inspect.
        try:
            self.page.goto(url, wait_until="load" if self.javascript else "domcontentloaded")
        except PlaywrightError as exc:
            self.report.executions.append(f"{url}: did not load ({exc.message.splitlines()[0]})")
            return
        self.check(self.page.url)

    def check(self, where: str) -> None:
        try:
            self._check(where)
        except PlaywrightError as exc:  # the page navigated or hung under a vector: a finding
            self.report.executions.append(f"{where}: the page did not stay put ({exc.message.splitlines()[0]})")
            self.page.goto("about:blank")

    def _check(self, where: str) -> None:
        page = self.page
        if self.javascript:
            self.report.elements += run_js(page.main_frame, PROVOKE)
            page.wait_for_timeout(50)  # timers, animations and media errors get their turn
        for frame in page.frames:
            try:
                pwned = run_js(frame, "() => [window.__pwned, window.top === window ? null : top.__pwned]")
            except PlaywrightError as exc:  # a frame that went away is a finding too
                pwned = [f"frame not inspectable: {exc.message.splitlines()[0]}"]
            if any(value is not None for value in pwned):
                self.report.executions.append(f"__pwned={pwned} in frame {frame.url} of {where}")
        if page.url != where:
            self.report.executions.append(f"navigated from {where} to {page.url}")
        self.report.markup += [f"{where}: {m}" for m in run_js(page.main_frame, INSPECT, BODY_TAGS)]
        if self.csp and self.javascript:
            self.report.csp_violations += run_js(page.main_frame, "() => window.__csp || []")
        self.report.pages.append(where)

    def log_in(self, base: str, email: str) -> None:
        self.page.goto(base + "/moderate/login")
        self.page.fill("input[name=email]", email)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(re.compile(r"/moderate/(\?.*)?$"))

    def follow_pages(self, url: str, limit: int = 40) -> int:
        """Visit a paged listing to its end, through its rel=next links."""
        seen = 0
        while url and seen < limit:
            self.visit(url)
            seen += 1
            nxt = self.page.locator("a[rel=next]")
            url = nxt.first.get_attribute("href") if nxt.count() else None
            if url:
                url = self.page.url.split("/moderate")[0] + url
        return seen

    def close(self) -> None:
        if self.popups:
            self.report.executions.append(f"windows opened: {self.popups}")
        self.context.close()


def embed_url(base: str, key: str, reply_to: int) -> str:
    from urllib.parse import urlencode
    return f"{base}/embed/{SITE}?" + urlencode({"article": key, "reply": reply_to})


def preview_everything(visitor: Visitor, vectors: list[str]) -> int:
    """Type the corpus into the embed form, a few thousand characters at a time, and let the
    page's script render the service's preview of each chunk."""
    page, chunks, chunk = visitor.page, [], ""
    for vector in vectors:
        if len(chunk) + len(vector) > 8000:
            chunks.append(chunk)
            chunk = ""
        chunk += vector + "\n\n"
    chunks.append(chunk)
    for text in chunks:
        with page.expect_response(lambda r: r.url.endswith("/api/v1/preview")):
            page.fill("#f-body", text)
        page.locator("#preview-box:not([hidden])").wait_for()
        page.wait_for_timeout(100)
        visitor.check(page.url)
    return len(chunks)


@pytest.mark.slow
def test_no_vector_executes_on_any_page_that_shows_it(app, browser, live_server):
    vectors = [row["vector"] for row in load_vectors()]
    make_site(SITE, mode="pre", policy=POLICY, name='XSS "><svg onload=top.__pwned=1> blog')
    create_moderator("admin@example.org", PASSWORD, is_admin=True)
    seeded = seed(app.test_client(), vectors)
    base = live_server.url
    first_of = {article_id: comment_id for comment_id, article_id in reversed(
        db.session.execute(db.select(Comment.id, Comment.article_id)).all())}
    report = Report()

    # The embed page with the page's script running, CSP bypassed; and the live preview.
    reader = Visitor(browser, report)
    for key, article_id in seeded.articles:
        reader.visit(embed_url(base, key, first_of[article_id]))
        if reader.page.locator("#thread > li.comment").count() == 0:
            report.executions.append(f"no comments shown on the embed page of {key!r}")
    previews = preview_everything(reader, vectors)
    reader.visit(f"{base}/api/v1/sites/{SITE}/comments?article=xss-00")
    assert reader.page.evaluate("document.contentType") == "application/json"
    reader.close()

    # The embed page without JavaScript: only the markup stands between the vector and the reader.
    no_js = Visitor(browser, report, javascript=False)
    shown = []
    for key, article_id in seeded.articles:
        no_js.visit(embed_url(base, key, first_of[article_id]))
        shown.append(no_js.page.inner_text("#thread"))
    no_js.close()
    shown_text = "\n".join(shown)

    # The moderator UI, logged in as an administrator.
    mod = Visitor(browser, report)
    mod.log_in(base, "admin@example.org")
    queue_pages = mod.follow_pages(f"{base}/moderate/?tab=approved")  # every comment, 50 to a page
    queue_pages += sum(mod.follow_pages(f"{base}/moderate/?tab={tab}", limit=1)
                       for tab in ("reported", "all", "pending"))
    for _, article_id in seeded.articles:
        mod.visit(f"{base}/moderate/articles/{article_id}")
    # An even spread, plus every comment whose body tries to close the edit form's <textarea>
    # or the <title>, which only the comment page puts the raw text in.
    closers = [cid for cid, body in zip(seeded.ids, vectors) if re.search(r"</(textarea|title)", body, re.I)]
    sample = sorted(set(seeded.ids[:: max(1, len(seeded.ids) // 50)] + seeded.flagged[:5] + closers))
    for comment_id in sample:
        mod.visit(f"{base}/moderate/comments/{comment_id}")
    log_pages = mod.follow_pages(f"{base}/moderate/log", limit=3)
    mod.visit(f"{base}/moderate/sites/{SITE}/")
    mod.visit(f"{base}/moderate/sites/")
    mod.close()
    strict_pages = len(report.pages)

    # Again with the CSP enforced: it should have nothing to block; whatever it blocks is counted.
    guarded = Visitor(browser, report, csp=True)
    for key, article_id in seeded.articles:
        guarded.visit(embed_url(base, key, first_of[article_id]))
    guarded.log_in(base, "admin@example.org")
    guarded.visit(f"{base}/moderate/?tab=approved")
    for comment_id in sample[:10]:
        guarded.visit(f"{base}/moderate/comments/{comment_id}")
    guarded.close()

    print(f"\nXSS corpus: {len(vectors)} vectors, {len(seeded.ids)} comments in {len(seeded.articles)} articles; "
          f"{len(report.pages)} page checks ({strict_pages} with the CSP bypassed: {len(seeded.articles)} embed "
          f"pages with and without JS, {previews} previews, {queue_pages} queue pages, {len(sample)} comment pages, "
          f"{log_pages} log pages); {report.elements} elements provoked; "
          f"{len(report.executions)} executions; {len(report.csp_violations)} CSP violations")
    assert report.executions == []
    assert report.markup == [], "\n".join(report.markup[:40])
    assert report.csp_violations == []
    # Template syntax in bodies and names is shown as typed, never evaluated.
    for vector in ("{{7*7}}", "${7*7}", "{{constructor.constructor('alert(1)')()}}"):
        assert vector in shown_text, vector
