"""participant keys: a second key for names that look alike as written ("ÉIise" with a
capital I beside "Élise"), both keys recomputed with confusable classes closed both ways;
the join form's key and the browser's digest, so that a join sent twice, or made again from
the same browser, finds its participant instead of locking the person out of their name

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from core.errors import InvalidInput
    from core.text.names import name_keys

    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('look_key', sqlmodel.sql.sqltypes.AutoString(length=80),
                                      nullable=True))
        batch_op.add_column(sa.Column('join_key', sqlmodel.sql.sqltypes.AutoString(length=40),
                                      nullable=True))
        batch_op.add_column(sa.Column('browser_key',
                                      sqlmodel.sql.sqltypes.AutoString(length=64),
                                      nullable=True))
    participant = sa.table('participant', sa.column('id', sa.Integer),
                           sa.column('workshop_id', sa.Integer),
                           sa.column('display_name', sa.String),
                           sa.column('name_key', sa.String), sa.column('look_key', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(participant.c.id, participant.c.workshop_id,
                                        participant.c.display_name, participant.c.name_key)
                              .order_by(participant.c.id)).all()
    # Both keys with the new classes. Where two people of a workshop would share one (they
    # joined before the keys caught their look-alike names), the later keeps its old name
    # key and has no second key: nobody is renamed. Old keys stay reserved while the rows
    # are rewritten one by one, so no step breaks the unique constraint.
    used = {(workshop_id, old_key) for _, workshop_id, _, old_key in rows}
    looks: set[tuple[int, str]] = set()
    for pid, workshop_id, display_name, old_key in rows:
        try:
            keys = name_keys(display_name)
        except InvalidInput:
            continue
        values: dict[str, str | None] = {}
        if keys.name_key != old_key and (workshop_id, keys.name_key) not in used:
            values["name_key"] = keys.name_key
            used.add((workshop_id, keys.name_key))
        if (workshop_id, keys.look_key) not in looks:
            values["look_key"] = keys.look_key
            looks.add((workshop_id, keys.look_key))
        if values:
            connection.execute(participant.update().where(participant.c.id == pid)
                               .values(**values))
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_participant_look', ['workshop_id', 'look_key'])
        batch_op.create_index('ix_participant_join_key', ['join_key'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_index('ix_participant_join_key')
        batch_op.drop_constraint('uq_participant_look', type_='unique')
        batch_op.drop_column('browser_key')
        batch_op.drop_column('join_key')
        batch_op.drop_column('look_key')
