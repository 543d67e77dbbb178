"""An audit log of administrators' changes to sites: settings, webhooks, moderators, tokens

Revision ID: owners_admin_event
Revises: spam_model_0006
Create Date: 2026-12-06 03:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'owners_admin_event'
down_revision = 'spam_model_0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('admin_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('moderator_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['moderator_id'], ['moderator.id'], name=op.f('fk_admin_event_moderator_id_moderator'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_admin_event_site_id_site'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_event'))
    )
    with op.batch_alter_table('admin_event', schema=None) as batch_op:
        batch_op.create_index('ix_admin_event_site', ['site_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('admin_event', schema=None) as batch_op:
        batch_op.drop_index('ix_admin_event_site')
    op.drop_table('admin_event')
