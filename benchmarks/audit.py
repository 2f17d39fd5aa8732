"""The audit trail as it grows: appending stays constant-time, queries stay indexed.

    python -m benchmarks.audit                    # SQLite, 1,000,000 entries
    python -m benchmarks.audit --database postgres://postgres@127.0.0.1:5432/pcms_bench

Fills the trail with N chained entries (written in bulk, as the chain would have written them),
then measures what users do on a big trail: appending one entry through the normal path (lock the
head, hash, insert), the data protection officer's searches (one user's last 30 days, everything
about one object, one action over a week), and `pcms audit verify` over the whole chain.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from .common import machine, percentile
from .node import close_and_drop, fresh_postgres, setup_django

ACTIONS = ["read", "read", "read", "search", "create", "update", "export", "login"]


def fill(n: int, users: list, batch: int = 20_000) -> None:
    from pcms.audit.models import AuditEntry, AuditHead, entry_hash

    rng = random.Random(1)  # noqa: S311 - synthetic load
    head = AuditHead.objects.get(pk=1)
    previous = head.last_hash
    start = datetime.now(UTC) - timedelta(days=365)
    rows = []
    for number in range(n):
        user = users[number % len(users)]
        fields = {
            "prev_hash": previous,
            "at": start + timedelta(seconds=number * 30),
            "actor_id": user.pk,
            "actor_username": user.username,
            "platform": "NE",
            "action": rng.choice(ACTIONS),
            "object_type": "records.entity",
            "object_id": str(rng.randrange(200_000)),
            "ip_address": "10.0.0.1",
            "path": "/records/entities/",
            "detail": {},
        }
        digest = entry_hash(**fields)
        fields["hash"] = digest
        rows.append(AuditEntry(**fields))
        previous = digest
        if len(rows) == batch:
            AuditEntry.objects.bulk_create(rows)
            rows = []
    AuditEntry.objects.bulk_create(rows)
    last = AuditEntry.objects.order_by("-id").first()
    AuditHead.objects.filter(pk=1).update(last_id=last.pk, last_hash=last.hash)


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def run(n: int, database: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="pcms-bench-") as folder:
        setup_django(database, folder)
        from django.db import connection

        from pcms.accounts.models import User
        from pcms.audit.choices import AuditAction
        from pcms.audit.models import AuditEntry
        from pcms.audit.services import record, verify
        from pcms.reference.models import Platform

        niger = Platform.objects.get(code="NE")
        users = [User.objects.create(username=f"user{i}", platform=niger) for i in range(50)]
        empty_append = timed(
            lambda: record(AuditAction.READ, actor=users[0], object_type="records.entity", object_id="1"), 200
        )
        started = time.perf_counter()
        fill(n, users)
        fill_s = time.perf_counter() - started
        full_append = timed(
            lambda: record(AuditAction.READ, actor=users[0], object_type="records.entity", object_id="1"), 200
        )
        since = datetime.now(UTC) - timedelta(days=30)
        week = datetime.now(UTC) - timedelta(days=7)
        queries = {
            "one user, last 30 days (first 50)": lambda: list(
                AuditEntry.objects.filter(actor=users[7], at__gte=since).order_by("-at")[:50]
            ),
            "one object, all time": lambda: list(
                AuditEntry.objects.filter(object_type="records.entity", object_id="4242")
            ),
            "exports over a week (first 50)": lambda: list(
                AuditEntry.objects.filter(action="export", at__gte=week).order_by("-at")[:50]
            ),
        }
        query_ms = {name: percentile(timed(q, 30), 0.95) for name, q in queries.items()}
        started = time.perf_counter()
        count, breaks = verify()
        verify_s = time.perf_counter() - started
        return {
            "database": connection.vendor,
            "n": n,
            "fill_s": fill_s,
            "append_empty_p95_ms": percentile(empty_append, 0.95),
            "append_full_p95_ms": percentile(full_append, 0.95),
            "query_p95_ms": query_ms,
            "verify_s": verify_s,
            "verified": count,
            "intact": not breaks,
            "machine": machine(),
        }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--database", help="postgres://... (created afresh, dropped after)")
    args = parser.parse_args(argv)
    if args.database:
        fresh_postgres(args.database)
    try:
        out = run(args.n, args.database)
    finally:
        close_and_drop(args.database)
    m = out["machine"]
    print(
        f"{out['database']}: {out['n']:,} audit entries; {m['cores']} cores, {m['memory']}, "
        f"{m['cpu']}, Python {m['python']}"
    )
    print(
        f"  append p95: {out['append_empty_p95_ms']:.2f} ms on an empty trail, "
        f"{out['append_full_p95_ms']:.2f} ms on the full trail "
        f"(ratio {out['append_full_p95_ms'] / out['append_empty_p95_ms']:.2f})"
    )
    for name, value in out["query_p95_ms"].items():
        print(f"  {name}: p95 {value:.1f} ms")
    print(f"  verify: {out['verified']:,} entries in {out['verify_s']:.1f} s, intact={out['intact']}")
    sys.exit(0 if out["intact"] else 1)


if __name__ == "__main__":
    main()
