"""the facilitator's home

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 10:00:00.000000

The facilitator's home page (store/home.py): its one-time sign-in links and signed-in
browsers, both kept as hashes. A workshop's planned start and its agenda's version (agenda
revisions, core/revision.py); a programme can be archived.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import facilitator.store.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, facilitator.store.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "home_link",
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        _when("created_at", False),
        _when("expires_at", False),
        _when("used_at", True),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_table(
        "home_session",
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        _when("created_at", False),
        _when("expires_at", False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(_when("starts_at", True))
        batch_op.add_column(
            sa.Column("agenda_version", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.add_column(_when("archived_at", True))


def downgrade() -> None:
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.drop_column("agenda_version")
        batch_op.drop_column("starts_at")
    op.drop_table("home_session")
    op.drop_table("home_link")
