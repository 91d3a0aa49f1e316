"""guests and pseudonyms

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00.000000

A third code per workshop, for guests (every existing workshop gets a fresh one), and the
programme-wide pseudonym of a person on their participant rows (store/people.py).
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As store/workshops.py makes codes: no 0/O, 1/I/L.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def upgrade() -> None:
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("guest_code", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
    connection = op.get_bind()
    workshop = sa.table(
        "workshop",
        sa.column("id"),
        sa.column("join_code"),
        sa.column("leader_code"),
        sa.column("guest_code"),
    )
    taken = {
        code
        for row in connection.execute(sa.select(workshop.c.join_code, workshop.c.leader_code))
        for code in row
    }
    for (workshop_id,) in connection.execute(sa.select(workshop.c.id)).all():
        code = _fresh(taken)
        taken.add(code)
        connection.execute(
            workshop.update().where(workshop.c.id == workshop_id).values(guest_code=code)
        )
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_workshop_guest_code", ["guest_code"])

    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("person", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_participant_person"), ["person"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participant_person"))
        batch_op.drop_column("person")

    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.drop_constraint("uq_workshop_guest_code", type_="unique")
        batch_op.drop_column("guest_code")


def _fresh(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
        if code not in taken:
            return code
