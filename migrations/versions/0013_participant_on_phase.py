"""participant.on_phase: the phase a participant's phone last showed (written with their
presence), so the facilitator sees how many phones are behind after a phase change

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 10:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_phase', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_column('on_phase')
