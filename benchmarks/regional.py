"""Screening and deduplication on a synthetic Sahel population.

    python -m benchmarks.regional --n 1000000

Builds a `MatchIndex` of N synthetic people (`pcms.matching.synthetic`, a
share of them re-entries of an earlier person), then:

* screens known variants of indexed people (other transliteration, Arabic
  script, surname first, dropped particle, typo; year-only date or day and
  month swapped) and reports latency p50/p95 and recall@10;
* deduplicates the whole index and reports time, precision and recall
  against the generator's truth;
* runs a brute-force rapidfuzz baseline (every query against every name,
  `process.cdist` with `token_sort_ratio`, all cores) on a sample of the
  queries, with the ratios.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process, utils

from pcms.matching import MatchIndex
from pcms.matching.synthetic import Person, generate_people, make_variant

from .common import cpu_seconds, load_average, machine, markdown_table, peak_rss_mb, percentile


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(
    n: int = 1_000_000,
    queries: int = 2000,
    baseline_queries: int = 20,
    seed: int = 0,
    dedupe: bool = True,
) -> dict[str, Any]:
    """Run the benchmark; returns the figures as a dict."""
    out: dict[str, Any] = {"n": n, "queries": queries, "seed": seed, "machine": machine()}
    rng = random.Random(seed + 1)
    chosen = set(rng.sample(range(n), queries))
    sample: list[Person] = []
    identity = np.zeros(n, dtype=np.int64)
    names: list[str] = []

    def stream() -> Iterator[tuple[str, dict[str, Any]]]:
        for i, person in enumerate(generate_people(n, seed=seed)):
            identity[i] = person.identity
            names.append(person.entity["properties"]["name"][0])
            if i in chosen:
                sample.append(person)
            yield person.id, person.entity

    # Generation and indexing are streamed: the index, not the generator's
    # objects, is what stays in memory.
    index = MatchIndex()
    start, cpu = time.perf_counter(), time.process_time()
    index.add_many(stream())
    index.search(sample[0].entity)  # merges the postings added
    out["build_s"] = time.perf_counter() - start
    out["build_cpu_s"] = time.process_time() - cpu
    out["index_memory_mb"] = index.memory_bytes() / 2**20
    out["rss_after_build_mb"] = peak_rss_mb()
    _log(f"built {n:,} in {out['build_s']:.1f} s")

    def same(entity_id: str, person: Person) -> bool:
        return bool(identity[int(entity_id[1:])] == person.identity)

    latencies: list[float] = []
    cpu_latencies: list[float] = []
    hits = 0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    workload = []
    rng.shuffle(sample)
    for person in sample:
        query, kinds = make_variant(person.entity, rng)
        workload.append((query, person))
        t0, c0 = time.perf_counter(), time.process_time()
        results = index.search(query, limit=10)
        latencies.append(time.perf_counter() - t0)
        cpu_latencies.append(time.process_time() - c0)
        found = any(same(eid, person) for eid, _ in results)
        hits += found
        for kind in kinds:
            by_kind[kind][0] += found
            by_kind[kind][1] += 1
    out["search_p50_ms"] = percentile(latencies, 0.5) * 1000
    out["search_p95_ms"] = percentile(latencies, 0.95) * 1000
    out["search_cpu_p50_ms"] = percentile(cpu_latencies, 0.5) * 1000
    out["search_cpu_p95_ms"] = percentile(cpu_latencies, 0.95) * 1000
    out["recall_at_10"] = hits / queries
    out["recall_by_variant"] = {k: v[0] / v[1] for k, v in sorted(by_kind.items())}
    _log(f"screened {queries} queries: recall@10 {out['recall_at_10']:.4f}")

    # Brute force: every query name against every name, C++ with all cores.
    processed = [utils.default_process(x) for x in names]
    base_lat: list[float] = []
    base_hits = 0
    for query, person in workload[:baseline_queries]:
        t0 = time.perf_counter()
        scores = process.cdist(
            [utils.default_process(query["properties"]["name"][0])],
            processed,
            scorer=fuzz.token_sort_ratio,
            workers=-1,
        )[0]
        best = np.argpartition(-scores, 10)[:10]
        base_lat.append(time.perf_counter() - t0)
        base_hits += any(identity[i] == person.identity for i in best.tolist())
    del processed
    ours = latencies[:baseline_queries]
    out["baseline_queries"] = len(base_lat)
    out["baseline_p50_ms"] = percentile(base_lat, 0.5) * 1000
    out["baseline_recall_at_10"] = base_hits / max(1, len(base_lat))
    out["ours_recall_at_10_same_sample"] = sum(
        any(same(e, p) for e, _ in index.search(q, limit=10)) for q, p in workload[:baseline_queries]
    ) / max(1, len(base_lat))
    out["speedup_vs_baseline"] = percentile(base_lat, 0.5) / max(1e-9, percentile(ours, 0.5))

    if dedupe:
        counts = np.bincount(identity)
        true_pairs = int((counts * (counts - 1) // 2).sum())
        start, cpu = time.perf_counter(), cpu_seconds()
        found = correct = 0
        for a, b, _ in index.dedupe():
            found += 1
            correct += bool(identity[int(a[1:])] == identity[int(b[1:])])
        out["dedupe_s"] = time.perf_counter() - start
        out["dedupe_cpu_s"] = cpu_seconds() - cpu
        out["dedupe_pairs_found"] = found
        out["dedupe_true_pairs"] = true_pairs
        out["dedupe_precision"] = correct / max(1, found)
        out["dedupe_recall"] = correct / max(1, true_pairs)
        _log(f"deduplicated in {out['dedupe_s']:.1f} s")
    out["peak_rss_mb"] = peak_rss_mb()
    out["machine"]["load"] = load_average()  # over the last minutes of the run
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="people in the index")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--baseline-queries", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-dedupe", action="store_true")
    args = parser.parse_args()
    print(report(run(args.n, args.queries, args.baseline_queries, args.seed, not args.no_dedupe)))


def report(r: dict[str, Any]) -> str:
    """The figures of `run()` as Markdown: machine, load, and one row per measure."""
    m = r["machine"]
    head = (
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM, Python {m['python']}, "
        f"load average {m['load']}\n"
        f"N = {r['n']:,} synthetic people, {r['queries']} variant queries, seed {r['seed']}\n\n"
    )
    rows = [
        (
            "generate and build index",
            f"{r['build_s']:.1f} s (CPU {r['build_cpu_s']:.1f} s)",
            f"index {r['index_memory_mb']:.0f} MiB; process RSS {r['rss_after_build_mb']:.0f} MiB",
        ),
        (
            "search p50 / p95",
            f"{r['search_p50_ms']:.2f} / {r['search_p95_ms']:.2f} ms",
            f"CPU time per query: {r['search_cpu_p50_ms']:.2f} / {r['search_cpu_p95_ms']:.2f} ms",
        ),
        ("recall@10", f"{r['recall_at_10']:.4f}", ""),
    ]
    rows += [(f"recall@10, {k}", f"{v:.4f}", "") for k, v in r["recall_by_variant"].items()]
    rows.append(
        (
            f"rapidfuzz brute force ({r['baseline_queries']} queries)",
            f"{r['baseline_p50_ms']:.0f} ms p50",
            f"recall@10 {r['baseline_recall_at_10']:.2f} (ours on the same: "
            f"{r['ours_recall_at_10_same_sample']:.2f}); ours {r['speedup_vs_baseline']:.0f}x faster",
        )
    )
    if "dedupe_s" in r:
        rows.append(
            (
                "dedupe whole index",
                f"{r['dedupe_s']:.1f} s (CPU {r['dedupe_cpu_s']:.1f} s, 2 processes)",
                f"{r['dedupe_pairs_found']:,} pairs, precision {r['dedupe_precision']:.4f}, "
                f"recall {r['dedupe_recall']:.4f} of {r['dedupe_true_pairs']:,}",
            )
        )
    rows.append(("peak memory (RSS)", f"{r['peak_rss_mb']:.0f} MiB", "whole process, all steps"))
    return head + markdown_table(rows, ("measure", "value", "note"))


if __name__ == "__main__":
    main()
