"""Alembic environment of the archive: migrations run on the connection the caller opened
(worker/archive/database.py ``upgrade_schema``), inside its transaction; no alembic.ini."""

from alembic import context

from worker.archive.schema import metadata

connection = context.config.attributes["connection"]
# render_as_batch: SQLite alters a table by copying it (Alembic docs, "Running Batch
# Migrations for SQLite"); on PostgreSQL it emits plain ALTERs.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
