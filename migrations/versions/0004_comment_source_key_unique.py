"""One imported comment per source key and article: a second import finds it and skips it

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 11:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index('uq_comment_article_source_key', ['article_id', 'source_key'], unique=True)


def downgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('uq_comment_article_source_key')
