"""Indexes for the review queue: reported comments by time, and moderation events per site by time

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index('ix_comment_reported_created', ['created_at'], unique=False,
                              postgresql_where=sa.text('flag_count > 0'),
                              sqlite_where=sa.text('flag_count > 0'))
    with op.batch_alter_table('moderation_event', schema=None) as batch_op:
        batch_op.create_index('ix_moderation_event_site_created', ['site_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('moderation_event', schema=None) as batch_op:
        batch_op.drop_index('ix_moderation_event_site_created')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_reported_created')
