"""A site's configuration version, webhooks removed in two steps, articles' publication dates

Revision ID: harden_hosts_0006
Revises: 0006_harden_sec
Create Date: 2026-12-06 03:25:00.000000

- `site.config_version` is bumped in every transaction that changes the site, its blocks or its
  webhooks; every process keys its copies of them on it, so a change applies on the next request
  everywhere.
- `webhook.deleted_at`: a removed webhook is hidden at once and its row deleted later, so that a
  process still writing an event for it never meets the foreign key.
- `article.published_at`: the original publication date an import knows; `close_after_days`
  counts from it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'harden_hosts_0006'
down_revision = '0006_harden_sec'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(sa.Column('config_version', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('webhook', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_column('published_at')
    with op.batch_alter_table('webhook', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('config_version')
