"""Edit events keep the text before and after; blocks remember the comment they were made from

Revision ID: 0006_harden_sec
Revises: reader_features_0006
Create Date: 2026-12-06 03:20:00.000000

An author's edit of an approved comment goes back to review, and the moderator judging it
reads both texts in its history. A block made from a comment (block the author) names that
comment, so erasing its author's data can remove the blocks that carry their name and address.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_harden_sec'
down_revision = 'reader_features_0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('moderation_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_before', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('body_after', sa.Text(), nullable=True))
    with op.batch_alter_table('block', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_block_comment_id_comment'), 'comment', ['comment_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_index('ix_block_comment', ['comment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('block', schema=None) as batch_op:
        batch_op.drop_index('ix_block_comment')
        batch_op.drop_constraint(batch_op.f('fk_block_comment_id_comment'), type_='foreignkey')
        batch_op.drop_column('comment_id')
    with op.batch_alter_table('moderation_event', schema=None) as batch_op:
        batch_op.drop_column('body_after')
        batch_op.drop_column('body_before')
