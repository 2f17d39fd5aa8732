"""A throw-away pcms node for benchmarks: a temporary data folder, SQLite or a fresh PostgreSQL."""

from __future__ import annotations

import os


def setup_django(database: str | None, data_dir: str, **env: str) -> None:
    """Configure and migrate a node in `data_dir`, on SQLite or on `database` (postgres://...)."""
    os.environ.update(
        {
            "PCMS_DATA_DIR": data_dir,
            "PCMS_NODE": "NE",
            "PCMS_TASKS_IMMEDIATE": "true",
            "PCMS_SECRET_KEY": "benchmark-" + "k" * 60,
            "PCMS_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "pcms.settings",
            **env,
        }
    )
    if database:
        os.environ["PCMS_DATABASE_URL"] = database
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def fresh_postgres(url: str, drop: bool = False) -> None:
    """Create the database named in `url` afresh (or only drop it)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # noqa: S608 - our own name
        if not drop:
            connection.execute(f'CREATE DATABASE "{name}"')  # noqa: S608


def close_and_drop(url: str | None) -> None:
    if url:
        from django.db import connections

        connections.close_all()
        fresh_postgres(url, drop=True)


def ensure_postgres(url: str) -> None:
    """Create the database named in `url` unless it exists (a kept benchmark database)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')  # noqa: S608 - our own name
