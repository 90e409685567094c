"""client keys: a card, a comment and an action carry a key made where they were typed,
unique, so that the same write sent twice is stored once

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('card', 'comment', 'action')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(
                'client_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
            batch_op.create_index(f'uq_{table}_client_key', ['client_key'], unique=True)


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'uq_{table}_client_key')
            batch_op.drop_column('client_key')
