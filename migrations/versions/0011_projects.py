"""projects: "chacun son projet" workshops — a workshop's mode; each porteur's project (its
canvas, pitch, follow-up), its members and its stage history; the pairs of a "regards
croisés" phase; a phase's sections in focus; a partner's private comments; raised hands; a
porteur's link for a teammate

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 20:24:01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


KINDS_BEFORE = ("kind IN ('welcome', 'round', 'explore', 'ideas', 'group', 'score', "
                "'formalise', 'next_steps', 'exchange')")
KINDS = ("kind IN ('welcome', 'round', 'explore', 'ideas', 'group', 'score', 'formalise', "
         "'next_steps', 'exchange', 'pairs')")


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('pairing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('group_no', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.ForeignKeyConstraint(['phase_id'], ['agenda_phase.id'], ),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('phase_id', 'participant_id', name='uq_pairing')
    )
    with op.batch_alter_table('pairing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pairing_phase_id'), ['phase_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pairing_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collective_id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('canvas_id', sa.Integer(), nullable=False),
    sa.Column('pitch', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('commune', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('interest', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('supports', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('share_canvas', sa.Boolean(), nullable=False),
    sa.Column('contact', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('contact_consent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('featured', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('followup_note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('next_meeting_on', sa.Date(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("interest IN ('', 'yes', 'maybe', 'no')", name='ck_project_interest'),
    sa.CheckConstraint("stage IN ('idea', 'testing', 'incubated', 'launched', 'paused', 'stopped')", name='ck_project_stage'),
    sa.ForeignKeyConstraint(['canvas_id'], ['canvas.id'], ),
    sa.ForeignKeyConstraint(['collective_id'], ['collective.id'], ),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('canvas_id')
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_collective_id'), ['collective_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('project_member',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('project_id', 'participant_id')
    )
    with op.batch_alter_table('project_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_member_participant_id'), ['participant_id'], unique=False)

    op.create_table('project_stage_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_user_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('project_stage_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_stage_change_project_id'), ['project_id'], unique=False)

    with op.batch_alter_table('agenda_phase', schema=None) as batch_op:
        batch_op.add_column(sa.Column('focus', sqlmodel.sql.sqltypes.AutoString(length=400),
                                      server_default='', nullable=False))
        batch_op.drop_constraint('ck_agenda_phase_kind', type_='check')
        batch_op.create_check_constraint('ck_agenda_phase_kind', KINDS)

    with op.batch_alter_table('collective_access', schema=None) as batch_op:
        batch_op.add_column(sa.Column('canvas_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('made_by_participant_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_collective_access_canvas', 'canvas', ['canvas_id'],
                                    ['id'])
        batch_op.create_foreign_key('fk_collective_access_made_by', 'participant',
                                    ['made_by_participant_id'], ['id'])

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('private', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))

    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hand_raised_at', sqlmodel.sql.sqltypes.UTCDateTime(),
                                      nullable=True))

    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=20),
                                      server_default='collective', nullable=False))
        batch_op.create_check_constraint('ck_workshop_mode',
                                         "mode IN ('collective', 'projects')")



def downgrade() -> None:
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_constraint('ck_workshop_mode', type_='check')
        batch_op.drop_column('mode')

    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_column('hand_raised_at')

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_column('private')

    with op.batch_alter_table('collective_access', schema=None) as batch_op:
        batch_op.drop_constraint('fk_collective_access_made_by', type_='foreignkey')
        batch_op.drop_constraint('fk_collective_access_canvas', type_='foreignkey')
        batch_op.drop_column('made_by_participant_id')
        batch_op.drop_column('canvas_id')

    # A "regards croisés" phase becomes a plain exchange for a schema without it.
    op.execute("UPDATE agenda_phase SET kind = 'exchange' WHERE kind = 'pairs'")
    with op.batch_alter_table('agenda_phase', schema=None) as batch_op:
        batch_op.drop_constraint('ck_agenda_phase_kind', type_='check')
        batch_op.create_check_constraint('ck_agenda_phase_kind', KINDS_BEFORE)
        batch_op.drop_column('focus')

    with op.batch_alter_table('project_stage_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_stage_change_project_id'))

    op.drop_table('project_stage_change')
    with op.batch_alter_table('project_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_member_participant_id'))

    op.drop_table('project_member')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_project_collective_id'))

    op.drop_table('project')
    with op.batch_alter_table('pairing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pairing_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_pairing_phase_id'))

    op.drop_table('pairing')
