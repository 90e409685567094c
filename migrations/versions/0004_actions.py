"""next steps: who takes an action, its progress note, "abandoned", and its history

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 19:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES_BEFORE = "status IN ('todo', 'doing', 'done')"
STATUSES = "status IN ('todo', 'doing', 'done', 'abandoned')"


def upgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('who_participant_id', sa.Integer(),
                                      sa.ForeignKey('participant.id', name='fk_action_who_participant'),
                                      nullable=True))
        batch_op.add_column(sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500),
                                      server_default='', nullable=False))
        batch_op.add_column(sa.Column('proposed_by_participant_id', sa.Integer(),
                                      sa.ForeignKey('participant.id',
                                                    name='fk_action_proposed_by_participant'),
                                      nullable=True))
        batch_op.add_column(sa.Column('created_by_user_id', sa.Integer(),
                                      sa.ForeignKey('app_user.id', name='fk_action_created_by_user'),
                                      nullable=True))
        batch_op.drop_constraint('ck_action_status', type_='check')
        batch_op.create_check_constraint('ck_action_status', STATUSES)

    op.create_table('action_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('change', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('author_participant_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint(STATUSES, name='ck_action_change_status'),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], ),
    sa.ForeignKeyConstraint(['author_participant_id'], ['participant.id'], ),
    sa.ForeignKeyConstraint(['author_user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('action_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_change_action_id'), ['action_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_action_change_created_at'), ['created_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('action_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_change_created_at'))
        batch_op.drop_index(batch_op.f('ix_action_change_action_id'))
    op.drop_table('action_change')
    # An abandoned action becomes "done" for a schema that does not know the word.
    op.execute("UPDATE action SET status = 'done' WHERE status = 'abandoned'")
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_constraint('ck_action_status', type_='check')
        batch_op.create_check_constraint('ck_action_status', STATUSES_BEFORE)
        batch_op.drop_constraint('fk_action_created_by_user', type_='foreignkey')
        batch_op.drop_constraint('fk_action_proposed_by_participant', type_='foreignkey')
        batch_op.drop_constraint('fk_action_who_participant', type_='foreignkey')
        batch_op.drop_column('created_by_user_id')
        batch_op.drop_column('proposed_by_participant_id')
        batch_op.drop_column('note')
        batch_op.drop_column('who_participant_id')
