"""`flask --app wsgi ...` commands, one module per group."""

from __future__ import annotations

from flask import Flask

from service.cli import backup, db, demo, export, history, imports, moderators, policy, privacy, sites, tokens, worker


def init_app(app: Flask) -> None:
    for group in (db.group, sites.group, demo.group, policy.policy_group, policy.moderation_group,
                  policy.articles_group, moderators.group, tokens.group, history.group,
                  worker.worker, worker.webhooks_group, worker.notify_group, imports.group, export.command,
                  privacy.group, backup.command):
        app.cli.add_command(group)
