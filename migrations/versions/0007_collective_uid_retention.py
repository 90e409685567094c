"""collective uid and retention: a collective keeps one identifier wherever it is moved
(export and import); a retention period after which participants' names of ended
workshops are anonymised; when a workshop ended; when a participant was anonymised

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 01:00:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('collective', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uid', sqlmodel.sql.sqltypes.AutoString(length=36),
                                      nullable=True))
        batch_op.add_column(sa.Column('retention_days', sa.Integer(), nullable=True))
    collective = sa.table('collective', sa.column('id', sa.Integer),
                          sa.column('uid', sa.String))
    connection = op.get_bind()
    for (collective_id,) in connection.execute(sa.select(collective.c.id)).all():
        connection.execute(collective.update().where(collective.c.id == collective_id)
                           .values(uid=str(uuid.uuid4())))
    with op.batch_alter_table('collective', schema=None) as batch_op:
        batch_op.alter_column('uid', existing_type=sqlmodel.sql.sqltypes.AutoString(length=36),
                              nullable=False)
        batch_op.create_index('ix_collective_uid', ['uid'], unique=True)
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ended_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_column('ended_at')
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
    with op.batch_alter_table('collective', schema=None) as batch_op:
        batch_op.drop_index('ix_collective_uid')
        batch_op.drop_column('retention_days')
        batch_op.drop_column('uid')
