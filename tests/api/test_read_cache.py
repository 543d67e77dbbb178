"""Caches on the read paths stay correct when several processes serve.

Each app below has its own cache, as each gunicorn worker does; they share the database.
"""

import time

from service.services.moderation.status import change_status
from tests.factories import make_comment, make_site
from tests.statements import statements_of

COUNTS = "/api/v1/sites/blog/counts"
THREAD = "/api/v1/sites/blog/comments"


def test_a_count_lags_another_process_by_at_most_the_ttl(make_app):
    reader, writer = make_app(CACHE_TTL_SECONDS=0.5), make_app(CACHE_TTL_SECONDS=0.5)
    with writer.app_context():
        site = make_site()
        held = make_comment(site, "a", status="pending")
        site_id, held_id = site.id, held.id
    reader_client = reader.test_client()
    assert reader_client.get(COUNTS, query_string={"article": "a"}).json == {"counts": {"a": 0}}
    with writer.app_context():
        from service.extensions import db
        from service.models import Comment

        change_status(db.session.get(Comment, held_id), "approved", site_id=site_id, actor="moderator")
        db.session.commit()
    deadline = time.monotonic() + 0.5 + 0.3
    while reader_client.get(COUNTS, query_string={"article": "a"}).json["counts"]["a"] != 1:
        assert time.monotonic() < deadline, "the count lagged the approval by more than the TTL"
        time.sleep(0.05)


def test_a_process_sees_its_own_writes_at_once(make_app):
    app = make_app(CACHE_TTL_SECONDS=60)
    with app.app_context():
        client = app.test_client()
        make_site()
        assert client.get(COUNTS, query_string={"article": "a"}).json == {"counts": {"a": 0}}
        client.post(THREAD, json={"article": "a", "author": "Ann", "body": "hi"})
        assert client.get(COUNTS, query_string={"article": "a"}).json == {"counts": {"a": 1}}


