"""Record pages and filtered lists with a million entities in the database.

    python -m benchmarks.records                  # SQLite
    python -m benchmarks.records --database postgres://postgres@127.0.0.1:5432/pcms_bench_records
    (--data-dir DIR for SQLite, --keep for PostgreSQL: fill once, measure again later)

Fills a node with N entities (persons, vehicles, phones) mentioned in N/10 reports of every
platform with every handling code, and their search words, in bulk; then an officer of one
platform opens report and entity pages and filtered and searched lists through the whole stack
(middleware, need-to-know, templates, the audit entry each read writes), and the p95 of each is
reported, in wall-clock time and in CPU time (this process's, plus on PostgreSQL that of the server
process serving it): on a shared machine the latter says more. The target is 100 ms.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from typing import Any

from .common import load_average, machine, percentile, server_cpu
from .node import close_and_drop, ensure_postgres, fresh_postgres, setup_django

GIVEN = ["Moussa", "Aminata", "Ibrahim", "Fatimata", "Oumar", "Mariam", "Abdoulaye", "Aïcha",
         "Hamidou", "Salamatou", "Mahamat", "Zeinabou", "Sidi", "Khadija", "Boubacar", "Hawa"]
FAMILY = ["Traoré", "Maïga", "Diallo", "Ould Abdallahi", "Ag Intalla", "Issoufou", "Cissé",
          "Ouédraogo", "Kaboré", "Mahamat Saleh", "Touré", "Sow", "Mint Ahmed", "Kane", "Diop"]
CATEGORIES = ["terrorism", "arms_trafficking", "drug_trafficking", "smuggling", "kidnapping",
              "cybercrime", "border_incident", "terrorist_financing"]


def fill(n: int, batch: int = 10_000) -> None:
    from pcms.records.models import Entity, Mention, Report, SearchToken
    from pcms.records.search import tokens
    from pcms.reference.models import Platform, Region

    rng = random.Random(3)  # noqa: S311 - synthetic load
    platforms = list(Platform.objects.all())
    regions = {p.pk: list(Region.objects.filter(country_id=p.country_id)) for p in platforms}
    reports, entities, mentions, words = [], [], [], []

    def flush() -> None:
        Report.objects.bulk_create(reports, batch_size=batch)
        Entity.objects.bulk_create(entities, batch_size=batch)
        Mention.objects.bulk_create(mentions, batch_size=batch)
        SearchToken.objects.bulk_create(words, batch_size=batch)
        for items in (reports, entities, mentions, words):
            items.clear()

    report = None
    for number in range(n):
        if number % 10 == 0:
            owner = rng.choice(platforms)
            report = Report(
                id=uuid.uuid4(), reference=f"{owner.code}-B-{number // 10:07d}", owner=owner,
                title=f"Rapport {number // 10}", category=rng.choice(CATEGORIES),
                facts_date=date(2026, 11, 1) - timedelta(days=rng.randrange(1500)),
                region=rng.choice(regions[owner.pk]) if regions[owner.pk] else None,
                source_reliability=rng.choice("ABCDEF"), credibility=rng.choice("123456"),
                dissemination=rng.choice(["all", "all", "regional", "own"]),
                status="validated", classification=rng.choice([0, 1, 1, 2]))
            reports.append(report)
        kind = rng.random()
        if kind < 0.8:
            name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            schema, properties = "Person", {"name": [name], "birthDate": [
                f"{rng.randrange(1950, 2005)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"]}
        elif kind < 0.9:
            name = f"{rng.randrange(1000, 9999)} NG{rng.choice('ABCDEFGH')}"
            schema, properties = "Vehicle", {"registrationNumber": [name.replace(" ", "")]}
        else:
            name = f"+2279{rng.randrange(1_000_000, 9_999_999)}"
            schema, properties = "Phone", {"number": [name]}
        entity = Entity(id=uuid.uuid4(), schema=schema, properties=properties, caption=name,
                        origin_id=report.id, owner_id=report.owner_id,
                        dissemination=report.dissemination, status="validated",
                        classification=report.classification)
        entities.append(entity)
        mentions.append(Mention(report_id=report.id, entity_id=entity.id, role="suspect"))
        words.extend(SearchToken(token=token, entity_id=entity.id) for token in tokens(name))
        if len(entities) >= batch:
            flush()
    flush()


def run(n: int, database: str | None, repeat: int, data_dir: str | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="pcms-bench-") as folder:
        setup_django(database, data_dir or folder, PCMS_HTTPS="false",
                     PCMS_ALLOWED_HOSTS="testserver", PCMS_STATIC_MANIFEST="false",
                     PCMS_BULK_READS_PER_HOUR="100000000")
        from django.contrib.auth.models import Group
        from django.db import connection
        from django.test import Client
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from pcms.accounts.models import User
        from pcms.records.models import Entity, Report
        from pcms.records.visibility import readable
        from pcms.reference.models import Platform

        started = time.perf_counter()
        if Entity.objects.count() < n:  # a kept --data-dir or --keep database is filled once
            fill(n)
            with connection.cursor() as cursor:  # as autovacuum leaves a running node
                cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        fill_s = time.perf_counter() - started
        officer, _new = User.objects.get_or_create(
            username="bench", defaults={"platform": Platform.objects.get(code="NE")})
        officer.groups.add(Group.objects.get(name="officer"))
        device = TOTPDevice.objects.create(user=officer, name="bench", confirmed=True)
        client = Client()
        client.force_login(officer)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        reports = list(readable(Report.objects.all(), officer).values_list("pk", flat=True)[:repeat])
        entities = list(readable(Entity.objects.all(), officer).values_list("pk", flat=True)[:repeat])
        pages = {
            "report page": [f"/records/reports/{pk}/" for pk in reports],
            "entity page": [f"/records/entities/{pk}/" for pk in entities],
            "reports filtered by category and region": [
                f"/records/reports/?category={c}&region=NE-{r}" for c, r in
                zip(CATEGORIES * repeat, [1, 2, 3, 4, 5, 6, 7, 8] * repeat, strict=False)][:repeat],
            "reports filtered by category and period": [
                f"/records/reports/?category={c}&facts_after=2025-01-01&facts_before=2025-06-30"
                for c in CATEGORIES * repeat][:repeat],
            "entities searched by name": [f"/records/entities/?q={g}+{f.split()[0]}" for g, f in
                                          zip(GIVEN * repeat, FAMILY * repeat, strict=False)][:repeat],
        }
        timings = {}
        load_before = load_average()
        for name, urls in pages.items():
            client.get(urls[0])  # warm caches once, as a running node would be
            times, cpu_times = [], []
            for url in urls:
                begun, cpu, server = time.perf_counter(), time.process_time(), server_cpu(connection)
                response = client.get(url)
                times.append((time.perf_counter() - begun) * 1000)
                served = server_cpu(connection)
                server_share = served[1] - server[1] if served[0] == server[0] else 0.0
                cpu_times.append((time.process_time() - cpu + server_share) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
            timings[name] = (percentile(times, 0.5), percentile(times, 0.95),
                             percentile(cpu_times, 0.5), percentile(cpu_times, 0.95))
        return {"database": connection.vendor, "n": Entity.objects.count(),
                "reports": Report.objects.count(), "fill_s": fill_s, "timings": timings,
                "machine": machine(), "load_before": load_before, "load_after": load_average()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--database", help="postgres://... (created afresh, dropped after)")
    parser.add_argument("--data-dir", help="SQLite: keep the node in this folder and reuse it")
    parser.add_argument("--keep", action="store_true", help="PostgreSQL: keep and reuse the database")
    args = parser.parse_args(argv)
    if args.database:
        (ensure_postgres if args.keep else fresh_postgres)(args.database)
    try:
        out = run(args.n, args.database, args.repeat, args.data_dir)
    finally:
        if not args.keep:
            close_and_drop(args.database)
    m = out["machine"]
    print(f"{out['database']}: {out['n']:,} entities in {out['reports']:,} reports "
          f"(filled in {out['fill_s']:.0f} s); {m['cores']} cores, {m['memory']}, {m['cpu']}, "
          f"Python {m['python']}; load average {out['load_before']} before, "
          f"{out['load_after']} after")
    worst = 0.0
    for name, (p50, p95, cpu50, cpu95) in out["timings"].items():
        worst = max(worst, p95)
        print(f"  {name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
              f"(CPU: p50 {cpu50:.1f} ms, p95 {cpu95:.1f} ms)")
    sys.exit(0 if worst < 100 else 1)


if __name__ == "__main__":
    main()
