"""The learned spam filter: model versions and training runs

Revision ID: spam_model_0006
Revises: harden_hosts_0006
Create Date: 2026-12-06 03:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'spam_model_0006'
down_revision = 'harden_hosts_0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('spam_model',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('weights', sa.LargeBinary(), nullable=False),
    sa.Column('bias', sa.Float(), nullable=False),
    sa.Column('threshold', sa.Float(), nullable=False),
    sa.Column('n_decisions', sa.Integer(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('trained_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spam_model'))
    )
    op.create_table('spam_training_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('n_decisions', sa.Integer(), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['model_id'], ['spam_model.id'], name=op.f('fk_spam_training_run_model_id_spam_model'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spam_training_run'))
    )


def downgrade():
    op.drop_table('spam_training_run')
    op.drop_table('spam_model')
