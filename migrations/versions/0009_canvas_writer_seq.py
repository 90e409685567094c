"""canvas writer sequence: a text sent while typing carries its browser's id and its rank
among that browser's sendings, so that a late, repeated or reordered sending never replaces
a newer text of the same browser

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('canvas_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('writer', sqlmodel.sql.sqltypes.AutoString(length=40),
                                      nullable=True))
        batch_op.add_column(sa.Column('writer_seq', sa.BigInteger(), nullable=True))
    op.create_table(
        'canvas_sending',
        sa.Column('canvas_id', sa.Integer(), nullable=False),
        sa.Column('section_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column('writer', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['canvas_id'], ['canvas.id'], ),
        sa.PrimaryKeyConstraint('canvas_id', 'section_key', 'writer'),
    )


def downgrade() -> None:
    op.drop_table('canvas_sending')
    with op.batch_alter_table('canvas_revision', schema=None) as batch_op:
        batch_op.drop_column('writer_seq')
        batch_op.drop_column('writer')
