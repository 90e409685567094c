"""collective access links (a collective's canvases between sessions)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('collective_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collective_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("role IN ('read', 'comment', 'edit')",
                       name='ck_collective_access_role'),
    sa.ForeignKeyConstraint(['collective_id'], ['collective.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('collective_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collective_access_code'), ['code'], unique=True)
        batch_op.create_index(batch_op.f('ix_collective_access_collective_id'),
                              ['collective_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('collective_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collective_access_collective_id'))
        batch_op.drop_index(batch_op.f('ix_collective_access_code'))
    op.drop_table('collective_access')
