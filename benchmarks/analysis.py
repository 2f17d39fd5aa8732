"""Analysis on a big node: the dashboard over 1,000,000 reports, the network of a 200-neighbour entity.

    python -m benchmarks.analysis                    # SQLite, 1,000,000 reports
    python -m benchmarks.analysis --database postgres://postgres@127.0.0.1:5432/pcms_bench
    (--data-dir DIR for SQLite, --keep for PostgreSQL: fill once, measure again later)

Fills a fresh node with N synthetic reports from the five national platforms over five years
(written in bulk: half released to all member states, some to the regional platform or to named
states, some kept at home, most validated; each due for review four years after its facts), and an
entity graph: one person linked to 200 others (each with a relation entity, a vehicle and the
report that mentions them), among 100,000 background entities and links. Then counts every month
ahead (`pcms.analysis.counts.fold`, timed), and times, as the regional analyst and as a national
officer, the dashboard's figures (the last twelve months, five years, one category; and five years
counted report by report, for comparison), the map's markers, and the network view around the
200-neighbour person: wall and CPU-time p50 and p95 over repeated runs, with the load average.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from datetime import timedelta
from typing import Any

from .common import cpu_seconds, load_average, machine, percentile
from .node import close_and_drop, fresh_postgres, setup_django

CATEGORIES = ["terrorism", "terrorist_financing", "arms_trafficking", "drug_trafficking",
              "smuggling", "kidnapping", "cybercrime", "border_incident", "other"]
DISSEMINATION = (["all", "regional", "named", "own"], [50, 20, 15, 15])


REVIEW_AFTER = timedelta(days=4 * 365)


def timed(function, repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of this process (the database server's CPU is not in it)."""
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), cpu_seconds()
        function()
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((cpu_seconds() - cpu) * 1000)
    return walls, cpus


def due_for_review() -> None:
    """Reports filled before review dates were part of this benchmark get theirs, once; those
    that the network's persons are mentioned in keep none, so that its 200 neighbours show."""
    from django.db import connection
    from django.db.models import F

    from pcms.records.models import Mention, Report

    changed = 0
    if not Report.objects.filter(review_due__isnull=False).exists():
        changed += Report.objects.update(review_due=F("facts_date") + REVIEW_AFTER)
    changed += Report.objects.filter(pk__in=Mention.objects.values("report_id"),
                                     review_due__isnull=False).update(review_due=None)
    if changed:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def fill_reports(n: int, rng: random.Random, batch: int = 10_000) -> None:
    from django.utils import timezone

    from pcms.analysis import geo
    from pcms.records.models import Report
    from pcms.reference.models import Platform, Region

    platforms = list(Platform.objects.filter(is_regional=False))
    codes = [p.code for p in platforms]
    regions = {code: list(Region.objects.filter(country_id=code).values_list("code", flat=True))
               for code in codes}
    towns = {code: list(geo.towns().get(code, {})) for code in codes}
    today = timezone.localdate()
    through = Report.recipients.through
    rows, links = [], []
    for number in range(n):
        owner = platforms[number % len(platforms)]
        dissemination = rng.choices(*DISSEMINATION)[0]
        report = Report(
            id=uuid.UUID(int=rng.getrandbits(128), version=4), reference=f"{owner.code}-B-{number:08d}",
            title="Rapport fictif de charge", owner_id=owner.pk, dissemination=dissemination,
            status="validated" if rng.random() < 0.85 else rng.choice(["draft", "submitted"]),
            classification=rng.choice([0, 1, 1, 2]), category=rng.choice(CATEGORIES),
            facts_date=(facts := today - timedelta(days=rng.randrange(5 * 365))),
            review_due=facts + REVIEW_AFTER,
            country_id=owner.country_id, region_id=rng.choice(regions[owner.country_id]),
            place=rng.choice(towns[owner.country_id]) if rng.random() < 0.7 else "",
            source_reliability="B", credibility="2")
        rows.append(report)
        if dissemination == "named":
            for other in rng.sample([p for p in platforms if p.pk != owner.pk], 2):
                links.append(through(report_id=report.id, platform_id=other.pk))
        if len(rows) == batch:
            Report.objects.bulk_create(rows)
            through.objects.bulk_create(links)
            rows, links = [], []
    Report.objects.bulk_create(rows)
    through.objects.bulk_create(links)


