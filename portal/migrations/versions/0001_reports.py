"""Reports from residents, and what the guards against abuse keep.

Revision ID: 0001
Revises:
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("place", sa.String(32), nullable=False),
        sa.Column("link", sa.String(2048)),
        sa.Column("seen", sa.String(16), nullable=False),
        sa.Column("contact", sa.String(200)),
        sa.Column("consent", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("status", sa.String(16), nullable=False, server_default="received"),
        sa.Column("correction", sa.String(100)),
        sa.Column("merged_into_id", sa.Integer, sa.ForeignKey("reports.id")),
        sa.Column("board_text", sa.Text),
        sa.Column("board_lang", sa.String(16)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("resolved_at", sa.DateTime),
        sa.Column("contact_deleted_at", sa.DateTime),
    )
    op.create_index("ix_reports_status", "reports", ["status"])
    op.create_index("ix_reports_correction", "reports", ["correction"])
    op.create_index("ix_reports_merged_into_id", "reports", ["merged_into_id"])
    op.create_table(
        "rate_counts",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("window", sa.Integer, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "daily_keys",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("key", sa.String(64), nullable=False),
    )
    op.create_table(
        "used_forms",
        sa.Column("nonce", sa.String(64), primary_key=True),
        sa.Column("used_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_used_forms_used_at", "used_forms", ["used_at"])
    markers = op.create_table(
        "markers",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.bulk_insert(markers, [{"name": "purge", "at": dt.datetime(2000, 1, 1)},
                             {"name": "sweep", "at": dt.datetime(2000, 1, 1)}])


def downgrade() -> None:
    for table in ("markers", "used_forms", "daily_keys", "rate_counts", "reports"):
        op.drop_table(table)
