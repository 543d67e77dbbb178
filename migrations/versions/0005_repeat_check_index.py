"""The repeat check reads comments by text fingerprint and time, whoever sent them

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 05:30:00.000000

With an index on the fingerprint alone, SQLite preferred the (ip_hash, created_at) and
(email, created_at) indexes for the check's "same address or same email" condition, and read
every recent comment of the sender: a cost that grew with how much one address had posted.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index('ix_comment_fingerprint_created', ['fingerprint', 'created_at'], unique=False)
        batch_op.drop_index('ix_comment_fingerprint')


def downgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index('ix_comment_fingerprint', ['fingerprint'], unique=False)
        batch_op.drop_index('ix_comment_fingerprint_created')