def fill_graph(rng: random.Random, neighbours: int = 200, background: int = 100_000,
               batch: int = 10_000):
    """A person with `neighbours` associates, and `background` other entities and links."""
    from pcms.records.models import Entity, Link, Mention, Report
    from pcms.reference.models import Platform

    niger = Platform.objects.get(code="NE")
    handling = {"owner_id": niger.pk, "dissemination": "all", "status": "validated",
                "classification": 1}

    def entity(schema: str, caption: str) -> Entity:
        return Entity(id=uuid.uuid4(), schema=schema, caption=caption,
                      properties={"name": [caption]}, **handling)

    reports = list(Report.objects.filter(owner=niger, dissemination="all", status="validated",
                                         classification__lte=1).values_list("id", flat=True)[:neighbours])
    hub = entity("Person", "Personne centrale fictive")
    entities, links, mentions = [hub], [], []
    for index in range(neighbours):
        person, vehicle = entity("Person", f"Associé fictif {index}"), entity("Vehicle", f"{index} NE B")
        associate, ownership = entity("Associate", "Associate"), entity("Ownership", "Ownership")
        entities += [person, vehicle, associate, ownership]
        links += [Link(source_id=hub.id, target_id=person.id, via_id=associate.id, label="Associate"),
                  Link(source_id=person.id, target_id=vehicle.id, via_id=ownership.id, label="Ownership")]
        mentions += [Mention(report_id=reports[index % len(reports)], entity_id=hub.id, role="suspect"),
                     Mention(report_id=reports[index % len(reports)], entity_id=person.id, role="suspect")]
    Entity.objects.bulk_create(entities, batch_size=batch)
    Link.objects.bulk_create(links, batch_size=batch)
    Mention.objects.bulk_create(mentions, batch_size=batch, ignore_conflicts=True)
    ids: list[uuid.UUID] = []
    rows: list = []
    for index in range(background):
        item = entity("Person", f"Personne fictive {index}")
        rows.append(item)
        ids.append(item.id)
        if len(rows) == batch:
            Entity.objects.bulk_create(rows)
            rows = []
    Entity.objects.bulk_create(rows)
    rows = []
    for _ in range(background):
        source, target = rng.sample(ids, 2)
        rows.append(Link(source_id=source, target_id=target, via_id=source, label="UnknownLink"))
        if len(rows) == batch:
            Link.objects.bulk_create(rows)
            rows = []
    Link.objects.bulk_create(rows)
    return hub


