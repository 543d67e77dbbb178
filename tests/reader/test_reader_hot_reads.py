"""With votes and avatars on, the thread and the embed page are still answered from their
cached renderings after one indexed lookup, and a vote replaces those renderings."""

from __future__ import annotations

from werkzeug.test import EnvironBuilder

from service.hot_reads import _ROUTE, HotReads
from tests.factories import make_comment, make_site
from tests.statements import statements_of

THREAD = "/api/v1/sites/blog/comments"
EMBED = "/embed/blog"


def fast_answer(app, path, query):
    hot = app.wsgi_app
    assert isinstance(hot, HotReads)
    environ = EnvironBuilder(path=path, query_string=query).get_environ()
    return hot._answer(_ROUTE.fullmatch(path), environ)



def test_thread_and_page_with_votes_and_avatars_cost_one_lookup_once_rendered(make_app):
    app = make_app(CACHE_TTL_SECONDS=60)
    with app.app_context():
        site = make_site("blog", policy={"votes": "both", "avatars": "identicon"})
        comment_id = make_comment(site, "a", email="ann@example.com").id
        client = app.test_client()
        for query in ("article=a", "article=a&order=top"):
            client.get(f"{THREAD}?{query}")
            answers = []
            statements = statements_of(lambda: answers.append(fast_answer(app, THREAD, query)))
            assert answers[0] is not None and answers[0].status == "200 OK"
            assert b'"avatar":"/avatars/' in answers[0].body and b'"likes":0' in answers[0].body
            assert len(statements) == 1 and "FROM article" in statements[0]
        client.get(f"{EMBED}?article=a")
        answers = []
        statements = statements_of(lambda: answers.append(fast_answer(app, EMBED, "article=a")))
        assert answers[0] is not None and b'class="avatar"' in answers[0].body
        assert len(statements) == 1 and "article.version" in statements[0]  # the article, with its site's version

        assert client.post(f"/api/v1/comments/{comment_id}/vote", json={"value": 1}).status_code == 200
        assert fast_answer(app, THREAD, "article=a") is None  # the rendering of the old version is not served
        assert fast_answer(app, EMBED, "article=a") is None
        assert client.get(f"{THREAD}?article=a").get_json()["comments"][0]["likes"] == 1
        assert b'"likes":1' in fast_answer(app, THREAD, "article=a").body
