"""Privacy export and erase cover what reader mail keeps: confirmed addresses (a keyed hash per
site) and thread subscriptions."""

from __future__ import annotations

import json

import sqlalchemy as sa

from service.extensions import db
from service.models import ConfirmedAddress, ThreadSubscription
from service.services.delivery import addresses
from tests.factories import make_site

EMAIL = "secret.reader.7f3a@example.org"


def test_export_and_erase_cover_confirmations_and_subscriptions(make_app):
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=25)  # mail is queued, never sent here
    with app.app_context():
        blog = make_site("blog")
        make_site("other")
        client = app.test_client()
        for site, article, email in (("blog", "a", EMAIL), ("blog", "b", EMAIL.upper()), ("other", "x", EMAIL),
                                     ("blog", "a", "someone@example.net")):
            assert client.post(f"/api/v1/sites/{site}/subscriptions",
                               json={"article": article, "email": email}).status_code == 202
        db.session.execute(sa.update(ConfirmedAddress).where(ConfirmedAddress.site_id == blog.id)
                           .values(confirmed_at=sa.func.current_timestamp()))
        db.session.commit()
        runner = app.test_cli_runner()

        data = json.loads(runner.invoke(args=["privacy", "export", EMAIL]).output)
        assert [(s["site"], s["article"]) for s in data["thread_subscriptions"]] == [("blog", "a"), ("blog", "b"),
                                                                                     ("other", "x")]
        confirmations = {c["site"]: c for c in data["mail_confirmations"]}
        assert set(confirmations) == {"blog", "other"}
        assert confirmations["blog"]["confirmed_at"] and confirmations["other"]["confirmed_at"] is None
        assert confirmations["blog"]["confirmation_sent_at"]  # the one mail of the day went for blog

        result = runner.invoke(args=["privacy", "erase", EMAIL, "--yes"])
        assert result.exit_code == 0, result.output
        assert "mail confirmations and thread subscriptions removed: 5" in result.output

        after = json.loads(runner.invoke(args=["privacy", "export", EMAIL]).output)
        assert after["thread_subscriptions"] == [] and after["mail_confirmations"] == [] and after["outbox"] == []
        assert db.session.execute(sa.select(ThreadSubscription.email)).scalars().all() == ["someone@example.net"]
        assert db.session.execute(sa.select(ConfirmedAddress.address_hash)).scalars().all() == [
            addresses.address_hash("someone@example.net")]
