"""flask sites / policy / moderation / articles commands."""

import json

import sqlalchemy as sa

from service.extensions import db
from service.models import Article, Comment, Site
from tests.factories import make_comment, make_site


def test_sites_create_and_list(runner):
    result = runner.invoke(args=["sites", "create", "myblog", "--name", "My Blog", "--origin",
                                 "https://Blog.Example.com/", "--origin", "http://localhost:8000",
                                 "--moderation", "pre"])
    assert result.exit_code == 0, result.output
    assert "Created site 'myblog' (My Blog), moderation pre." in result.output
    site = db.session.execute(sa.select(Site)).scalar_one()
    assert site.origins == ["https://blog.example.com", "http://localhost:8000"]
    assert site.policy == {"mode": "pre"}
    listing = runner.invoke(args=["sites", "list"])
    assert listing.output.strip() == "myblog\tMy Blog\tpre\thttps://blog.example.com, http://localhost:8000"


def test_sites_create_refuses_duplicates_and_bad_slugs(runner):
    assert runner.invoke(args=["sites", "create", "blog"]).exit_code == 0
    duplicate = runner.invoke(args=["sites", "create", "blog"])
    assert duplicate.exit_code == 1 and "Site 'blog' exists already." in duplicate.output
    bad = runner.invoke(args=["sites", "create", "Not A Slug"])
    assert bad.exit_code == 1 and "lowercase letters, digits and dashes" in bad.output
    origin = runner.invoke(args=["sites", "create", "other", "--origin", "javascript:alert(1)"])
    assert origin.exit_code == 1 and "is not an http(s) URL" in origin.output


def test_policy_show_prints_every_key_with_defaults(runner):
    make_site(mode="pre")
    data = json.loads(runner.invoke(args=["policy", "show", "blog"]).output)
    assert data["mode"] == "pre" and data["max_links"] == 2
    assert (data["rate_per_minute"], data["rate_per_hour"]) == (5, 30)


def test_policy_set_validates_and_stores(runner, tmp_path):
    make_site()
    good = tmp_path / "policy.json"
    good.write_text(json.dumps({"mode": "first-time", "banned_words": ["casino"], "max_links": 1}))
    result = runner.invoke(args=["policy", "set", "blog", str(good)])
    assert result.exit_code == 0, result.output
    shown = json.loads(runner.invoke(args=["policy", "show", "blog"]).output)
    assert (shown["mode"], shown["banned_words"], shown["max_links"]) == ("first-time", ["casino"], 1)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"mode": "sometimes", "max_links": -1}))
    refused = runner.invoke(args=["policy", "set", "blog", str(bad)])
    assert refused.exit_code == 1 and "mode" in refused.output and "max_links" in refused.output
    assert json.loads(runner.invoke(args=["policy", "show", "blog"]).output)["mode"] == "first-time"


def test_backtest_reports_changes_without_modifying_anything(runner, tmp_path):
    site = make_site()
    make_comment(site, body="Play casino games")
    make_comment(site, body="A fine article")
    proposed = tmp_path / "p.json"
    proposed.write_text(json.dumps({"banned_words": ["casino"]}))
    result = runner.invoke(args=["moderation", "backtest", "blog", str(proposed)])
    assert result.exit_code == 0, result.output
    assert "2 comments evaluated, 1 would change status (status now -> what this policy decides)." in result.output
    assert "approved -> rejected  1" in result.output
    statuses = db.session.execute(sa.select(Comment.status)).scalars().all()
    assert all(s.value == "approved" for s in statuses)


def test_backtest_judges_spam_a_moderator_marked_but_not_spam_caught_on_arrival(runner, tmp_path):
    from service.services.moderation.status import change_status

    site = make_site()
    marked = make_comment(site, body="Great deals on watches at my shop")
    change_status(marked, "spam", site_id=site.id, actor="moderator")
    db.session.commit()
    make_comment(site, status="spam", body="Caught by the honeypot")  # the rules' own spam, on arrival
    proposed = tmp_path / "p.json"
    proposed.write_text(json.dumps({"spam_filter": False}))
    result = runner.invoke(args=["moderation", "backtest", "blog", str(proposed)])
    assert result.exit_code == 0, result.output
    assert "1 comments evaluated, 1 would change status" in result.output
    assert "spam -> approved  1" in result.output
    assert f"  #{marked.id} 'Great deals on watches at my shop' (no rule objects)" in result.output


def test_dry_run_shows_the_verdict(runner):
    make_site(policy={"suspect_words": ["crypto"]})
    result = json.loads(runner.invoke(args=["moderation", "dry-run", "blog", "crypto gains"]).output)
    assert result["status"] == "pending" and result["reasons"][0]["code"] == "suspect_word"
    assert db.session.execute(sa.select(sa.func.count()).select_from(Comment)).scalar_one() == 0


def test_articles_set_overrides_mode_and_closes(runner):
    make_site()
    result = runner.invoke(args=["articles", "set", "blog", "/post/1", "--mode", "pre", "--closed"])
    assert result.exit_code == 0 and "/post/1: mode pre, closed." in result.output
    article = db.session.execute(sa.select(Article)).scalar_one()
    assert (article.mode, article.closed) == ("pre", True)


def test_backtest_examples_are_cut_between_words(runner, tmp_path):
    site = make_site()
    make_comment(site, body="Play casino games tonight with all of your friends and family at the very best "
                            "tables in town, https://casino.example/tables and more")
    proposed = tmp_path / "p.json"
    proposed.write_text(json.dumps({"banned_words": ["casino"]}))
    out = runner.invoke(args=["moderation", "backtest", "blog", str(proposed)]).output
    assert "'Play casino games tonight with all of your friends and family at the very best…'" in out
