"""The learned filter in the service: holds with its reason, retraining on moderator decisions
(kept only when no worse), the model version every process follows, the CLI, the worker, the
overview."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models import Comment, ModerationEvent, Site, SpamModelVersion, SpamTrainingRun
from service.moderation.spam_features import FEATURE_VERSION
from service.moderation.spam_model import SpamModel, base_model
from service.services.moderation import spam_filter
from service.services.moderation.policies import site_policy
from service.services.moderation.status import change_status
from service.spam import retrain, training
from tests.factories import make_comment, make_site

URL = "/api/v1/sites/blog/comments"
SPAM_TEXT = "Buy cheap viagra online without prescription, fast shipping https://rx-pharma-store.shop"


def post(client, body, **fields):
    return client.post(URL, json={"article": "post-1", "author": "Reader", "body": body, **fields})


def test_a_spammy_submission_is_held_with_the_score_and_features(client, app):
    make_site()
    response = post(client, SPAM_TEXT)
    assert response.status_code == 202 and response.json["status"] == "pending"
    assert "spam" not in str(response.json)  # a hold explains nothing to the submitter
    reasons = db.session.execute(sa.select(ModerationEvent.reasons)).scalar_one()
    (reason,) = [r for r in reasons if r["code"] == "spam_score"]
    assert reason["verdict"] == "hold" and reason["message"].startswith("Looks like spam (")
    assert 3 <= len(reason["matched"]) <= 5


def test_an_ordinary_comment_is_published(client, app):
    make_site()
    response = post(client, "Thanks, this fixed my build on Python 3.12.")
    assert response.status_code == 201 and response.json["status"] == "approved"


def test_the_filter_can_be_switched_off_per_site(client, app):
    make_site(policy={"spam_filter": False})
    assert post(client, SPAM_TEXT).json["status"] == "approved"


def test_dry_run_shows_the_spam_reason(client, app):
    from service.services.moderation.decisions import evaluate_draft
    from service.services.moderation.policies import effective_policy

    site = make_site()
    decision = evaluate_draft(site, effective_policy(site, None), {"body": SPAM_TEXT, "author": "x"})
    assert "spam_score" in [r.code for r in decision.reasons]


def _decide(comment: Comment, status: str) -> None:
    change_status(comment, status, site_id=comment.article.site_id, actor="moderator")
    db.session.commit()


def _word(i: int) -> str:
    return "qj" + "".join("bcdfghkmnp"[int(d)] for d in f"{i:03d}")


def _labelled_decisions(site, n: int = 40) -> list[Comment]:
    """Spam and legitimate comments with the same text, but for a made-up word of their own in
    those held back from training: a model that never saw them cannot tell which is which."""
    comments = []
    for i in range(n):
        comment = make_comment(site, f"post-{i % 3}", status="pending", body="A note about the article today")
        _decide(comment, "spam" if i % 2 else "approved")
        if retrain._held_back(comment.id):
            db.session.execute(sa.update(Comment).where(Comment.id == comment.id)
                               .values(body=f"A note about the article today {_word(i)}"))
            db.session.commit()
        comments.append(comment)
    return comments


def _store_model(weights: dict[str, float], threshold: float = 0.5) -> int:
    row = SpamModelVersion(weights=b"", bias=0.0, threshold=threshold, n_decisions=0, metrics={})
    db.session.add(row)
    db.session.flush()
    row.weights = SpamModel(weights, 0.0, threshold, row.id).to_bytes()
    db.session.commit()
    spam_filter.forget_current()
    return row.id


def _oracle_weights(comments: list[Comment], sign: float) -> dict[str, float]:
    """Weights that sort the held-back decisions perfectly (sign 1) or exactly wrongly (-1)."""
    weights = {}
    for i, comment in enumerate(comments):
        if retrain._held_back(comment.id):
            weights[f"w:{_word(i)}"] = sign * (50.0 if i % 2 else -50.0)
    return weights


def test_training_without_enough_decisions_is_recorded_and_changes_nothing(app):
    result = retrain.train()
    assert not result.accepted and result.model_id is None
    run = db.session.get(SpamTrainingRun, result.run_id)
    assert (run.accepted, run.n_decisions) == (False, 0)
    assert "at least" in run.reason and run.finished_at is not None
    assert spam_filter.current_version() == 0


def test_a_new_model_replaces_the_current_one_only_if_no_worse_on_held_back_decisions(app):
    site = make_site()
    comments = _labelled_decisions(site)
    held = [c for c in comments if retrain._held_back(c.id)]
    assert {i % 2 for i, c in enumerate(comments) if retrain._held_back(c.id)} == {0, 1}, "slice has both kinds"
    assert len(held) >= 2

    better = _store_model(_oracle_weights(comments, 1.0))
    result = retrain.train()
    assert not result.accepted and "Kept the previous model" in result.reason
    assert spam_filter.current_version() == better

    worse = _store_model(_oracle_weights(comments, -1.0))
    result = retrain.train()
    assert result.accepted and result.model_id > worse
    assert spam_filter.current_version() == result.model_id
    runs = db.session.execute(sa.select(SpamTrainingRun.accepted).order_by(SpamTrainingRun.id)).scalars().all()
    assert runs == [False, True]
    stored = db.session.get(SpamModelVersion, result.model_id)
    assert stored.n_decisions == 40 and stored.metrics["held_back"] == len(held)


def test_a_link_to_the_article_itself_is_not_held_as_a_link(client, app):
    """Readers quote the page they comment on; the filter sees the article's stored address (kept
    only when it is one of the site's pages), never the reader's word for it."""
    make_site(origins=["https://blog.example"])
    _store_model({"nlinks:1": 9.0, "host:blog.example": 9.0}, threshold=0.6)
    page = "https://blog.example/posts/one"
    quoting = post(client, f"As the post says ({page}), read it twice.", url=page)
    assert quoting.status_code == 201 and quoting.json["status"] == "approved"
    # Another of the site's own pages is no link either: the site's origins are trusted.
    own_site = post(client, "And this one: https://blog.example/posts/two", url=page)
    assert own_site.json["status"] == "approved"
    other = post(client, "And this one: https://other.example/posts/two", url=page)
    assert other.json["status"] == "pending"
    reasons = db.session.execute(sa.select(ModerationEvent.reasons).order_by(ModerationEvent.id.desc())).scalars().first()
    assert "spam_score" in [r["code"] for r in reasons]
    # On an article whose address is not the site's, the quoted link counts like any other.
    foreign = "https://elsewhere.example/posts/one"
    held = client.post(URL, json={"article": "post-9", "author": "Reader", "url": foreign,
                                  "body": f"See {foreign} and https://blog.example/posts/one"})
    assert held.json["status"] == "pending"


def test_a_site_trusts_its_origins_and_its_policys_domains(app):
    from service.services.moderation.decisions import trusted_domains

    site = make_site(origins=["https://www.blog.example", "http://localhost:5000"],
                     policy={"trusted_domains": ["docs.python.org"]})
    assert trusted_domains(site, site_policy(site)) == {"blog.example", "localhost", "docs.python.org"}
    assert trusted_domains(make_site("bare"), site_policy(make_site("plain"))) == frozenset()


def test_links_to_trusted_domains_are_no_spam_signal_nor_count_toward_max_links(client, app):
    make_site(policy={"trusted_domains": ["python.org"], "max_links": 1})
    make_site("other", policy={"max_links": 1})
    _store_model({"nlinks:1": 9.0, "nlinks:2": 9.0}, threshold=0.6)
    body = "The docs: https://docs.python.org/3/library/ and https://peps.python.org/pep-0008/"
    trusted = post(client, body)
    assert trusted.status_code == 201 and trusted.json["status"] == "approved"
    held = client.post("/api/v1/sites/other/comments", json={"article": "post-1", "author": "Reader", "body": body})
    assert held.json["status"] == "pending"
    codes = db.session.execute(sa.select(ModerationEvent.reasons).order_by(ModerationEvent.id.desc())).scalars().first()
    assert {r["code"] for r in codes} == {"spam_score", "too_many_links"}
    # A link elsewhere beside a trusted one counts as before.
    assert post(client, body + " and https://pills.shop").json["status"] == "pending"


def test_a_website_on_a_trusted_domain_is_no_website_to_the_filter(client, app):
    make_site(policy={"trusted_domains": ["github.com"]})
    _store_model({"has:website": 9.0}, threshold=0.6)
    profile = client.post(URL, json={"article": "post-1", "author": "Ann", "body": "Lovely post.",
                                     "website": "https://github.com/ann"})
    assert profile.status_code == 201 and profile.json["status"] == "approved"
    shop = client.post(URL, json={"article": "post-1", "author": "Ann", "body": "Lovely post, thanks.",
                                  "website": "https://cheap-flights.example"})
    assert shop.json["status"] == "pending"


def test_dry_run_and_retraining_see_the_sites_trusted_domains(app):
    from service.services.moderation.decisions import evaluate_draft
    from service.services.moderation.policies import effective_policy

    site = make_site(origins=["https://blog.example"], policy={"trusted_domains": ["github.com"]})
    _store_model({"nlinks:1": 9.0}, threshold=0.6)
    policy = effective_policy(site, None)
    for url, held in (("https://github.com/ann/tool", False), ("https://blog.example/p/2", False),
                      ("https://pills.shop", True)):
        decision = evaluate_draft(site, policy, {"body": f"See {url}", "author": "Ann"})
        assert ("spam_score" in [r.code for r in decision.reasons]) is held
    comment = make_comment(site, body="My fork: https://github.com/ann/tool")
    label = spam_filter.Label(comment.id, site.id, False, comment.body, comment.author, None, None,
                              comment.created_at, None)
    example = retrain._example(label, retrain._trusted_by_site({site.id}))
    assert example.trusted_domains == {"blog.example", "github.com"}
    assert "nlinks:0" in training.features_of(example)


def test_every_process_follows_the_model_version(app, make_app):
    other_process = make_app()
    with other_process.app_context():
        assert spam_filter.current_model().version == 0
    version = _store_model({"w:zebra": 9.0})
    with other_process.app_context():  # its own cache; the TTL (0 in tests) bounds how stale it is
        model = spam_filter.current_model()
        assert model.version == version and model.weights == {"w:zebra": 9.0}


def test_a_moderators_latest_move_decides_the_label_an_undo_included(app):
    site = make_site()
    undone, turned, reversed_ = (make_comment(site, status="pending", body=f"text {i}") for i in range(3))
    _decide(undone, "approved")
    _decide(undone, "pending")  # the queue's undo: back where it was
    _decide(turned, "approved")
    _decide(turned, "spam")
    _decide(reversed_, "spam")
    _decide(reversed_, "rejected")  # off-topic after all: no label
    labels = [(label.comment_id, label.spam) for label in spam_filter.collect_labels()]
    assert labels == [(turned.id, True)]
    assert spam_filter.decisions_since(None) == 1


def test_imported_spam_counts_as_a_label(app):
    site = make_site()
    comment = make_comment(site, status="spam", body="imported spam")
    db.session.execute(sa.update(Comment).where(Comment.id == comment.id).values(source_key="disqus:1"))
    db.session.commit()
    assert [(label.comment_id, label.spam) for label in spam_filter.collect_labels()] == [(comment.id, True)]


def test_training_learns_from_the_newest_decisions_of_each_kind(app):
    site = make_site()
    legit = [make_comment(site, status="pending", body=f"legit {i}") for i in range(4)]
    spam = [make_comment(site, status="pending", body=f"spam {i}") for i in range(3)]
    imported = [make_comment(site, status="spam", body=f"imported {i}") for i in range(2)]
    for comment in imported:
        db.session.execute(sa.update(Comment).where(Comment.id == comment.id)
                           .values(source_key=f"disqus:{comment.id}", created_at=comment.created_at
                                   - timedelta(days=30 - comment.id)))
    db.session.commit()
    for comment in [*reversed(legit), *spam]:  # decided in this order: legit[0] is the newest approval
        _decide(comment, "approved" if comment in legit else "spam")
    _decide(legit[3], "spam")  # the latest move is the label, and when it was made its age

    def kept(per_kind):
        return {label.body: label.spam for label in spam_filter.collect_labels(per_kind=per_kind)}

    assert kept(None) == {**{f"legit {i}": False for i in range(3)}, "legit 3": True,
                          **{f"spam {i}": True for i in range(3)}, "imported 0": True, "imported 1": True}
    assert kept(2) == {"legit 0": False, "legit 1": False, "legit 3": True, "spam 2": True}
    assert kept(5) == {"legit 0": False, "legit 1": False, "legit 2": False, "legit 3": True, "spam 2": True,
                       "spam 1": True, "spam 0": True, "imported 1": True}
    assert kept(100) == kept(None)


def test_a_training_run_takes_at_most_spam_train_labels_of_each_kind(make_app):
    app = make_app(SPAM_TRAIN_LABELS=12)
    with app.app_context():
        site = make_site()
        _labelled_decisions(site, 40)
        result = retrain.train()
        run = db.session.get(SpamTrainingRun, result.run_id)
        assert run.n_decisions == 24
        db.session.remove()


def test_the_worker_trains_after_enough_decisions_at_most_once_an_interval(make_app):
    app = make_app(SPAM_RETRAIN_EVERY=5, SPAM_RETRAIN_MIN_SECONDS=3600)
    with app.app_context():
        site = make_site()
        assert not spam_filter.training_due()
        for i in range(4):
            _decide(make_comment(site, status="pending", body=f"text {i}"), "approved")
        assert not spam_filter.training_due()
        _decide(make_comment(site, status="pending", body="text 5"), "spam")
        assert spam_filter.training_due()
        result = retrain.train_if_due()
        assert result is not None and not result.accepted  # 5 decisions: fewer than needed, recorded
        for i in range(6):
            _decide(make_comment(site, status="pending", body=f"more {i}"), "approved")
        assert not spam_filter.training_due()  # within the hour after the last run
        assert retrain.train_if_due() is None
        db.session.remove()


def test_a_model_trained_on_older_features_gives_way_to_the_base_model_until_the_next_training(make_app):
    """After an upgrade that changed the features, a stored model's weights name pieces of text
    no comment has any more: the shipped base model serves, `spam status` says why, and the
    worker retrains without waiting for SPAM_RETRAIN_EVERY new decisions."""
    app = make_app(SPAM_RETRAIN_EVERY=50, SPAM_RETRAIN_MIN_SECONDS=0)
    with app.app_context():
        site = make_site()
        assert not spam_filter.training_due()
        for i in range(spam_filter.MIN_DECISIONS):
            _decide(make_comment(site, status="pending", body=f"note {_word(i)}"), "spam" if i % 2 else "approved")
        assert not spam_filter.training_due()  # 10 decisions: a current model waits for 50
        row = SpamModelVersion(weights=b"", bias=0.0, threshold=0.5, n_decisions=10, metrics={})
        db.session.add(row)
        db.session.flush()
        row.weights = SpamModel({"w:zebra": 9.0}, 0.0, 0.5, row.id, feature_version=FEATURE_VERSION - 1).to_bytes()
        db.session.commit()
        spam_filter.forget_current()

        assert spam_filter.current_version() == row.id
        assert spam_filter.current_model().version == 0 and spam_filter.outdated_model_in_place()
        status = app.test_cli_runner().invoke(args=["spam", "status"]).output
        assert f"model {row.id} was trained on features this release no longer computes" in status
        assert "version: 0 (shipped base model)" in status

        assert spam_filter.training_due()
        result = retrain.train_if_due()
        run = db.session.get(SpamTrainingRun, result.run_id)
        assert run.trigger == "worker" and run.metrics["feature_version"] == FEATURE_VERSION
        assert result.accepted == (spam_filter.current_version() != row.id)
        assert not spam_filter.training_due()  # one run on these features; the next waits for new decisions
        db.session.remove()


def test_spam_status_and_train_commands(app, runner):
    out = runner.invoke(args=["spam", "status"])
    assert out.exit_code == 0, out.output
    assert "version: 0 (shipped base model)" in out.output
    assert "threshold: " in out.output and "cross-validated: recall=" in out.output
    assert "trained on moderator decisions: 0" in out.output
    assert ("new moderator decisions since the start: 0 (the worker retrains at 50, at most once every hour)"
            in out.output)
    base = base_model()
    assert f"0.02 -> {base.threshold:.4f}" in out.output and f"0.1 -> {base.threshold_for(0.1):.4f}" in out.output
    out = runner.invoke(args=["spam", "train"])
    assert out.exit_code == 0 and "moderator decisions; at least" in out.output
    after = runner.invoke(args=["spam", "status"]).output
    assert "last training run:" in after and "new moderator decisions since the last training run: 0" in after


def test_a_failed_training_run_is_recorded_with_why_and_status_tells_it(app, runner, monkeypatch):
    site = make_site()
    _labelled_decisions(site, 12)

    def out_of_memory(*args, **kwargs):  # what a worker short of memory meets
        raise MemoryError("cannot allocate 2 GiB")

    monkeypatch.setattr(retrain.training, "fit", out_of_memory)
    with pytest.raises(MemoryError):
        retrain.train()
    run = db.session.execute(sa.select(SpamTrainingRun)).scalar_one()
    assert (run.accepted, run.reason) == (False, "Failed: MemoryError: cannot allocate 2 GiB")
    assert run.finished_at is not None and spam_filter.current_version() == 0
    status = runner.invoke(args=["spam", "status"]).output
    assert "(not accepted): Failed: MemoryError: cannot allocate 2 GiB" in status

    db.session.add(SpamTrainingRun(trigger="worker", metrics={}))  # a worker stopped mid-run
    db.session.commit()
    assert "(did not finish: stopped, or still running)\n" in runner.invoke(args=["spam", "status"]).output


def test_spam_evaluate_runs_every_row_through_a_submission(app, runner, tmp_path):
    path = tmp_path / "rows.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "CLASS"])
        writer.writerow(["1", "Pills", "", SPAM_TEXT, "1"])
        writer.writerow(["2", "Win", "", "Best online casino, 200 free spins at https://lucky-spin.bet", "1"])
        writer.writerow(["3", "Ann", "", "Thanks, this fixed my build.", "0"])
        writer.writerow(["4", "Bo", "", "I agree with the second point.<br />Well argued.", "0"])
    out = runner.invoke(args=["spam", "evaluate", str(path)])
    assert out.exit_code == 0, out.output
    assert out.output.strip().splitlines()[-1] == "recall=1.0000 false_holds=0.0000"
    assert out.output.startswith(f"model: version 0 (shipped base model), threshold {base_model().threshold:.4f}\n")
    assert "note:" not in out.output  # none of these rows is training data


def test_spam_evaluate_says_when_the_rows_are_training_data(app, runner):
    from service.spam.data import CORPUS_FILES, DATA

    out = runner.invoke(args=["spam", "evaluate", str(DATA / CORPUS_FILES[0])])
    assert out.exit_code == 0, out.output
    assert "note: 350 of these 350 rows are in the data every model is trained on" in out.output
    assert out.output.strip().splitlines()[-1].startswith("recall=")


@pytest.mark.parametrize(("content", "message"), [
    ("CONTENT,CLASS\nhello,2\n", "CLASS must be 0 or 1"),
    ("TEXT,LABEL\nhello,1\n", "the columns CONTENT and CLASS are required"),
    (b"CONTENT,CLASS\n\xff\xfe,1\n", "bad.csv is not UTF-8 text (byte 15)"),
    ('CONTENT,CLASS\n"' + "a" * 200_000 + '",1\n', "field larger than field limit"),
])
def test_spam_evaluate_refuses_a_bad_file_clearly(app, runner, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    out = runner.invoke(args=["spam", "evaluate", str(path)])
    assert out.exit_code != 0 and message in out.output


def test_overview_says_what_the_filter_did(client, app):
    from service.services.administration.moderators import create_moderator

    site = make_site()
    post(client, SPAM_TEXT)
    post(client, "Best online casino, 200 free spins and a 500% deposit bonus at https://lucky-spin-casino.bet")
    held = db.session.execute(sa.select(Comment).order_by(Comment.id)).scalars().all()
    assert [c.status.value for c in held] == ["pending", "pending"]
    _decide(held[0], "approved")
    summary = spam_filter.summary(site.id, site_policy(site))
    assert (summary.held, summary.released, summary.marked_spam) == (2, 1, 0)
    create_moderator("admin@example.org", "correct horse battery", is_admin=True)
    client.post("/moderate/login", data={"email": "admin@example.org", "password": "correct horse battery"})
    page = client.get("/moderate/sites/blog/").get_data(as_text=True)
    assert "The learned filter held 2 comments in these 30 days;\n     moderators released 1" in page
    assert 'href="/moderate/?tab=pending&amp;site=blog&amp;rule=spam_score">What it holds for review</a>' in page
    suspicious = "/moderate/?tab=approved&amp;site=blog&amp;min_spam_score=0.5"
    assert f'href="{suspicious}">published comments it scored 0.5 or more</a>' in page
    released = client.get(suspicious.replace("&amp;", "&")).get_data(as_text=True)
    assert released.count('<strong class="author">') == 1  # the released one: still scored as spam
    assert 'href="/moderate/?tab=all&amp;site=blog&amp;rule=spam_score"><code>spam_score</code></a>' in page
    in_review = client.get("/moderate/?tab=pending&site=blog&rule=spam_score").get_data(as_text=True)
    assert in_review.count('<strong class="author">') == 1  # the one not yet released
    automatic = f"{base_model().threshold_for(0.02):.2f}"
    assert _said(page) == (f"It holds a comment that scores {automatic} or more, the threshold chosen for at most "
                           "2% of legitimate comments held (policy). No moderator decisions have trained it yet: "
                           "approvals and spam marks teach it.")


def test_the_overview_counts_each_held_comment_once(app):
    """Counted in the database, each comment once however often it was held (an edit holds it
    again): a wave of spam is no list of ids in the web process."""
    site = make_site()
    first = make_comment(site, status="pending", body="wave")
    columns = {c.key: getattr(first, c.key) for c in Comment.__table__.columns if not c.primary_key}
    n = 2_000
    db.session.execute(sa.insert(Comment), [{**columns, "status": status} for status in
                                            ["pending"] * (n - 3) + ["approved", "spam", "spam"]])
    ids = db.session.execute(sa.select(Comment.id).order_by(Comment.id)).scalars().all()
    reason = [{"code": "spam_score", "verdict": "hold", "message": "Looks like spam (0.99)", "matched": []}]
    db.session.execute(sa.insert(ModerationEvent), [
        {"comment_id": comment_id, "site_id": site.id, "actor": "rules", "to_status": "pending",
         "reasons": reason} for comment_id in ids[1:]] + [  # one comment held twice (an edit): counted once
        {"comment_id": ids[-1], "site_id": site.id, "actor": "rules", "to_status": "pending", "reasons": reason}])
    db.session.commit()
    summary = spam_filter.summary(site.id, site_policy(site))
    assert (summary.held, summary.released, summary.marked_spam) == (n, 1, 2)


def _said(page: str) -> str:
    """The overview's sentences on how the filter holds, as a reader sees them."""
    import re

    part = page.split('<p class="filter-settings">', 1)[1].split("</p>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", part)).strip()