def test_a_thread_is_never_stale_even_across_processes(make_app):
    reader, writer = make_app(CACHE_TTL_SECONDS=60), make_app(CACHE_TTL_SECONDS=60)
    with writer.app_context():
        site = make_site()
        make_comment(site, "a", body="first")
        site_id = site.id
    reader_client = reader.test_client()
    first = reader_client.get(THREAD, query_string={"article": "a"})
    assert [c["body_html"] for c in first.json["comments"]] == ["<p>first</p>"]
    with writer.app_context():
        from service.extensions import db
        from service.models import Site

        make_comment(db.session.get(Site, site_id), "a", body="second")
    second = reader_client.get(THREAD, query_string={"article": "a"},
                               headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert [c["body_html"] for c in second.json["comments"]] == ["<p>first</p>", "<p>second</p>"]


def test_an_article_that_keeps_changing_holds_one_rendering_per_variant(make_app):
    """Each new comment makes the cached thread and page stale; the rebuilt ones replace them
    in their slots, so a worker's memory follows the articles read, not the comments written."""
    app = make_app(CACHE_TTL_SECONDS=60)
    client = app.test_client()
    with app.app_context():
        make_site()
    for n in range(5):
        posted = client.post(THREAD, json={"article": "a", "author": "Ann", "body": f"comment {'x' * n}"})
        assert posted.status_code == 201
        thread = client.get(THREAD, query_string={"article": "a"})
        assert len(thread.json["comments"]) == n + 1
        page = client.get("/embed/blog", query_string={"article": "a"})
        assert page.status_code == 200 and f"comment {'x' * n}" in page.text
    rendered = app.extensions["read_cache"].rendered
    kinds = sorted(key[0] for key in rendered._data if key[0] in ("thread-json", "embed-thread", "embed-page"))
    assert kinds == ["embed-page", "embed-thread", "thread-json"]


def test_a_stale_rendering_is_rebuilt_not_served(make_app):
    from service.services.comments import read_cache

    app = make_app(CACHE_TTL_SECONDS=60)
    with app.app_context():
        builds = []
        build = lambda text: lambda: builds.append(text) or text  # noqa: E731
        assert read_cache.rendering(("k",), 1, build("v1")) == "v1"
        assert read_cache.rendering(("k",), 1, build("again")) == "v1"
        assert read_cache.current_rendering(("k",), 2) is None
        assert read_cache.rendering(("k",), 2, build("v2")) == "v2"
        assert read_cache.current_rendering(("k",), 1) is None  # the old version is gone, not kept
        assert builds == ["v1", "v2"] and len(read_cache.cache().rendered) == 1


def _site_statements(app, action) -> list[str]:
    from sqlalchemy import event

    from service.extensions import db

    seen: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda _c, _cur, statement, *_a: seen.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return [s for s in seen if "FROM site" in s]


def _submit(client, body: str, origin: str = "https://blog.example"):
    return client.post(THREAD, json={"article": "a", "author": "Ann", "body": body}, headers={"Origin": origin})


def test_submitting_reads_only_the_sites_version_while_it_is_unchanged(make_app):
    app = make_app(CACHE_TTL_SECONDS=60)
    with app.app_context():
        make_site(origins=["https://blog.example"])
    client = app.test_client()
    assert _submit(client, "first").status_code == 201
    responses = []
    statements = _site_statements(app, lambda: responses.append(_submit(client, "second")))
    assert [" ".join(s.split()).split(" = ")[0] for s in statements] == [
        "SELECT site.config_version FROM site WHERE site.id"]
    assert responses[0].status_code == 201
    assert responses[0].headers["Access-Control-Allow-Origin"] == "https://blog.example"


def test_a_site_change_reaches_submissions_at_once_here_and_within_the_ttl_elsewhere(make_app):
    """The policy and the origins the public routes use: this process forgets its copy when it
    changes the site; another process reads the row again once its copy is CACHE_TTL_SECONDS old."""
    here, there = make_app(CACHE_TTL_SECONDS=0.5), make_app(CACHE_TTL_SECONDS=0.5)
    with here.app_context():
        make_site(origins=["https://blog.example"])
    here_client, there_client = here.test_client(), there.test_client()
    assert _submit(here_client, "before").json["status"] == "approved"
    assert _submit(there_client, "before, there").json["status"] == "approved"
    with here.app_context():
        from service.extensions import db
        from service.models import Site
        from service.services.moderation.policies import set_policy

        site = db.session.scalar(db.select(Site).filter_by(slug="blog"))
        set_policy(site, {"mode": "pre"})
        site.origins = ["https://moved.example"]
        db.session.commit()
    assert _submit(here_client, "after").status_code == 403  # the old origin, refused at once
    assert _submit(here_client, "after", origin="https://moved.example").json["status"] == "pending"
    deadline = time.monotonic() + 0.5 + 0.3
    while _submit(there_client, "after, there", origin="https://moved.example").status_code != 202:
        assert time.monotonic() < deadline, "another process kept the old site longer than the TTL"
        time.sleep(0.05)
    assert _submit(there_client, "after, there", origin="https://blog.example").status_code == 403


def test_a_request_cannot_change_the_cached_site(make_app):
    """Each request decodes its own copy of the JSON columns: changing one in place (a bug, but
    one the cache must survive) leaves the next request's site as stored."""
    app = make_app(CACHE_TTL_SECONDS=60)
    with app.app_context():
        make_site(policy={"banned_words": ["spam"]})
        from service.extensions import db
        from service.services.administration.sites import public_site

        public_site("blog").policy["banned_words"].append("everything")
        db.session.rollback()
        db.session.remove()
        assert public_site("blog").policy["banned_words"] == ["spam"]


def test_the_public_copy_has_every_column_of_the_site(app):
    from dataclasses import fields

    from service.models import PublicSite, Site

    assert {f.name for f in fields(PublicSite)} == {c.key for c in Site.__table__.columns}


def test_the_public_copy_is_read_once_per_request_and_stays_beside_the_row_itself(make_app):
    """The copy lives outside the session; a route that reads both the copy and the row (to
    change it) gets each, and the change reaches the next request's copy."""
    app = make_app(CACHE_TTL_SECONDS=60)
    with app.app_context():
        make_site(origins=["https://blog.example"])
        from service.extensions import db
        from service.services.administration.sites import get_site, public_site

        first = public_site("blog")
        assert first not in db.session.identity_map.values()
        assert statements_of(lambda: public_site("blog")) == [] and public_site("blog") is first
        row = get_site("blog")
        assert row is not first and row in db.session
        row.name = "Renamed"
        db.session.commit()
        db.session.remove()
        assert public_site("blog").name == "Renamed" and first.name == "Blog"


def test_expired_counts_are_dropped_not_kept_until_evicted(make_app):
    """A worker keeps the counts read within the TTL, not one per article ever asked for."""
    app = make_app(CACHE_TTL_SECONDS=0.2)
    client = app.test_client()
    with app.app_context():
        make_site()
        cached = app.extensions["read_cache"].counts
        crawl = [f"/post/{n}" for n in range(100)]
        assert client.get(COUNTS, query_string={"article": crawl}).status_code == 200
        assert len(cached) == 100
        time.sleep(0.3)
        answer = client.get(COUNTS, query_string={"article": ["/post/0", "/new"]})
        assert answer.json == {"counts": {"/post/0": 0, "/new": 0}}
        assert len(cached) == 2
