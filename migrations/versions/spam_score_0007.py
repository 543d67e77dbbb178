"""Each comment keeps the learned filter's score, for the queue to show and filter by

Revision ID: spam_score_0007
Revises: owners_admin_event
Create Date: 2026-12-07 23:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'spam_score_0007'
down_revision = 'owners_admin_event'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comment') as batch_op:
        batch_op.add_column(sa.Column('spam_score', sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table('comment') as batch_op:
        batch_op.drop_column('spam_score')