def test_overview_says_when_the_last_training_run_put_no_model_into_service(client, app):
    from service.services.administration.moderators import create_moderator

    make_site()
    create_moderator("admin@example.org", "correct horse battery", is_admin=True)
    client.post("/moderate/login", data={"email": "admin@example.org", "password": "correct horse battery"})
    assert "training-run" not in client.get("/moderate/sites/blog/").get_data(as_text=True)
    retrain.train()
    said = client.get("/moderate/sites/blog/").get_data(as_text=True).split('<p class="training-run">')[1]
    assert "put no new model into service: Only 0 moderator decisions; at least 10 are needed." in said
    db.session.add(SpamTrainingRun(trigger="worker", metrics={}))
    db.session.commit()
    said = client.get("/moderate/sites/blog/").get_data(as_text=True).split('<p class="training-run">')[1]
    assert "has not finished: the worker stopped during it, or it is still running." in said


def test_overview_says_how_the_filter_holds_on_the_site(client, app):
    from service.services.administration.moderators import create_moderator

    site = make_site(policy={"spam_threshold": 0.9})
    create_moderator("admin@example.org", "correct horse battery", is_admin=True)
    client.post("/moderate/login", data={"email": "admin@example.org", "password": "correct horse battery"})
    version = _store_model({"w:pills": 3.0}, threshold=0.6)
    row = db.session.get(SpamModelVersion, version)
    row.n_decisions = 120
    db.session.commit()
    trained = row.trained_at.strftime("%Y-%m-%d %H:%M")
    page = client.get("/moderate/sites/blog/").get_data(as_text=True)
    assert f"Model version {version}." in page
    assert _said(page) == (f"It holds a comment that scores 0.90 or more, the threshold this site set (policy). "
                           f"The model was trained on {trained} UTC on the shipped examples and 120 moderator "
                           "decisions of every site; approvals and spam marks teach the next one.")
    site = db.session.get(Site, site.id)
    site.policy = {**site.policy, "spam_filter": False}
    db.session.commit()
    page = client.get("/moderate/sites/blog/").get_data(as_text=True)
    assert _said(page).startswith("It is off for this site: new comments are not scored (policy: spam filter).")


