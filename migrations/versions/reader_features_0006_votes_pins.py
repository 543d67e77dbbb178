"""Votes with their counters on the comment; pinned comments and the moderator's badge

Revision ID: reader_features_0006
Revises: mail_subs_0006
Create Date: 2026-12-06 03:30:00.000000

`likes` and `dislikes` are stored counters, changed in the vote's own transaction, so the
thread reads them with the comment and never counts votes. One vote per reader and comment
is kept by a unique index on (comment_id, voter_hash).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'reader_features_0006'
down_revision = 'mail_subs_0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('likes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('dislikes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('pinned', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('by_moderator', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'vote',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('voter_hash', sa.String(length=64), nullable=False),
        sa.Column('value', sa.SmallInteger(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('value IN (-1, 1)', name=op.f('ck_vote_value')),
        sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_vote_comment_id_comment'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_vote')),
    )
    op.create_index('uq_vote_comment_voter', 'vote', ['comment_id', 'voter_hash'], unique=True)


def downgrade():
    op.drop_index('uq_vote_comment_voter', table_name='vote')
    op.drop_table('vote')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_column('by_moderator')
        batch_op.drop_column('pinned')
        batch_op.drop_column('dislikes')
        batch_op.drop_column('likes')
