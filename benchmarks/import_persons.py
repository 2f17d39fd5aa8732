"""Import of 100,000 synthetic people from CSV: check every row, then apply them all.

    python -m benchmarks.import_persons                      # SQLite, in a temporary folder
    python -m benchmarks.import_persons --database postgres://postgres@127.0.0.1:5432/pcms_bench

Writes a CSV of N people drawn by `pcms.matching.synthetic` (names in Latin and Arabic script,
half the birth dates day-first, nationalities, sex, identity numbers; no phones, which the generator
does not make valid), with three bad
rows: an impossible date, an unknown country, an empty name. The import is run the way the
worker runs it: the check must refuse the file naming exactly those three lines and write
nothing; the corrected file is then checked and applied (normalisation, entities, mentions and
search words, in one transaction). The PostgreSQL database is created afresh and dropped after.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import machine, peak_rss_mb, server_cpu

HEADERS = ["Nom", "Date de naissance", "Nationalité", "Sexe", "Numéro d'identité"]
COLUMNS = {
    "Nom": "name",
    "Date de naissance": "birthDate",
    "Nationalité": "nationality",
    "Sexe": "gender",
    "Numéro d'identité": "idNumber",
}
FIELD = {prop: header for header, prop in COLUMNS.items()}


def bad_rows(n: int) -> dict[int, tuple[str, str]]:
    """Person number -> (property, wrong value): near the start, the middle and the end."""
    return {
        max(1, n // 1000): ("birthDate", "31/02/1990"),
        n // 2: ("nationality", "Wakanda"),
        n - 10: ("name", ""),
    }


def write_csv(path: Path, n: int, seed: int, bad: bool) -> None:
    from pcms.matching.synthetic import generate_people

    wrong = bad_rows(n)
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADERS)
        for number, person in enumerate(generate_people(n, seed=seed), start=1):
            props = person.entity["properties"]
            day = props["birthDate"][0].split("-")
            row = {
                "name": props["name"][0],
                "birthDate": "/".join(reversed(day)) if number % 2 else props["birthDate"][0],
                "nationality": (props.get("nationality") or [""])[0],
                "gender": (props.get("gender") or [""])[0],
                "idNumber": (props.get("idNumber") or [""])[0],
            }
            if bad and number in wrong:
                prop, value = wrong[number]
                row[prop] = value
            writer.writerow([row[COLUMNS[header]] for header in HEADERS])


def setup_django(database: str | None, data_dir: str) -> None:
    os.environ.update(
        {
            "PCMS_DATA_DIR": data_dir,
            "PCMS_NODE": "NE",
            "PCMS_TASKS_IMMEDIATE": "true",
            "PCMS_SECRET_KEY": "benchmark-" + "k" * 60,
            "PCMS_LOG_LEVEL": "WARNING",
            "PCMS_IMPORT_MAX_MB": "100",
            "DJANGO_SETTINGS_MODULE": "pcms.settings",
        }
    )
    if database:
        os.environ["PCMS_DATABASE_URL"] = database
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def run_import(user, report, path: Path):
    """Upload, check (as the worker does) and return the job with the check's duration (wall
    clock and this process's CPU time)."""
    from django.conf import settings

    from pcms.imports import actions

    with open(path, "rb") as handle:
        job = actions.create_job(
            user,
            filename=path.name,
            chunks=iter(lambda: handle.read(1 << 20), b""),
            max_bytes=settings.IMPORT_MAX_BYTES,
            report=report,
            role="suspect",
        )
    start, cpu = time.perf_counter(), time.process_time()
    job.refresh_from_db()
    if job.status == "mapping":
        actions.set_mapping(user, job, schema="Person", columns=COLUMNS, role="suspect")
    job.refresh_from_db()
    return job, time.perf_counter() - start, time.process_time() - cpu


