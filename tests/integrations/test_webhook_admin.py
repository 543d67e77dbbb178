"""Managing webhooks and reading the delivery log: the admin API, the CLI, and the worker
command itself (once, and as a long-running process stopped by SIGTERM)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from service.extensions import db
from service.models import OutboxMessage, Webhook
from service.services.administration import tokens
from service.services.delivery import outbox
from service.services.delivery.webhooks import create_webhook
from tests.factories import make_comment, make_site
from tests.integrations.conftest import admin_headers

HOOKS = "/api/v1/moderation/sites/blog/webhooks"
ROOT = Path(__file__).resolve().parents[2]


def test_admin_registers_lists_and_removes_a_webhook_through_the_api(app, client, receiver):
    make_site("blog")
    headers = admin_headers()

    created = client.post(HOOKS, json={"url": receiver.url, "events": ["comment.held", "comment.approved"]},
                          headers=headers)

    assert created.status_code == 201
    body = created.json
    secret = body.pop("secret")
    assert len(secret) == 64 and body.pop("created")
    assert body == {"id": body["id"], "url": receiver.url, "events": ["comment.held", "comment.approved"],
                    "active": True}
    listed = client.get(HOOKS, headers=headers).json["webhooks"]
    assert [set(w) for w in listed] == [{"id", "url", "events", "active", "created"}]  # no secret
    assert client.delete(f"{HOOKS}/{body['id']}", headers=headers).status_code == 204
    assert client.get(HOOKS, headers=headers).json == {"webhooks": []}
    assert client.delete(f"{HOOKS}/{body['id']}", headers=headers).status_code == 404


def test_a_given_secret_is_kept_and_defaults_to_every_event(app, client):
    make_site("blog")
    response = client.post(HOOKS, json={"url": "https://hooks.example.org/c", "secret": "s3cret-of-sixteen+"},
                           headers=admin_headers())
    assert response.json["secret"] == "s3cret-of-sixteen+"
    assert response.json["events"] == ["comment.created", "comment.held", "comment.approved", "comment.rejected",
                                       "comment.reported"]


def test_bad_webhook_input_is_a_422_with_nothing_stored(app, client):
    make_site("blog")
    for body in ({"url": "https://x.example/", "events": ["comment.deleted"]},
                 {"url": "https://x.example/", "events": []},
                 {"url": "https://x.example/", "secret": "short"},
                 {"url": "https://x.example/", "secret": "sixteen chars with spaces"},
                 {"url": "https://x.example/", "extra": 1},
                 {"url": "https://x.example/\u0000"},
                 {}):
        response = client.post(HOOKS, json=body, headers=admin_headers())
        assert response.status_code == 422, (body, response.json)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Webhook)).scalar_one() == 0


def test_only_administrators_see_or_change_webhooks(app, client):
    hook = create_webhook(make_site("blog"), "https://hooks.example.org/c")
    _, plaintext = tokens.create_token("blog-bot", site_slugs=["blog"])
    moderator = {"Authorization": f"Bearer {plaintext}"}
    for method, path, body in (("GET", HOOKS, None), ("POST", HOOKS, {"url": "https://evil.example/"}),
                               ("DELETE", f"{HOOKS}/{hook.id}", None), ("GET", f"{HOOKS}/deliveries", None)):
        response = client.open(path, method=method, json=body, headers=moderator)
        assert response.status_code == 403, (method, path)
        assert response.json["message"] == "Only administrators may do this."
        assert client.open(path, method=method, json=body).status_code == 401
    assert db.session.execute(sa.select(sa.func.count()).select_from(Webhook)).scalar_one() == 1


def test_cli_adds_lists_shows_deliveries_and_removes(app, runner, receiver):
    site = make_site("blog")
    added = runner.invoke(args=["webhooks", "add", "blog", receiver.url, "--event", "comment.created"])
    assert added.exit_code == 0, added.output
    lines = added.stdout.strip().splitlines()
    hook_id, secret = db.session.execute(sa.select(Webhook.id, Webhook.secret)).one()
    assert lines[0] == f"Added webhook {hook_id} for blog: {receiver.url} (comment.created)."
    assert lines[-1] == secret and len(secret) == 64

    listed = runner.invoke(args=["webhooks", "list", "blog"])
    assert listed.stdout == f"{hook_id}\t{receiver.url}\tcomment.created\tactive\n"
    assert secret not in listed.output

    receiver.secret = secret
    receiver.script = [500]
    make_comment(db.session.merge(site))
    once = runner.invoke(args=["worker", "--once"])
    assert once.exit_code == 0 and once.stdout.strip() == "Delivered 0, retrying later 1, failed 0."
    log = runner.invoke(args=["webhooks", "deliveries", "blog"]).stdout.splitlines()
    assert log[0].split("\t")[:5] == [str(db.session.execute(sa.select(OutboxMessage.id)).scalar_one()),
                                      "comment.created", f"webhook {hook_id}", "pending", "1 attempt(s)"]
    assert log[1].split("\t")[2] == "HTTP 500"
    assert receiver.calls[0].signature_ok

    removed = runner.invoke(args=["webhooks", "remove", str(hook_id)])
    assert removed.exit_code == 0 and removed.stdout.strip() == f"Removed webhook {hook_id} ({receiver.url})."
    assert db.session.execute(sa.select(sa.func.count()).select_from(OutboxMessage)).scalar_one() == 0


def test_cli_refuses_bad_urls_and_unknown_sites(app, runner):
    make_site("blog")
    bad = runner.invoke(args=["webhooks", "add", "blog", "file:///etc/passwd"])
    assert bad.exit_code == 1 and "url: Webhook URLs start with http:// or https://." in bad.output
    missing = runner.invoke(args=["webhooks", "add", "nosuch", "https://x.example/"])
    assert missing.exit_code == 1 and "No site 'nosuch'." in missing.output
    assert runner.invoke(args=["webhooks", "remove", "99"]).exit_code == 1
    assert db.session.execute(sa.select(sa.func.count()).select_from(Webhook)).scalar_one() == 0


def test_worker_process_delivers_then_stops_cleanly_on_sigterm(app, database_url, receiver):
    site = make_site("blog")
    create_webhook(site, receiver.url, ["comment.created"], secret=receiver.secret)
    make_comment(site)
    db.session.remove()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "worker-test-secret",
           "WEBHOOK_ALLOW_PRIVATE": "true"}
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--poll", "0.2"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not receiver.calls and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert receiver.calls and receiver.calls[0].signature_ok
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert stdout.strip().splitlines()[-1] == "Worker stopped."
    assert db.session.execute(sa.select(OutboxMessage.status)).scalar_one() == "delivered"
    assert outbox.pending_count() == 0


def test_webhook_changes_apply_at_once_in_the_process_that_made_them(make_app):
    app = make_app(CACHE_TTL_SECONDS=60.0)  # subscriptions are otherwise remembered for a minute
    with app.app_context():
        make_site("blog")
        client, headers = app.test_client(), admin_headers()

        def post(text: str) -> int:
            client.post("/api/v1/sites/blog/comments", json={"article": "a", "author": "Ann", "body": text})
            return db.session.execute(sa.select(sa.func.count()).select_from(OutboxMessage)).scalar_one()

        assert post("Before any webhook.") == 0  # and the empty list is remembered
        hook = client.post(HOOKS, json={"url": "https://hooks.example.org/c", "events": ["comment.created"]},
                           headers=headers).json
        assert post("With a webhook.") == 1
        client.delete(f"{HOOKS}/{hook['id']}", headers=headers)
        assert post("After removing it.") == 0
        db.session.remove()
