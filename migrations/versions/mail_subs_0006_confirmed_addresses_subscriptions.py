"""Confirmed mail addresses (double opt-in for reader mail) and thread subscriptions

Revision ID: mail_subs_0006
Revises: 0005
Create Date: 2026-12-06 03:30:00.000000

Reply and thread mail go only to an address its reader confirmed through a mailed link; the
address is kept there as a keyed hash, per site. A thread subscription asks for mail about every
new published comment on one article.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'mail_subs_0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('confirmed_address',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmation_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_confirmed_address_site_id_site'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_confirmed_address')),
    sa.UniqueConstraint('site_id', 'address_hash', name='uq_confirmed_address_site_hash')
    )
    with op.batch_alter_table('confirmed_address', schema=None) as batch_op:
        batch_op.create_index('ix_confirmed_address_hash', ['address_hash'], unique=False)

    op.create_table('thread_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_thread_subscription_site_id_site'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_thread_subscription_article_id_article'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thread_subscription')),
    sa.UniqueConstraint('article_id', 'email', name='uq_thread_subscription_article_email')
    )
    with op.batch_alter_table('thread_subscription', schema=None) as batch_op:
        batch_op.create_index('ix_thread_subscription_email', ['email'], unique=False)


def downgrade():
    with op.batch_alter_table('thread_subscription', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_subscription_email')
    op.drop_table('thread_subscription')
    with op.batch_alter_table('confirmed_address', schema=None) as batch_op:
        batch_op.drop_index('ix_confirmed_address_hash')
    op.drop_table('confirmed_address')
