"""The officials' desk: accounts, sessions, drafts and an append-only audit trail.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE FUNCTION desk_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'desk_audit is append-only';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "desk_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False, server_default=""),
        sa.Column("issuer", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("totp_secret", sa.String(64)),
        sa.Column("totp_required", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("totp_last_step", sa.Integer),
        sa.Column("failed_signins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.DateTime),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_desk_users_issuer", "desk_users", ["issuer"])
    op.create_table(
        "desk_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("desk_users.id")),
        sa.Column("pending_user_id", sa.Integer, sa.ForeignKey("desk_users.id")),
        sa.Column("csrf_key", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(16)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("seen_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_desk_sessions_user_id", "desk_sessions", ["user_id"])
    op.create_index("ix_desk_sessions_seen_at", "desk_sessions", ["seen_at"])
    op.create_table(
        "desk_drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("slug", sa.String(100), nullable=False),
        sa.Column("subtype", sa.String(40)),
        sa.Column("issuer", sa.String(100), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="draft"),
        sa.Column("values", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False, server_default=""),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("base_digest", sa.String(64)),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("desk_users.id"), nullable=False),
        sa.Column("editor_id", sa.Integer, sa.ForeignKey("desk_users.id"), nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("emergency", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_desk_drafts_issuer", "desk_drafts", ["issuer"])
    op.create_index("ix_desk_drafts_state", "desk_drafts", ["state"])
    op.create_table(
        "desk_audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(254), nullable=False),
        sa.Column("issuer", sa.String(100)),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("path", sa.String(300)),
        sa.Column("draft_id", sa.Integer),
        sa.Column("detail", sa.Text),
        sa.Column("diff", sa.Text),
    )
    op.create_index("ix_desk_audit_at", "desk_audit", ["at"])
    op.create_index("ix_desk_audit_path", "desk_audit", ["path"])
    # Append-only, whatever connects: the database itself refuses changes and deletions.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute("CREATE TRIGGER desk_audit_no_change BEFORE UPDATE OR DELETE ON desk_audit "
                   "FOR EACH ROW EXECUTE FUNCTION desk_audit_append_only()")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER desk_audit_no_{event.lower()} BEFORE {event} ON "
                       "desk_audit BEGIN SELECT RAISE(ABORT, 'desk_audit is append-only'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS desk_audit_no_change ON desk_audit")
        op.execute("DROP FUNCTION IF EXISTS desk_audit_append_only()")
    for table in ("desk_audit", "desk_drafts", "desk_sessions", "desk_users"):
        op.drop_table(table)
