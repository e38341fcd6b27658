"""Database-level guard: audit rows cannot be updated (both databases) nor deleted
(PostgreSQL; SQLite's test flush deletes rows) — defence in depth beside the hash chain.

A database superuser can still drop the trigger; the hash chain is what detects that."""

from typing import Any

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_auditentry_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql;""",
    # TRUNCATE (used by test-database flushes) does not fire row triggers.
    """CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE OR DELETE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse();""",
]


def forwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor, []):
        schema_editor.execute(sql)


def backwards(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS core_auditentry_no_update"
        + (" ON core_auditentry" if schema_editor.connection.vendor == "postgresql" else "")
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
