"""Alembic environment: the connection comes from portal.db (``portal db upgrade``)."""
from alembic import context
from sqlalchemy import create_engine

from portal.db import Base, resolve_url
from portal.desk import models as desk_models  # noqa: F401  (the tables)
from portal.reports import models  # noqa: F401

connection = context.config.attributes.get("connection")
if connection is None:  # run by the alembic command itself: PORTAL_DATABASE_URL
    import os
    engine = create_engine(resolve_url(os.environ.get("PORTAL_DATABASE_URL",
                                                      "sqlite:///var/portal.db")))
    connection = engine.connect()

context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
