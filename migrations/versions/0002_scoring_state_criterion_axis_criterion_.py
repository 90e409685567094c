"""scoring state, criterion axis, criterion changes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 07:45:41.505993
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('criterion_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('change', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('old_weight', sa.Float(), nullable=True),
    sa.Column('new_weight', sa.Float(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('criterion_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criterion_change_workshop_id'), ['workshop_id'], unique=False)

    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('axis', sqlmodel.sql.sqltypes.AutoString(length=20), server_default='', nullable=False))

    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scoring_state', sqlmodel.sql.sqltypes.AutoString(length=20), server_default='setup', nullable=False))
        batch_op.create_check_constraint(
            'ck_workshop_scoring_state', "scoring_state IN ('setup', 'open', 'closed')")


def downgrade() -> None:
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_constraint('ck_workshop_scoring_state', type_='check')
        batch_op.drop_column('scoring_state')

    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_column('axis')

    with op.batch_alter_table('criterion_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criterion_change_workshop_id'))

    op.drop_table('criterion_change')
