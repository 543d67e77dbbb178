from tests.factories import make_comment, make_site


def test_factory_comment_shows_in_counts(client):
    site = make_site()
    make_comment(site, "a")
    assert client.get("/api/v1/sites/blog/counts?article=a").json == {"counts": {"a": 1}}
