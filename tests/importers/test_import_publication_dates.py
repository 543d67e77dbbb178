"""Imports record each article's original publication date, and `close_after_days` counts from
it: a post published years ago elsewhere is closed the moment it arrives here."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.importers import import_file
from service.models import Site
from tests.factories import make_site
from tests.importers.helpers import DATA, articles
from tests.importers.test_import_isso import make_isso_db

UTC = timezone.utc
CLOSE_AFTER_30_DAYS = {"close_after_days": 30, "min_fill_seconds": 0}


def post(client, site: str, article: str):
    return client.post(f"/api/v1/sites/{site}/comments",
                       json={"article": article, "author": "Late Reader", "body": "Still reading this years later."})


def test_wordpress_posts_keep_their_gmt_publication_date_and_close_by_it(app, client):
    site = make_site("garden", policy=CLOSE_AFTER_30_DAYS)
    import_file("wordpress", str(DATA / "wordpress.xml"), "garden")

    article = articles(site)["/2021/03/tomatoes-in-march/"]
    assert article.published_at == datetime(2021, 3, 1, 8, 0, tzinfo=UTC)
    answer = post(client, "garden", "/2021/03/tomatoes-in-march/")
    assert answer.status_code == 403
    assert answer.get_json()["message"] == "Comments are closed on this article."


def test_a_wordpress_post_without_a_gmt_date_uses_its_local_one(app, tmp_path):
    site = make_site("garden")
    path = tmp_path / "local.xml"
    path.write_text((DATA / "wordpress.xml").read_text().replace(
        "<wp:post_date_gmt><![CDATA[2021-03-01 08:00:00]]></wp:post_date_gmt>",
        "<wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>", 1), encoding="utf-8")
    import_file("wordpress", str(path), "garden")
    assert articles(site)["/2021/03/tomatoes-in-march/"].published_at == datetime(2021, 3, 1, 8, 0, tzinfo=UTC)


def test_disqus_threads_keep_their_created_at_and_close_by_it(app, client):
    site = make_site("quietblog", policy=CLOSE_AFTER_30_DAYS)
    import_file("disqus", str(DATA / "disqus.xml"), "quietblog")

    article = articles(site)["/2019/03/hello-world/"]
    assert article.published_at == datetime(2019, 3, 1, 9, 0, tzinfo=UTC)
    assert post(client, "quietblog", "/2019/03/hello-world/").status_code == 403


def test_isso_threads_date_from_their_oldest_comment_and_close_by_it(app, client, tmp_path):
    site = make_site("isso-blog", policy=CLOSE_AFTER_30_DAYS)
    import_file("isso", make_isso_db(tmp_path / "comments.db"), "isso-blog")

    found = articles(site)
    assert found["/posts/first/"].published_at == datetime(2020, 6, 1, 12, 0, tzinfo=UTC)
    assert found["/posts/second/"].published_at == datetime(2020, 6, 1, 12, 4, tzinfo=UTC)
    assert post(client, "isso-blog", "/posts/first/").status_code == 403


def test_a_new_article_without_a_publication_date_counts_from_its_first_comment(app, client):
    make_site("fresh", policy=CLOSE_AFTER_30_DAYS)
    assert post(client, "fresh", "/today/").status_code == 201


@pytest.mark.parametrize("days, expected", [(None, 201), (10_000, 201), (30, 403)])
def test_only_a_policy_that_closes_by_age_closes_an_old_import(app, client, days, expected):
    make_site("quietblog", policy={"close_after_days": days, "min_fill_seconds": 0})
    import_file("disqus", str(DATA / "disqus.xml"), "quietblog")
    assert post(client, "quietblog", "/2019/03/hello-world/").status_code == expected


def test_a_second_import_keeps_the_date_first_recorded(app, tmp_path):
    site = make_site("garden")
    import_file("wordpress", str(DATA / "wordpress.xml"), "garden")
    path = tmp_path / "changed.xml"
    path.write_text((DATA / "wordpress.xml").read_text().replace("2021-03-01 08:00:00", "2024-01-01 00:00:00"),
                    encoding="utf-8")
    import_file("wordpress", str(path), "garden")
    assert articles(site)["/2021/03/tomatoes-in-march/"].published_at == datetime(2021, 3, 1, 8, 0, tzinfo=UTC)


def test_the_export_carries_publication_dates_to_another_instance(app, runner, tmp_path):
    make_site("garden")
    import_file("wordpress", str(DATA / "wordpress.xml"), "garden")
    result = runner.invoke(args=["export", "garden"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "garden.json"
    path.write_text(result.stdout, encoding="utf-8")
    import_file("json", str(path), "copy")

    copy = articles(db.session.execute(sa.select(Site).where(Site.slug == "copy")).scalar_one())
    assert copy["/2021/03/tomatoes-in-march/"].published_at == datetime(2021, 3, 1, 8, 0, tzinfo=UTC)