def run(n: int, database: str | None, repeat: int, data_dir: str | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="pcms-bench-") as folder:
        setup_django(database, data_dir or folder)
        from django.contrib.auth.models import Group
        from django.db import connection

        from pcms.accounts.models import User
        from pcms.analysis import counts, dashboard, maps, network, stats
        from pcms.records.models import Entity, Report
        from pcms.reference.models import Platform

        rng = random.Random(3)  # noqa: S311 - synthetic load
        started = time.perf_counter()
        if Report.objects.count() < n:  # a kept --data-dir or --keep database is filled once
            fill_reports(n, rng)
            fill_graph(rng)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        due_for_review()
        hub = Entity.objects.get(caption="Personne centrale fictive")
        fill_s = time.perf_counter() - started
        started, cpu = time.perf_counter(), cpu_seconds()
        folded = counts.fold()
        fold_s, fold_cpu = time.perf_counter() - started, cpu_seconds() - cpu

        def user(name: str, role: str, code: str) -> User:
            account, _created = User.objects.get_or_create(
                username=name, defaults={"platform": Platform.objects.get(code=code)})
            account.groups.add(Group.objects.get(name=role))
            return User.objects.get(pk=account.pk)

        analyst, officer = user("analyst", "analyst", "RG"), user("officer", "officer", "NE")
        year = stats.default_filters()
        five = stats.Filters(start=year.end - timedelta(days=5 * 365), end=year.end)
        one = stats.Filters(start=year.start, end=year.end, category="kidnapping")
        cases = {
            "dashboard, 12 months, regional analyst": lambda: dashboard.build(analyst, year),
            "dashboard, 12 months, national officer": lambda: dashboard.build(officer, year),
            "dashboard, 5 years, regional analyst": lambda: dashboard.build(analyst, five),
            "dashboard, 5 years, national officer": lambda: dashboard.build(officer, five),
            "5 years counted report by report, regional analyst": lambda: stats.exact_figures(
                analyst, five),
            "dashboard, one category, regional analyst": lambda: dashboard.build(analyst, one),
            "map markers (2,000 latest), regional analyst": lambda: maps.report_markers(
                stats.reports_for(analyst, year)),
            "network, 2 steps (600 nodes at most), regional analyst": lambda: network.ego(
                hub, analyst, depth=2),
            "network, 200 neighbours, regional analyst": lambda: network.ego(hub, analyst),
            "network, 200 neighbours, national officer": lambda: network.ego(hub, officer),
        }
        board = dashboard.build(analyst, year)
        for counted in (board.figures, stats.dashboard_figures(officer, five)):
            exact = stats.exact_figures(analyst if counted is board.figures else officer, counted.filters)
            assert [sorted(map(tuple, table.rows)) for table in counted.tables()] == [
                sorted(map(tuple, table.rows)) for table in exact.tables()], "counts ahead differ"
        graph = network.ego(hub, analyst)
        results = {}
        load_before = load_average()
        for name, case in cases.items():
            case()  # warm the caches once
            walls, cpus = timed(case, repeat)
            results[name] = (percentile(walls, 0.5), percentile(walls, 0.95), percentile(cpus, 0.95))
        return {"database": connection.vendor, "n": n, "fill_s": fill_s, "results": results,
                "fold": (folded, fold_s, fold_cpu), "load": (load_before, load_average()),
                "reports_year": board.figures.total, "graph_nodes": len(graph.nodes),
                "graph_edges": len(graph.edges), "machine": machine()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database", help="postgres://... (created afresh, dropped after)")
    parser.add_argument("--data-dir", help="SQLite: keep the node in this folder and reuse it")
    parser.add_argument("--keep", action="store_true", help="PostgreSQL: keep and reuse the database")
    args = parser.parse_args(argv)
    if args.database and not args.keep:
        fresh_postgres(args.database)
    try:
        out = run(args.n, args.database, args.repeat, args.data_dir)
    finally:
        if not args.keep:
            close_and_drop(args.database)
    m = out["machine"]
    print(f"{out['database']}: {out['n']:,} reports (filled in {out['fill_s']:.0f} s); "
          f"{m['cores']} cores, {m['memory']}, {m['cpu']}, Python {m['python']}")
    print(f"  the analyst reads {out['reports_year']:,} reports of the last twelve months; "
          f"network: {out['graph_nodes']} nodes, {out['graph_edges']} edges")
    folded, fold_s, fold_cpu = out["fold"]
    print(f"  {folded} months and categories counted ahead in {fold_s:.1f} s ({fold_cpu:.1f} s CPU here)")
    print(f"  load average (1/5/15 min) {out['load'][0]} before, {out['load'][1]} after the timings")
    for name, (p50, p95, cpu95) in out["results"].items():
        print(f"  {name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms (CPU p95 {cpu95:.0f} ms)")


if __name__ == "__main__":
    main()
