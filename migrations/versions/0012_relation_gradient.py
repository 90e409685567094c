"""relation gradient: a phase of kind "diagnostic" (where a project stands with its
collectivité), its rounds and each person's answer; each project's level history; the
lever a next step was made from

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 00:54:42
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

KINDS_BEFORE = ("kind IN ('welcome', 'round', 'explore', 'ideas', 'group', 'score', "
                "'formalise', 'next_steps', 'exchange', 'pairs')")
KINDS = ("kind IN ('welcome', 'round', 'explore', 'ideas', 'group', 'score', 'formalise', "
         "'next_steps', 'exchange', 'pairs', 'diagnostic')")

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('diagnostic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=False),
    sa.Column('gradient_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('canvas_id', sa.Integer(), nullable=True),
    sa.Column('revealed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['canvas_id'], ['canvas.id'], ),
    sa.ForeignKeyConstraint(['phase_id'], ['agenda_phase.id'], ),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('phase_id')
    )
    with op.batch_alter_table('diagnostic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diagnostic_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('diagnostic_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('diagnostic_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('canvas_id', sa.Integer(), nullable=False),
    sa.Column('signs', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('proposed', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['canvas_id'], ['canvas.id'], ),
    sa.ForeignKeyConstraint(['diagnostic_id'], ['diagnostic.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('diagnostic_id', 'participant_id', 'canvas_id', name='uq_diagnostic_answer')
    )
    with op.batch_alter_table('diagnostic_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diagnostic_answer_diagnostic_id'), ['diagnostic_id'], unique=False)

    op.create_table('relation_level',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collective_id', sa.Integer(), nullable=False),
    sa.Column('canvas_id', sa.Integer(), nullable=False),
    sa.Column('gradient_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('diagnostic_id', sa.Integer(), nullable=True),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('author_participant_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_participant_id'], ['participant.id'], ),
    sa.ForeignKeyConstraint(['author_user_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['canvas_id'], ['canvas.id'], ),
    sa.ForeignKeyConstraint(['collective_id'], ['collective.id'], ),
    sa.ForeignKeyConstraint(['diagnostic_id'], ['diagnostic.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('relation_level', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relation_level_canvas_id'), ['canvas_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relation_level_collective_id'), ['collective_id'], unique=False)

    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lever', sqlmodel.sql.sqltypes.AutoString(length=120), server_default='', nullable=False))

    with op.batch_alter_table('agenda_phase', schema=None) as batch_op:
        batch_op.drop_constraint('ck_agenda_phase_kind', type_='check')
        batch_op.create_check_constraint('ck_agenda_phase_kind', KINDS)



def downgrade() -> None:
    # A diagnostic phase becomes a plain exchange for a schema without it.
    op.execute("UPDATE agenda_phase SET kind = 'exchange' WHERE kind = 'diagnostic'")
    with op.batch_alter_table('agenda_phase', schema=None) as batch_op:
        batch_op.drop_constraint('ck_agenda_phase_kind', type_='check')
        batch_op.create_check_constraint('ck_agenda_phase_kind', KINDS_BEFORE)

    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_column('lever')

    with op.batch_alter_table('relation_level', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relation_level_collective_id'))
        batch_op.drop_index(batch_op.f('ix_relation_level_canvas_id'))

    op.drop_table('relation_level')
    with op.batch_alter_table('diagnostic_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diagnostic_answer_diagnostic_id'))

    op.drop_table('diagnostic_answer')
    with op.batch_alter_table('diagnostic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diagnostic_workshop_id'))

    op.drop_table('diagnostic')
