"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 06:24:29.620935
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('app_setting',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deactivated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("role IN ('admin', 'facilitator')", name='ck_app_user_role'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_user_username'), ['username'], unique=True)

    op.create_table('collective',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('territory', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    with op.batch_alter_table('collective', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collective_owner_id'), ['owner_id'], unique=False)

    op.create_table('workshop',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collective_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('format_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('join_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('scheduled_on', sa.Date(), nullable=True),
    sa.Column('current_phase', sa.Integer(), nullable=True),
    sa.Column('phase_started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('paused_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('paused_seconds', sa.Integer(), nullable=False),
    sa.Column('extra_seconds', sa.Integer(), nullable=False),
    sa.Column('board_revision', sa.Integer(), nullable=False),
    sa.Column('criteria_set_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('vote_mode', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('dots_per_person', sa.Integer(), nullable=False),
    sa.Column('dots_stackable', sa.Boolean(), nullable=False),
    sa.Column('facilitator_votes', sa.Boolean(), nullable=False),
    sa.Column('results_revealed', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'running', 'ended')", name='ck_workshop_status'),
    sa.CheckConstraint("vote_mode IN ('scores', 'dots')", name='ck_workshop_vote_mode'),
    sa.CheckConstraint('dots_per_person >= 1', name='ck_workshop_dots'),
    sa.ForeignKeyConstraint(['collective_id'], ['collective.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_collective_id'), ['collective_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workshop_join_code'), ['join_code'], unique=True)

    op.create_table('agenda_phase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('duration_min', sa.Integer(), nullable=False),
    sa.Column('instructions', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('private_writing', sa.Boolean(), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('welcome', 'round', 'explore', 'ideas', 'group', 'score', 'formalise', 'next_steps', 'exchange')", name='ck_agenda_phase_kind'),
    sa.CheckConstraint('duration_min >= 0', name='ck_agenda_phase_duration'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workshop_id', 'position', name='uq_agenda_phase_position')
    )
    with op.batch_alter_table('agenda_phase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_phase_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('cluster',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('color', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('need', 'idea', 'resource', 'actor')", name='ck_cluster_kind'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cluster', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cluster_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('name_fr', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('question_fr', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('question_en', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('direction', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint('direction IN (1, -1)', name='ck_criterion_direction'),
    sa.CheckConstraint('weight >= 0', name='ck_criterion_weight'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workshop_id', 'key', name='uq_criterion_key')
    )
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criterion_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('removed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workshop_id', 'name_key', name='uq_participant_name')
    )
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_token'), ['token'], unique=True)
        batch_op.create_index(batch_op.f('ix_participant_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collective_id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('author_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('on_behalf', sa.Boolean(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('revealed', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('need', 'idea', 'resource', 'actor')", name='ck_card_kind'),
    sa.CheckConstraint('length(text) <= 500', name='ck_card_text_length'),
    sa.ForeignKeyConstraint(['cluster_id'], ['cluster.id'], ),
    sa.ForeignKeyConstraint(['collective_id'], ['collective.id'], ),
    sa.ForeignKeyConstraint(['merged_into_id'], ['card.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('card', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_card_collective_id'), ['collective_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_card_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index('ix_card_workshop_kind', ['workshop_id', 'kind'], unique=False)

    op.create_table('candidate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=True),
    sa.Column('cluster_id', sa.Integer(), nullable=True),
    sa.Column('selected', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint('(card_id IS NULL) <> (cluster_id IS NULL)', name='ck_candidate_one_target'),
    sa.ForeignKeyConstraint(['card_id'], ['card.id'], ),
    sa.ForeignKeyConstraint(['cluster_id'], ['cluster.id'], ),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workshop_id', 'card_id', name='uq_candidate_card'),
    sa.UniqueConstraint('workshop_id', 'cluster_id', name='uq_candidate_cluster')
    )
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('card_link',
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['idea_id'], ['card.id'], ),
    sa.ForeignKeyConstraint(['need_id'], ['card.id'], ),
    sa.PrimaryKeyConstraint('idea_id', 'need_id')
    )
    with op.batch_alter_table('card_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_link_need_id'), ['need_id'], unique=False)

    op.create_table('card_support',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('withdrawn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['card_id'], ['card.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('card_id', 'participant_id', name='uq_card_support')
    )
    with op.batch_alter_table('card_support', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_support_card_id'), ['card_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_card_support_participant_id'), ['participant_id'], unique=False)

    op.create_table('canvas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collective_id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=True),
    sa.Column('candidate_id', sa.Integer(), nullable=True),
    sa.Column('template_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], ),
    sa.ForeignKeyConstraint(['collective_id'], ['collective.id'], ),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('canvas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_canvas_collective_id'), ['collective_id'], unique=False)

    op.create_table('score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('value IS NULL OR (value BETWEEN 1 AND 5)', name='ck_score_value'),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], ),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('participant_id', 'candidate_id', 'criterion_id', name='uq_score')
    )
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_participant_id'), ['participant_id'], unique=False)

    op.create_table('vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('dots', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('dots >= 0', name='ck_vote_dots'),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('participant_id', 'candidate_id', name='uq_vote')
    )
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vote_participant_id'), ['participant_id'], unique=False)

    op.create_table('action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collective_id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=True),
    sa.Column('canvas_id', sa.Integer(), nullable=True),
    sa.Column('what', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('who', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('support_wanted', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('todo', 'doing', 'done')", name='ck_action_status'),
    sa.ForeignKeyConstraint(['canvas_id'], ['canvas.id'], ),
    sa.ForeignKeyConstraint(['collective_id'], ['collective.id'], ),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_collective_id'), ['collective_id'], unique=False)

    op.create_table('canvas_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('canvas_id', sa.Integer(), nullable=False),
    sa.Column('section_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('base_revision_id', sa.Integer(), nullable=True),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('author_participant_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('prefilled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_participant_id'], ['participant.id'], ),
    sa.ForeignKeyConstraint(['author_user_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['base_revision_id'], ['canvas_revision.id'], ),
    sa.ForeignKeyConstraint(['canvas_id'], ['canvas.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('canvas_revision', schema=None) as batch_op:
        batch_op.create_index('ix_canvas_revision_section', ['canvas_id', 'section_key', 'id'], unique=False)

    op.create_table('comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('canvas_id', sa.Integer(), nullable=False),
    sa.Column('section_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('author_participant_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('resolved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_participant_id'], ['participant.id'], ),
    sa.ForeignKeyConstraint(['author_user_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['canvas_id'], ['canvas.id'], ),
    sa.ForeignKeyConstraint(['parent_id'], ['comment.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_canvas_id'), ['canvas_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_canvas_id'))

    op.drop_table('comment')
    with op.batch_alter_table('canvas_revision', schema=None) as batch_op:
        batch_op.drop_index('ix_canvas_revision_section')

    op.drop_table('canvas_revision')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_collective_id'))

    op.drop_table('action')
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_participant_id'))
        batch_op.drop_index(batch_op.f('ix_vote_candidate_id'))

    op.drop_table('vote')
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_participant_id'))
        batch_op.drop_index(batch_op.f('ix_score_candidate_id'))

    op.drop_table('score')
    with op.batch_alter_table('canvas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_canvas_collective_id'))

    op.drop_table('canvas')
    with op.batch_alter_table('card_support', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_support_participant_id'))
        batch_op.drop_index(batch_op.f('ix_card_support_card_id'))

    op.drop_table('card_support')
    with op.batch_alter_table('card_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_link_need_id'))

    op.drop_table('card_link')
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_workshop_id'))

    op.drop_table('candidate')
    with op.batch_alter_table('card', schema=None) as batch_op:
        batch_op.drop_index('ix_card_workshop_kind')
        batch_op.drop_index(batch_op.f('ix_card_participant_id'))
        batch_op.drop_index(batch_op.f('ix_card_collective_id'))
        batch_op.drop_index(batch_op.f('ix_card_cluster_id'))

    op.drop_table('card')
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_participant_token'))

    op.drop_table('participant')
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criterion_workshop_id'))

    op.drop_table('criterion')
    with op.batch_alter_table('cluster', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cluster_workshop_id'))

    op.drop_table('cluster')
    with op.batch_alter_table('agenda_phase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_phase_workshop_id'))

    op.drop_table('agenda_phase')
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_join_code'))
        batch_op.drop_index(batch_op.f('ix_workshop_collective_id'))

    op.drop_table('workshop')
    with op.batch_alter_table('collective', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collective_owner_id'))

    op.drop_table('collective')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_user_username'))

    op.drop_table('app_user')
    op.drop_table('app_setting')
