"""Catalogue, grants, applications, usage records, ledger and meta.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_entries",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "grants",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("dataset", sa.String(200), nullable=False, index=True),
        sa.Column("requester", sa.String(200), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("dataset", sa.String(200), nullable=False, index=True),
        sa.Column("requester", sa.String(200), nullable=False, index=True),
        sa.Column("status", sa.String(30), nullable=False, index=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "usage_records",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("grant_id", sa.String(200), nullable=True, index=True),
        sa.Column("dataset", sa.String(200), nullable=False, index=True),
        sa.Column("requester", sa.String(200), nullable=False, index=True),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "ledger",
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(40), nullable=False, index=True),
        sa.Column("ref", sa.String(200), nullable=False, index=True),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.Column("policy_revision", sa.String(80), nullable=False),
        sa.Column("law_version", sa.String(200), nullable=False),
        sa.Column("data_revision", sa.String(80), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in ("meta", "ledger", "usage_records", "applications", "grants", "catalog_entries"):
        op.drop_table(table)
