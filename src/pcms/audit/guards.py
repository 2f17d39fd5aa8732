"""Database triggers that refuse UPDATE, DELETE and TRUNCATE on audit entries.

They stop the application, a bug or a careless query from rewriting history; someone with the
database owner's rights can drop them, and that is what the hash chain then detects.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

_INSTALL = {
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_auditentry
           BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
        """CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_auditentry
           BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql""",
        """CREATE OR REPLACE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE
           ON audit_auditentry FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()""",
        """CREATE OR REPLACE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE
           ON audit_auditentry FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()""",
    ],
}
_REMOVE = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_entry_no_update",
        "DROP TRIGGER IF EXISTS audit_entry_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_auditentry",
        "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry",
    ],
}


def _execute(connection: BaseDatabaseWrapper, statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for statement in statements.get(connection.vendor, []):
            cursor.execute(statement)


def install(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, _INSTALL)


def remove(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, _REMOVE)