def test_the_worker_command_runs_a_due_training(make_app):
    app = make_app(SPAM_RETRAIN_EVERY=2, SPAM_RETRAIN_MIN_SECONDS=3600)
    with app.app_context():
        site = make_site()
        site_id = site.id
        _decide(make_comment(site, status="pending", body="fine"), "approved")
        app.test_cli_runner().invoke(args=["worker", "--once"])
        assert db.session.execute(sa.select(sa.func.count()).select_from(SpamTrainingRun)).scalar_one() == 0
        site = db.session.get(Site, site_id)  # the command ended the session
        _decide(make_comment(site, status="pending", body="pills"), "spam")
        out = app.test_cli_runner().invoke(args=["worker", "--once"])
        assert out.exit_code == 0, out.output
        (run,) = db.session.execute(sa.select(SpamTrainingRun)).scalars().all()
        assert (run.trigger, run.n_decisions) == ("worker", 2)
        db.session.remove()


def test_backtest_shows_what_the_filter_would_hold(app):
    from service.moderation.policy import DEFAULT_POLICY
    from service.services.moderation.backtest import backtest

    site = make_site()
    make_comment(site, status="approved", body=SPAM_TEXT)
    make_comment(site, status="approved", body="Thanks, this fixed my build.")
    report = backtest(site, DEFAULT_POLICY)
    assert report.moves == {("approved", "pending"): 1, ("approved", "approved"): 1}
    assert report.rules["spam_score"] == 1
    ((_, _, messages),) = report.examples[("approved", "pending")]
    assert any(m.startswith("Looks like spam (") for m in messages)
