"""`flask --app wsgi export SLUG` and `flask --app wsgi import json FILE --site SLUG`: the round trip
into an empty site is exact."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.importers import ImportFailure, import_file
from service.models import Comment, Site
from service.services.moderation.status import change_status
from tests.factories import make_comment, make_site
from tests.importers.helpers import DATA, articles, assert_counters_exact, site_comments, total_rows


def _source_site() -> Site:
    site = make_site("src", policy={"max_links": 1}, origins=["https://blog.example"])
    site.settings = {"language": "de", "reply_depth": 2}
    db.session.commit()
    import_file("disqus", str(DATA / "disqus.xml"), "src")
    import_file("wordpress", str(DATA / "wordpress.xml"), "src")
    first = make_comment(site, "native-post", body="Zürich — «quotes» & <b>tags</b> ✓", email="n@example.com")
    reply = make_comment(site, "native-post", parent=first, status="pending")
    change_status(reply, "rejected", site_id=site.id, actor="moderator")
    db.session.commit()
    return site


def _export(runner, slug: str) -> dict:
    result = runner.invoke(args=["export", slug])
    assert result.exit_code == 0, result.output
    assert "Exported" in result.stderr and "Exported" not in result.stdout
    return json.loads(result.stdout)  # standard output holds the JSON and nothing else


def _shape(site: Site) -> tuple:
    """Everything the round trip must keep, with comment ids replaced by their position."""
    comments = site_comments(site)
    position = {c.id: i for i, c in enumerate(comments)}
    arts = articles(site)
    keys = {a.id: k for k, a in arts.items()}
    return (
        {k: (a.url, a.title, a.closed, a.mode, a.created_at, a.approved_count, a.pending_count) for k, a in arts.items()},
        [(keys[c.article_id], position.get(c.parent_id), c.status, c.author, c.email, c.website, c.body, c.body_html,
          c.created_at, c.updated_at, c.edited_at, c.ip_hash, c.user_agent, c.notify_replies, c.author_key_hash)
         for c in comments],
    )


def test_export_then_import_into_an_empty_site_is_exact(app, runner, tmp_path):
    src = _source_site()
    data = _export(runner, "src")
    assert data["format"] == "comment-service-export" and data["version"] == 1
    assert len(data["comments"]) == len(site_comments(src)) == 13
    path = tmp_path / "site.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    result = runner.invoke(args=["import", "json", str(path), "--site", "dst"])
    assert result.exit_code == 0, result.output
    assert "Site created from the file's settings." in result.stderr
    assert "Comments imported: 13 (6 approved, 2 deleted, 2 pending, 1 rejected, 2 spam)." in result.stderr
    db.session.expire_all()
    dst = db.session.execute(sa.select(Site).filter_by(slug="dst")).scalar_one()
    assert (dst.name, dst.origins, dst.policy, dst.settings) == (src.name, src.origins, src.policy, src.settings)
    assert _shape(dst) == _shape(src)
    assert_counters_exact(dst)
    # Comments that came from elsewhere keep their origin: a later Disqus import into dst skips them.
    assert import_file("disqus", str(DATA / "disqus.xml"), "dst").already_present == 6


def test_export_of_the_imported_site_equals_the_first_export(app, runner, tmp_path):
    _source_site()
    first = _export(runner, "src")
    path = tmp_path / "site.json"
    path.write_text(json.dumps(first), encoding="utf-8")
    import_file("json", str(path), "dst")
    second = _export(runner, "dst")

    def comparable(export: dict) -> list:
        index = {c["id"]: i for i, c in enumerate(export["comments"])}
        return [{**c, "id": index[c["id"]], "parent_id": index.get(c["parent_id"]), "source_key": None}
                for c in export["comments"]]

    assert comparable(second) == comparable(first)
    assert second["articles"] == first["articles"]
    assert {**second["site"], "slug": "src", "created_at": None} == {**first["site"], "created_at": None}


def test_importing_the_same_export_twice_adds_nothing(app, runner, tmp_path):
    _source_site()
    path = tmp_path / "site.json"
    path.write_text(json.dumps(_export(runner, "src")), encoding="utf-8")
    import_file("json", str(path), "dst")
    before = total_rows()
    summary = import_file("json", str(path), "dst")
    assert total_rows() == before and summary.already_present == 13


def test_export_streams_one_record_per_line(app, runner):
    _source_site()
    result = runner.invoke(args=["export", "src"])
    lines = result.stdout.splitlines()
    # The header, '"articles":[', 5 articles, '],' and '"comments":[', 13 comments, ']}'.
    assert len(lines) == 1 + 1 + 5 + 2 + 13 + 1
    assert lines[-1] == "]}"


@pytest.mark.parametrize(("edit", "message"), [
    (lambda text: text[: len(text) // 2], "not valid JSON"),
    (lambda text: text.replace('"format":"comment-service-export"', '"format":"something-else"'),
     "line 1: not a comment-service-export file"),
    (lambda text: text.replace('"status":"spam"', '"status":"shiny"'), "unknown status 'shiny'"),
    (lambda text: text.replace('"created_at":"2019-03-02T08:00:00+00:00"', '"created_at":"soon"'),
     "'soon' is not a date"),
])
def test_a_damaged_export_imports_nothing_not_even_the_site(app, runner, tmp_path, edit, message):
    _source_site()
    text = runner.invoke(args=["export", "src"]).stdout
    path = tmp_path / "site.json"
    path.write_text(edit(text), encoding="utf-8")
    before = total_rows()
    result = runner.invoke(args=["import", "json", str(path), "--site", "dst"])
    assert result.exit_code == 1
    assert message in result.stderr and "nothing was imported" in result.stderr
    assert total_rows() == before
    assert db.session.execute(sa.select(Site).filter_by(slug="dst")).scalar_one_or_none() is None


def test_damaged_export_error_names_the_line(app, tmp_path):
    path = tmp_path / "site.json"
    path.write_text('{"format":"comment-service-export","version":1,"site":{},\n"articles":[\n{"key":"a"},\n'
                    '{"key":"b",}\n]}', encoding="utf-8")
    with pytest.raises(ImportFailure, match="line 4: not valid JSON"):
        import_file("json", str(path), "dst")


def test_export_of_an_unknown_site_fails_cleanly(app, runner):
    result = runner.invoke(args=["export", "nope"])
    assert result.exit_code == 1 and "No site 'nope'" in result.stderr and result.stdout == ""


def test_export_holds_no_comments_of_other_sites(app, runner):
    _source_site()
    other = make_site("other")
    make_comment(other, "elsewhere", body="not yours")
    data = _export(runner, "src")
    assert all(c["body"] != "not yours" for c in data["comments"])
    assert db.session.execute(sa.select(sa.func.count()).select_from(Comment)).scalar_one() == 14
