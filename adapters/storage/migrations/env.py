"""Alembic environment: run with a connection handed in by the store
(`config.attributes["connection"]`), so migrations use the app's own engine."""

from alembic import context

from adapters.storage.tables import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