def run(n: int, seed: int, database: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"n": n, "machine": machine(), "database": "postgresql" if database else "sqlite"}
    with tempfile.TemporaryDirectory(prefix="pcms-bench-") as folder:
        setup_django(database, folder)
        from django.contrib.auth.models import Group
        from django.db import connection

        from pcms.accounts.models import User
        from pcms.imports import actions
        from pcms.records import actions as records
        from pcms.records.models import Entity, SearchToken
        from pcms.reference.models import Platform

        user = User.objects.create_user("bench", platform=Platform.objects.get(code="NE"))
        user.groups.add(Group.objects.get(name="officer"))
        report = records.create_report(
            user,
            {
                "title": "Benchmark",
                "category": "terrorism",
                "source_reliability": "B",
                "credibility": "2",
                "dissemination": "all",
            },
        )

        bad_path, good_path = Path(folder) / "people-bad.csv", Path(folder) / "people.csv"
        start = time.perf_counter()
        write_csv(bad_path, n, seed, bad=True)
        write_csv(good_path, n, seed, bad=False)
        out["generate_s"] = time.perf_counter() - start
        out["file_mb"] = good_path.stat().st_size / 2**20

        out["load_before"] = os.getloadavg()[0]
        job, out["check_bad_s"], _cpu = run_import(user, report, bad_path)
        out["refused"] = job.status == "invalid"
        out["errors"] = [(error["line"], error["field"]) for error in job.errors]
        expected = sorted((number + 1, FIELD[prop]) for number, (prop, _value) in bad_rows(n).items())
        assert out["errors"] == expected, (out["errors"][:10], expected)
        assert not Entity.objects.filter(origin=report).exists()

        job, out["check_s"], out["check_cpu_s"] = run_import(user, report, good_path)
        assert job.status == "ready", (job.status, job.errors[:5])
        start, cpu, server = time.perf_counter(), time.process_time(), server_cpu(connection)
        actions.confirm(user, job)
        out["apply_s"], out["apply_cpu_s"] = time.perf_counter() - start, time.process_time() - cpu
        served = server_cpu(connection)
        out["apply_server_cpu_s"] = served[1] - server[1] if served[0] == server[0] else float("nan")
        job.refresh_from_db()
        assert job.status == "done" and job.created_count == n, (job.status, job.message)
        out["entities"] = Entity.objects.filter(origin=report).count()
        out["search_tokens"] = SearchToken.objects.filter(entity__origin=report).count()
        out["total_s"] = out["check_s"] + out["apply_s"]
        out["peak_rss_mb"] = peak_rss_mb()
        out["load_after"] = os.getloadavg()[0]
    return out


def _fresh_postgres(url: str, drop: bool = False) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')  # noqa: S608 - our own name
        if not drop:
            connection.execute(f'CREATE DATABASE "{name}"')  # noqa: S608


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", help="postgres://... (created afresh, dropped after)")
    args = parser.parse_args(argv)
    if args.database:
        _fresh_postgres(args.database)
    try:
        out = run(args.n, args.seed, args.database)
    finally:
        if args.database:
            from django.db import connections

            connections.close_all()
            _fresh_postgres(args.database, drop=True)
    m = out["machine"]
    print(
        f"{out['database']}: {out['n']:,} rows ({out['file_mb']:.1f} MB CSV), "
        f"{m['cores']} cores, {m['memory']}, {m['cpu']}, Python {m['python']}"
    )
    print(
        f"  bad file refused: {out['refused']}, lines named: {out['errors']} "
        f"(check {out['check_bad_s']:.1f} s)"
    )
    print(
        f"  check {out['check_s']:.1f} s + apply {out['apply_s']:.1f} s = {out['total_s']:.1f} s "
        f"(CPU of this process {out['check_cpu_s']:.1f} s + {out['apply_cpu_s']:.1f} s"
        + (f", of the database server {out['apply_server_cpu_s']:.1f} s"
           if out["database"] == "postgresql" else "") + "; load "
        f"average {out['load_before']:.1f} before, {out['load_after']:.1f} after); "
        f"{out['entities']:,} entities, {out['search_tokens']:,} search words, "
        f"peak memory {out['peak_rss_mb']:.0f} MiB"
    )
    sys.exit(0 if out["total_s"] <= 60 else 1)


if __name__ == "__main__":
    main()
