"""`MatchIndex`: screening and deduplication over many records.

Design
------
* Every record gets a row number. The entity is kept as compact JSON bytes
  (about 250 bytes a person); its prepared form (`Record`) is rebuilt on
  demand and cached.
* Blocking keys (`keys.py`) go into an inverted index made of two numpy
  arrays sorted by key: `keys` (uint64) and `rows` (int32), i.e. a CSR
  posting list. A lookup is a binary search (`np.searchsorted`). Records
  added since the last merge sit in a small dict of postings and are merged
  into the arrays in bulk.
* A search gathers the postings of the query's keys, skips keys that are too
  common to discriminate (more than `max_postings` rows), ranks the rows by
  the summed weight of the keys they share and what birth date, sex and
  nationality weigh, and runs the full comparison on the rows among the
  best `candidates` that could still be a match (`_hopeful`); when none of
  them matches (weak evidence: a typo and a year-only date), on as many more
  hopeful rows among `WIDER_POOL` times as many; then on the best others,
  until `limit` candidates are listed.
* Removal marks the row dead; dead rows are filtered out of results and
  dropped from the arrays when the index is saved.
* Deduplication walks the posting lists block by block, generates the pairs
  of each block with numpy, and compares the pairs that could reach the
  threshold given their facts and the keys they share (`_plausible`).

Persistence
-----------
`MatchIndex(path)` keeps the index in a directory: a snapshot (`snapshot-N/`:
numpy arrays, the vocabulary, the entities as JSON lines) and an append-only
journal (`journal-N.jsonl`) of the additions and removals made since. The
file `CURRENT` names the live generation and is replaced atomically by
`save()`, which writes a fresh snapshot and starts an empty journal. Opening
replays the journal after loading the snapshot, so no change is lost between
two saves. One process writes; others may call `refresh()` to read the
journal entries appended since they opened it.

Thread safety: every public method takes the index's lock.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .dates import LEVEL_ORDER
from .features import Record, compare_features, compatible, prepare
from .keys import (
    ADDRESS,
    CODE,
    CODE_NEAR,
    NAME_PAIR,
    NAME_PAIR_YEAR,
    SINGLE,
    TOKEN_DATE,
    TOKEN_INITIAL,
    TOKEN_YEAR,
    WEIGHTS,
    record_keys,
)
from .match import compare
from .score import ScoringModel, default_model
from .train import estimate
from .types import EntityData, InvalidEntity, MatchResult

FORMAT_VERSION = 1
#: The generation of blocking keys (`keys.py`) and facts (`_facts`); an index
#: saved with another one derives them anew from its entities when opened.
KEYS_VERSION = 2
#: When none of the first `candidates` rows matches (a typo and a year-only
#: date, say), a search looks for hopeful rows among this many times as many.
WIDER_POOL = 8
#: A search ranks by birth date, sex and nationality only the rows that share
#: the most key weight with the query, this many (a common name has thousands).
PRESELECTED = 2000
#: Key types that imply the whole name may agree (for the dedupe pre-filter), as a bit mask.
_WHOLE_NAME_MASK = sum(1 << k for k in (NAME_PAIR, NAME_PAIR_YEAR, SINGLE, CODE))
#: Key types made of name words, as a bit mask.
_NAME_MASK = sum(1 << k for k in (NAME_PAIR, NAME_PAIR_YEAR, TOKEN_YEAR, TOKEN_DATE, TOKEN_INITIAL, SINGLE))
#: Key types made of identifiers and other codes, as a bit mask.
_CODE_MASK = (1 << CODE) | (1 << CODE_NEAR)
#: Facts kept per row for the vectorised pre-filter: birth year, month, day,
#: sex, nationality, has an address, and the month and day as typed (MMDD).
_FACTS = 7
_MAX_WORDS = 1 << 22
_WEIGHT_TABLE = np.zeros(16, dtype=np.int32)
for _type, _weight in WEIGHTS.items():
    _WEIGHT_TABLE[_type] = _weight


def _json_bytes(value: str) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def _facts(record: Record) -> tuple[int, ...]:
    """Birth date, sex and nationality as small integers (0: unknown; year -1: several dates)."""
    year = month = day = typed = sex = country = 0
    if len(record.birth_dates) == 1:
        date = record.birth_dates[0]
        year, month, day = date.year, date.month or 0, date.day or 0
        # Kept even when unreadable ("1940-27-04"): it may be one typing error away.
        typed = int(date.digits[4:]) if date.digits else 0
    elif len(record.birth_dates) > 1:
        year = -1
    if len(record.genders) == 1:
        sex = {"male": 1, "female": 2}.get(next(iter(record.genders)), 0)
    if len(record.countries) == 1:
        code = next(iter(record.countries))
        if len(code) == 2 and code.isalpha() and code.isascii():
            country = (ord(code[0]) - 96) * 32 + ord(code[1]) - 96
    return year, month, day, sex, country, int(bool(record.addresses)), typed


#: Whether a difference between two numbers of four digits can come from one
#: digit changed (c * 10^k) or two adjacent digits swapped (9 * c * 10^k);
#: carries make the converse untrue, hence the check digit by digit after it.
_TYPO_DIFFERENCE = np.zeros(10_000, dtype=bool)
_TYPO_DIFFERENCE[
    [c * m * 10**k for c in range(1, 10) for m in (1, 9) for k in range(4) if c * m * 10**k < 10_000]
] = True


def _one_typo_apart(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Are two numbers of four digits one substitution or one adjacent swap apart?"""
    x, y = np.broadcast_arrays(x.astype(np.int32), y.astype(np.int32))
    out = x == y
    maybe = np.flatnonzero(_TYPO_DIFFERENCE[np.minimum(np.abs(x - y), 9_999)])
    if len(maybe):
        xs, ys = x[maybe], y[maybe]
        dx = [(xs // 10**k) % 10 for k in range(4)]
        dy = [(ys // 10**k) % 10 for k in range(4)]
        same = [a == b for a, b in zip(dx, dy, strict=True)]
        differ = 4 - sum(v.astype(np.int8) for v in same)
        swapped = np.zeros(len(maybe), bool)
        for k in range(3):
            swapped |= (dx[k] == dy[k + 1]) & (dx[k + 1] == dy[k]) & ~same[k]
        out[maybe] = (differ <= 1) | ((differ == 2) & swapped)
    return out


def _date_typo(ya: np.ndarray, ta: np.ndarray, yb: np.ndarray, tb: np.ndarray) -> np.ndarray:
    """Are two dates as typed (year, MMDD) one typing error apart as eight digits?"""
    # Within the year, within MMDD, or the last digit of the year swapped with the first of the month.
    across = (ya // 10 == yb // 10) & (ta % 1000 == tb % 1000)
    across &= (ya % 10 == tb // 1000) & (ta // 1000 == yb % 10)
    return ((ya == yb) & _one_typo_apart(ta, tb)) | ((ta == tb) & _one_typo_apart(ya, yb)) | across


def date_levels(fa: np.ndarray, fb: np.ndarray) -> np.ndarray:
    """The level `dates.compare_dates` gives, per pair of fact rows, as an index
    into `LEVEL_ORDER` (-1: no date on one side; -2: several dates, any level)."""
    ya, ma, da, ta = (fa[:, i] for i in (0, 1, 2, 6))
    yb, mb, db, tb = (fb[:, i] for i in (0, 1, 2, 6))
    exact, swapped, compatible, close, different = range(5)
    full_a, full_b = da > 0, db > 0
    both_full = full_a & full_b
    same_year = ya == yb
    near_year = np.abs(ya - yb) == 1
    typo = (ta > 0) & (tb > 0) & (full_a | full_b) & _date_typo(ya, ta, yb, tb)
    full_level = np.where((ma == mb) & (da == db) & near_year, close, different)
    partial_same_year = np.where((ma == 0) | (mb == 0) | (ma == mb), compatible, different)
    year_typo = near_year | _one_typo_apart(ya, yb)
    partial_other_year = np.where((ma == mb) & (da == db) & (ma > 0) & year_typo, close, different)
    partial = np.where(same_year, partial_same_year, partial_other_year)
    level = np.where(both_full, full_level, partial)
    level = np.where(typo, close, level)
    level = np.where(both_full & same_year & (ma == db) & (da == mb), swapped, level)
    level = np.where(both_full & same_year & (ma == mb) & (da == db), exact, level)
    level = np.where((ya == 0) | (yb == 0), -1, level)
    return np.where((ya < 0) | (yb < 0), -2, level)


#: The index whose pairs forked dedupe workers compare (set only during `dedupe`).
_FORKED: MatchIndex | None = None


def _compare_forked(pairs: np.ndarray) -> list[tuple[str, str, MatchResult]]:
    assert _FORKED is not None
    return _FORKED._compare_pairs(pairs)


@dataclass(frozen=True)
class _Blocks:
    """Live postings (`keys`, `rows`), the start of each block by block size, and
    the tasks of `_block_pairs`: (block size, first and last block of that size)."""

    keys: np.ndarray
    rows: np.ndarray
    groups: dict[int, np.ndarray]
    tasks: list[tuple[int, int, int]]


#: The blocks whose pairs forked dedupe workers generate (set only during `dedupe`).
_FORKED_BLOCKS: _Blocks | None = None


def _block_pairs_forked(task: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    assert _FORKED is not None and _FORKED_BLOCKS is not None
    return _FORKED._block_pairs(_FORKED_BLOCKS, task, True)


class MatchIndex:
    """An index of entities for screening (`search`) and deduplication (`dedupe`)."""

    #: An index of fewer rows than this is deduplicated in this process alone.
    parallel_threshold = 50_000

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        region: str | None = None,
        model: ScoringModel | None = None,
        candidates: int = 30,
        max_postings: int = 20_000,
        cache_size: int = 100_000,
    ) -> None:
        """Create an index in memory, or open (or create) one kept in `path`.

        `region` is the default country for phone numbers; `candidates` is how
        many rows get the full comparison per search; keys with more than
        `max_postings` rows are too common to be used alone.
        """
        self.region = region
        self._fixed_model = model
        self.model = model or default_model()
        self.candidates = candidates
        self.max_postings = max_postings
        self._cache_size = cache_size
        self._lock = threading.RLock()
        self._ids: list[str | None] = []
        self._docs: list[bytes | None] = []
        self._rows: dict[str, int] = {}
        self._alive = np.zeros(0, dtype=bool)
        self._facts = np.zeros((0, _FACTS), dtype=np.int16)
        self._words: dict[str, int] = {}
        self._keys = np.zeros(0, dtype=np.uint64)
        self._key_rows = np.zeros(0, dtype=np.int32)
        self._delta: dict[int, list[int]] = defaultdict(list)
        self._delta_size = 0
        self._records: dict[int, Record] = {}
        self.path = Path(path) if path is not None else None
        self._generation = 0
        self._journal_offset = 0
        self._journal: Any = None
        self._torn = False
        if self.path is not None:
            self._open()

    # -- public API --------------------------------------------------------

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._rows

    def get(self, entity_id: str) -> dict[str, Any] | None:
        """The entity stored under `entity_id`, or None."""
        with self._lock:
            row = self._rows.get(entity_id)
            return None if row is None else json.loads(self._docs[row] or b"null")

    def add(self, entity_id: str, entity: EntityData) -> None:
        """Add or replace one entity. Raises `InvalidEntity` if it cannot be read."""
        self.add_many([(entity_id, entity)])

    def add_many(self, items: Iterable[tuple[str, EntityData]]) -> int:
        """Add or replace many entities; returns how many were added.

        All entities are validated before the index changes: one invalid
        entity raises `InvalidEntity` and nothing is added.
        """
        with self._lock:
            batch: list[tuple[str, bytes, Record]] = []
            for entity_id, entity in items:
                if not isinstance(entity_id, str) or not entity_id:
                    raise InvalidEntity(f"entity id must be a non-empty string: {entity_id!r}")
                record = prepare(entity, self.region)
                doc = json.dumps(entity, ensure_ascii=False, separators=(",", ":")).encode()
                batch.append((entity_id, doc, record))
            for entity_id, doc, record in batch:
                self._insert(entity_id, doc, record)
                self._log(b'{"op":"add","id":%s,"entity":%s}' % (_json_bytes(entity_id), doc))
            self._flush_journal()
            if self._delta_size > 200_000:
                self._merge()
            return len(batch)

    def remove(self, entity_id: str) -> bool:
        """Remove an entity; returns False if it was not there."""
        with self._lock:
            if entity_id not in self._rows:
                return False
            self._delete(entity_id)
            self._log(b'{"op":"remove","id":%s}' % _json_bytes(entity_id))
            self._flush_journal()
            return True

    def search(
        self, entity: EntityData | Record, limit: int = 10, *, matches_only: bool = False
    ) -> list[tuple[str, MatchResult]]:
        """The best `limit` candidates for `entity`, best first.

        Every candidate carries its full `MatchResult`; with `matches_only`
        those below the model's threshold are left out.
        """
        query = prepare(entity, self.region)
        with self._lock:
            rows, hopeful = self._candidate_rows(query, self.candidates * WIDER_POOL)
            ranked = rows.tolist()
            # The rows that could be a match among the best `candidates`; if none
            # is one, among the next ones too; then the best others, to fill the list.
            first = [r for r, h in zip(ranked[: self.candidates], hopeful.tolist(), strict=False) if h]
            results = self._compare_query(query, first, matches_only)
            if not any(r.is_match for _, r in results):
                wider = [r for r, h in zip(ranked, hopeful.tolist(), strict=True) if h]
                wider = wider[len(first) : len(first) + self.candidates]
                results += self._compare_query(query, wider, matches_only)
            if not matches_only and len(results) < limit:
                others = [r for r, h in zip(ranked, hopeful.tolist(), strict=True) if not h]
                results += self._compare_query(query, others[: limit - len(results)], False)
        results.sort(key=lambda item: -item[1].score)
        return results[:limit]

    def _compare_query(
        self, query: Record, rows: list[int], matches_only: bool
    ) -> list[tuple[str, MatchResult]]:
        results = []
        for row in rows:
            record = self._record(row)
            if compatible(query, record):
                result = compare(query, record, model=self.model)
                if result.is_match or not matches_only:
                    results.append((self._ids[row] or "", result))
        return results

    def dedupe(
        self, *, max_block: int = 200, workers: int | None = None
    ) -> Iterator[tuple[str, str, MatchResult]]:
        """Pairs of stored entities that match, as (id_a, id_b, result).

        Candidates are the pairs sharing a blocking key in a block of at most
        `max_block` rows that pass the pre-filter (`_plausible`); they get the
        full comparison, spread over `workers` forked processes (default: one
        per core; where fork is unavailable, in this process).
        """
        global _FORKED, _FORKED_BLOCKS
        with self._lock:
            self._merge()
            blocks = self._blocks(max_block)
            workers = workers or os.cpu_count() or 1
            methods = multiprocessing.get_all_start_methods()
            small = len(self._ids) < self.parallel_threshold
            if workers < 2 or small or "fork" not in methods:
                found = [self._block_pairs(blocks, task, True) for task in blocks.tasks]
                yield from self._compare_pairs(self._pairs_of(found, True))
                return
            _FORKED, _FORKED_BLOCKS = self, blocks
            try:
                context = multiprocessing.get_context("fork")
                with context.Pool(workers) as pool:
                    # Both steps in the worker processes: the blocks' pairs, then
                    # the full comparison of those left after the second pass.
                    found = pool.map(_block_pairs_forked, blocks.tasks)
                    pairs = self._pairs_of(found, True)
                    del found
                    chunks = np.array_split(pairs, workers * 16)
                    for batch in pool.imap_unordered(_compare_forked, chunks):
                        yield from batch
            finally:
                _FORKED = _FORKED_BLOCKS = None

    def _compare_pairs(self, pairs: np.ndarray) -> list[tuple[str, str, MatchResult]]:
        # Each row once, however many pairs it is in (a common name is in many).
        records = {row: self._record(row) for row in np.unique(pairs).tolist()}
        out = []
        for a, b in pairs.tolist():
            ra, rb = records[a], records[b]
            if compatible(ra, rb):
                result = compare(ra, rb, model=self.model)
                if result.is_match:
                    out.append((self._ids[a] or "", self._ids[b] or "", result))
        return out

    def fit(self, *, max_pairs: int = 50_000, iterations: int = 25, seed: int = 0) -> ScoringModel:
        """Re-estimate the model's weights on this index's own candidate pairs (EM).

        For a source whose error rates differ from the region's (see
        `train.py`). The fitted model replaces `self.model`, is saved with
        the index, and is returned.
        """
        with self._lock:
            self._merge()
            keys = self._keys[self._alive[self._key_rows]]
            _, sizes = np.unique(keys, return_counts=True)
            sizes = sizes[(sizes >= 2) & (sizes <= 200)]
            total = float((sizes * (sizes - 1) // 2).sum())
            sample = min(1.0, 1.5 * max_pairs / total) if total else 1.0
            pairs = self._candidate_pairs(200, plausible_only=False, sample=sample, seed=seed)
            if len(pairs) > max_pairs:
                rng = np.random.default_rng(seed)
                pairs = pairs[rng.choice(len(pairs), max_pairs, replace=False)]
            outcomes = []
            for a, b in pairs.tolist():
                ra, rb = self._record(a), self._record(b)
                if compatible(ra, rb):
                    outcomes.append({code: level for code, level, _ in compare_features(ra, rb)})
            self.model = estimate(self.model, outcomes, iterations)
            return self.model

    def candidate_pair_count(self, *, max_block: int = 200) -> int:
        """How many pairs `dedupe` would compare (for capacity planning)."""
        with self._lock:
            self._merge()
            return len(self._candidate_pairs(max_block))

    def save(self) -> None:
        """Write a snapshot of the index to its directory and start a new journal."""
        if self.path is None:
            raise ValueError("this index has no path; create it with MatchIndex(path)")
        with self._lock:
            self._merge()
            generation = self._generation + 1
            target = self.path / f"snapshot-{generation}"
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            alive = self._alive[self._key_rows] if len(self._key_rows) else self._alive[:0]
            np.save(target / "keys.npy", self._keys[alive])
            np.save(target / "rows.npy", self._key_rows[alive])
            np.save(target / "facts.npy", self._facts[: len(self._ids)])
            with open(target / "entities.jsonl", "wb") as f:
                for entity_id, doc in zip(self._ids, self._docs, strict=True):
                    if entity_id is None or doc is None:
                        f.write(b"\n")
                    else:
                        f.write(_json_bytes(entity_id) + b"\t" + doc + b"\n")
            meta = {
                "version": FORMAT_VERSION,
                "region": self.region,
                "rows": len(self._ids),
                "words": list(self._words),
                "model": self.model.to_config(),
                "keys": KEYS_VERSION,
            }
            (target / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
            (self.path / f"journal-{generation}.jsonl").touch()
            tmp = self.path / "CURRENT.tmp"
            tmp.write_text(str(generation), "utf-8")
            os.replace(tmp, self.path / "CURRENT")
            old = self._generation
            self._keys, self._key_rows = self._keys[alive], self._key_rows[alive]
            self._generation = generation
            if self._journal is not None:
                self._journal.close()
            self._journal = open(self.path / f"journal-{generation}.jsonl", "ab")  # noqa: SIM115
            self._journal_offset = 0
            self._torn = False
            shutil.rmtree(self.path / f"snapshot-{old}", ignore_errors=True)
            (self.path / f"journal-{old}.jsonl").unlink(missing_ok=True)

    def refresh(self) -> int:
        """Apply journal entries written by another process since the last read."""
        if self.path is None:
            return 0
        with self._lock:
            current = self.path / "CURRENT"
            generation = int(current.read_text("utf-8")) if current.exists() else 0
            if generation != self._generation:
                self._reset()
                self._open()
                return len(self)
            return self._replay()

    def close(self) -> None:
        """Close the journal file (the index stays usable in memory)."""
        with self._lock:
            if self._journal is not None:
                self._journal.close()
                self._journal = None

    def memory_bytes(self) -> int:
        """Approximate memory held by the index: arrays, entities, id maps and vocabulary
        (not the cache of prepared records, nor interpreter overhead)."""
        arrays = self._keys.nbytes + self._key_rows.nbytes + self._alive.nbytes + self._facts.nbytes
        docs = sum(len(d) + 33 for d in self._docs if d is not None)
        ids = sum(len(i) + 49 for i in self._rows) + 100 * len(self._rows)
        delta = 100 * self._delta_size
        words = sum(len(w) + 120 for w in self._words)
        return arrays + docs + ids + delta + words + 8 * len(self._ids)

    # -- internals ---------------------------------------------------------

    def _word_id(self, word: str) -> int | None:
        wid = self._words.get(word)
        if wid is None and len(self._words) < _MAX_WORDS:
            wid = self._words[word] = len(self._words)
        return wid

    def _insert(self, entity_id: str, doc: bytes, record: Record) -> None:
        if entity_id in self._rows:
            self._delete(entity_id)
        row = len(self._ids)
        self._ids.append(entity_id)
        self._docs.append(doc)
        self._rows[entity_id] = row
        if row >= len(self._alive):
            size = max(1024, 2 * len(self._alive))
            grown = np.zeros(size, dtype=bool)
            grown[: len(self._alive)] = self._alive
            facts = np.zeros((size, _FACTS), dtype=np.int16)
            facts[: len(self._facts)] = self._facts
            self._alive, self._facts = grown, facts
        self._alive[row] = True
        self._facts[row] = _facts(record)
        for key in record_keys(record, self._word_id):
            self._delta[key].append(row)
        self._delta_size += 1
        self._cache(row, record)

    def _delete(self, entity_id: str) -> None:
        row = self._rows.pop(entity_id)
        self._alive[row] = False
        self._ids[row] = None
        self._docs[row] = None
        self._records.pop(row, None)

    def _cache(self, row: int, record: Record) -> None:
        if len(self._records) >= self._cache_size:
            self._records.clear()
        self._records[row] = record

    def _record(self, row: int) -> Record:
        record = self._records.get(row)
        if record is None:
            record = prepare(json.loads(self._docs[row] or b"null"), self.region)
            self._cache(row, record)
        return record

    def _merge(self) -> None:
        """Move the postings added since the last merge into the sorted arrays."""
        if not self._delta:
            return
        count = sum(len(v) for v in self._delta.values())
        keys = np.empty(count, dtype=np.uint64)
        rows = np.empty(count, dtype=np.int32)
        pos = 0
        for key, key_rows in self._delta.items():
            n = len(key_rows)
            keys[pos : pos + n] = key
            rows[pos : pos + n] = key_rows
            pos += n
        keys = np.concatenate([self._keys, keys])
        rows = np.concatenate([self._key_rows, rows])
        order = np.argsort(keys, kind="stable")
        self._keys, self._key_rows = keys[order], rows[order]
        self._delta = defaultdict(list)
        self._delta_size = 0

    def _query_keys(self, query: Record) -> np.ndarray:
        keys = record_keys(query, self._words.get)
        return np.fromiter(keys, dtype=np.uint64, count=len(keys))

    def _candidate_rows(self, query: Record, count: int) -> tuple[np.ndarray, np.ndarray]:
        """The `count` best rows for `query`, best first, by shared keys and facts,
        and for each whether it could be a match (`_hopeful`)."""
        none = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=bool)
        qkeys = self._query_keys(query)
        if not len(qkeys):
            return none
        lo = np.searchsorted(self._keys, qkeys, side="left")
        hi = np.searchsorted(self._keys, qkeys, side="right")
        sizes = hi - lo
        delta = [self._delta.get(int(k), ()) for k in qkeys]
        sizes = sizes + np.fromiter((len(d) for d in delta), dtype=np.int64, count=len(delta))
        usable = sizes <= self.max_postings
        if not usable.any():
            # Only crowded keys: keep the least crowded one, truncated.
            usable[int(np.argmin(sizes))] = True
        parts: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        codes: list[np.ndarray] = []
        types = (qkeys >> np.uint64(60)).astype(np.int64)
        for i in np.flatnonzero(usable).tolist():
            found = self._key_rows[lo[i] : min(hi[i], lo[i] + self.max_postings)]
            if delta[i]:
                found = np.concatenate([found, np.asarray(delta[i], dtype=np.int32)])
            parts.append(found)
            weights.append(np.full(len(found), _WEIGHT_TABLE[types[i]], dtype=np.int32))
            codes.append(np.full(len(found), (_CODE_MASK >> int(types[i])) & 1, dtype=np.int32))
        rows = np.concatenate(parts)
        if not len(rows):
            return none
        found_rows, inverse = np.unique(rows, return_inverse=True)
        score = np.bincount(inverse, weights=np.concatenate(weights))
        coded = np.bincount(inverse, weights=np.concatenate(codes)) > 0
        alive = self._alive[found_rows]
        found_rows, score, coded = found_rows[alive], score[alive], coded[alive]
        if len(found_rows) > PRESELECTED:
            top = np.argpartition(-score, PRESELECTED)[:PRESELECTED]
            found_rows, score, coded = found_rows[top], score[top], coded[top]
        # Rank by shared keys and by what birth date, sex and nationality say.
        query_facts = np.asarray([_facts(query)], dtype=np.int16)
        facts = self._fact_weights(query_facts, self._facts[found_rows])
        score = score + facts
        if len(found_rows) > count:
            top = np.argpartition(-score, count)[:count]
            found_rows, score, coded, facts = found_rows[top], score[top], coded[top], facts[top]
        order = np.argsort(-score, kind="stable")
        found_rows, coded, facts = found_rows[order], coded[order], facts[order]
        return found_rows, self._hopeful(query, query_facts, found_rows, coded, facts)

    def _hopeful(
        self, query: Record, query_facts: np.ndarray, rows: np.ndarray, coded: np.ndarray, facts: np.ndarray
    ) -> np.ndarray:
        """Could each row be a match for a person query? Its birth date, sex and
        nationality weigh what they weigh (`facts`); the name is assumed to
        agree fully, an identifier or phone to agree when the row shares one
        with the query (`coded`), addresses to agree. Other queries: always."""
        if query.kind != "person":
            return np.ones(len(rows), dtype=bool)
        weights = self.model.features
        best = self.model.prior + facts + weights["name"].levels["exact"]
        code = max(weights["identifier"].levels["exact"], weights["phone"].levels["exact"])
        best = best + np.where(coded, code, 0.0)
        if query_facts[0, 5]:
            best = best + np.where(self._facts[rows, 5] > 0, max(weights["address"].levels.values()), 0.0)
        return best >= self._threshold_log_odds()

    def _candidate_pairs(
        self, max_block: int, plausible_only: bool = True, sample: float = 1.0, seed: int = 0
    ) -> np.ndarray:
        """Row pairs (a < b) that share a key in a block of at most `max_block` rows.

        With `plausible_only`, a pair is kept only if, judged from the key it
        shares and the facts of both rows, it could still reach the threshold
        (see `_plausible`). `sample` keeps that share of the pairs at random.
        """
        blocks = self._blocks(max_block)
        rng = np.random.default_rng(seed)
        found = []
        for task in blocks.tasks:
            codes, masks, address = self._block_pairs(blocks, task, plausible_only)
            if sample < 1.0:
                keep = rng.random(len(codes)) < sample
                codes, masks, address = codes[keep], masks[keep], address[keep]
            found.append((codes, masks, address))
        return self._pairs_of(found, plausible_only)

    def _blocks(self, max_block: int) -> _Blocks:
        """The live postings grouped into blocks of 2 to `max_block` rows, as tasks."""
        keys, rows = self._keys, self._key_rows
        alive = self._alive[rows]
        keys, rows = keys[alive], rows[alive]
        if len(keys) < 2:
            return _Blocks(keys, rows, {}, [])
        starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
        sizes = np.diff(np.concatenate([starts, [len(keys)]]))
        groups: dict[int, np.ndarray] = {}
        tasks: list[tuple[int, int, int]] = []
        for size in np.unique(sizes).tolist():
            if size < 2 or size > max_block:
                continue
            groups[size] = starts[sizes == size]
            step = max(1, 4_000_000 // (size * (size - 1) // 2))
            tasks += [(size, i, i + step) for i in range(0, len(groups[size]), step)]
        return _Blocks(keys, rows, groups, tasks)

    def _block_pairs(
        self, blocks: _Blocks, task: tuple[int, int, int], plausible_only: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The pairs of some blocks of one size (`task`) as codes (lo * rows + hi), the
        bit of their key type, and whether that key is an address key; with
        `plausible_only`, those that could reach the threshold (first pass)."""
        size, first, last = task
        block_starts = blocks.groups[size][first:last]
        ia, ib = np.triu_indices(size, k=1)
        members = blocks.rows[block_starts[:, None] + np.arange(size)[None, :]].astype(np.int64)
        a, b = members[:, ia].ravel(), members[:, ib].ravel()
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        kinds = (blocks.keys[block_starts] >> np.uint64(60)).astype(np.int64)
        mask = np.repeat(np.left_shift(1, kinds), len(ia))
        address = np.repeat(kinds == ADDRESS, len(ia))
        if plausible_only:
            # A pair dropped here loses this key's bit for the second pass.
            # An address or near-identifier block is therefore judged as if
            # the whole name agreed: it drops only pairs that no name block
            # keeps either.
            loose = address | np.repeat(kinds == CODE_NEAR, len(ia))
            judged = np.where(loose, mask | (1 << NAME_PAIR), mask)
            keep = self._plausible(lo, hi, judged, shared_only=False)
            lo, hi, mask, address = lo[keep], hi[keep], mask[keep], address[keep]
        return lo * np.int64(len(self._ids)) + hi, mask, address

    def _pairs_of(
        self, found: list[tuple[np.ndarray, np.ndarray, np.ndarray]], plausible_only: bool
    ) -> np.ndarray:
        """Distinct pairs from the blocks' pairs, with every key each shares; with
        `plausible_only`, those that could reach the threshold (second pass)."""
        if not found:
            return np.zeros((0, 2), dtype=np.int64)
        all_codes = np.concatenate([f[0] for f in found])
        order = np.argsort(all_codes, kind="stable")
        all_codes = all_codes[order]
        all_masks = np.concatenate([f[1] for f in found])[order]
        all_address = np.concatenate([f[2] for f in found])[order].astype(np.int32)
        if not len(all_codes):
            return np.zeros((0, 2), dtype=np.int64)
        first = np.flatnonzero(np.concatenate([[True], all_codes[1:] != all_codes[:-1]]))
        chosen, shared = all_codes[first], np.bitwise_or.reduceat(all_masks, first)
        n_rows = np.int64(len(self._ids))
        pairs = np.stack([chosen // n_rows, chosen % n_rows], axis=1)
        if plausible_only:
            address_shared = np.add.reduceat(all_address, first)
            keep = self._plausible(
                pairs[:, 0], pairs[:, 1], shared, shared_only=True, address_keys=address_shared
            )
            pairs = pairs[keep]
        return pairs

    def _fact_weights(self, fa: np.ndarray, fb: np.ndarray) -> np.ndarray:
        """What birth date, sex and nationality weigh, per pair of fact rows.

        Exact, as `compare` scores them, except for a record with several
        birth dates, whose date is counted at its best.
        """
        weights = self.model.features
        date = weights["birth_date"].levels
        table = np.array([date[level] for level in LEVEL_ORDER] + [max(date.values()), 0.0])
        total = table[date_levels(fa, fb)]
        for col, code in ((3, "gender"), (4, "nationality")):
            a, b = fa[:, col], fb[:, col]
            levels = weights[code].levels
            both = (a > 0) & (b > 0)
            total = total + np.where(both, np.where(a == b, levels["agree"], levels["different"]), 0)
        return total

    def _plausible(
        self,
        lo: np.ndarray,
        hi: np.ndarray,
        shared: np.ndarray,
        shared_only: bool,
        address_keys: np.ndarray | None = None,
    ) -> np.ndarray:
        """Could the pair reach the threshold, given the keys it shares and its facts?

        `shared` is a bit mask of the key types the pair shares. Birth dates,
        sex and nationality are scored with the model's weights. The name is
        assumed to agree fully when a shared key holds two name words (or a
        one-word name, or an identifier), otherwise at best as a close
        spelling, and with `shared_only`, when the pair shares no key made of
        name words at all, as a weak agreement (one word of two).
        Identifiers are assumed to agree when one is shared, to be one
        character apart when they share a CODE_NEAR key.
        Addresses present on both sides are assumed to agree; with
        `shared_only` (all keys of the pair known), as far as the number of
        address keys they share allows (`address_keys`: pairs of identical
        parts): three keys (three identical parts, and a fourth that may be
        misspelt) allow `exact`, one key `close`, none `weak`.
        """
        weights = self.model.features
        names = weights["name"].levels
        whole_name = (shared & _WHOLE_NAME_MASK) > 0
        best = self.model.prior + self._fact_weights(self._facts[lo], self._facts[hi])
        named = (shared & _NAME_MASK) > 0 if shared_only else np.ones(len(lo), bool)
        name_best = np.where(named, names["close"], max(names["weak"], names["different"]))
        best = best + np.where(whole_name, names["exact"], name_best)
        codes = max(weights["identifier"].levels["exact"], weights["phone"].levels["exact"])
        near = (shared & (1 << CODE_NEAR)) > 0
        code_bonus = np.where(near, weights["identifier"].levels["close"], 0.0)
        best = best + np.where((shared & (1 << CODE)) > 0, codes, code_bonus)
        address = weights["address"].levels
        both = (self._facts[lo, 5] > 0) & (self._facts[hi, 5] > 0)
        top = max(address.values())
        if shared_only:
            count = np.zeros(len(lo), np.int32) if address_keys is None else address_keys
            address_best = np.where(
                count >= 3, top, np.where(count >= 1, max(address["close"], address["weak"]), address["weak"])
            )
            # A pair sharing a code may have been dropped from its address blocks.
            address_best = np.where((shared & _CODE_MASK) > 0, top, address_best)
        else:
            address_best = np.full(len(lo), top)
        best = best + np.where(both, address_best, 0.0)
        return best >= self._threshold_log_odds()

    def _threshold_log_odds(self) -> float:
        # The tolerance keeps pairs that land exactly on the threshold (log2 of 0.8/0.2 is
        # not exactly 2 in floating point, while `compare` reaches it exactly).
        return float(np.log2(self.model.threshold / (1 - self.model.threshold))) - 1e-9

    # -- persistence internals --------------------------------------------

    def _reset(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        self._ids, self._docs, self._rows = [], [], {}
        self._alive = np.zeros(0, dtype=bool)
        self._facts = np.zeros((0, _FACTS), dtype=np.int16)
        self._words = {}
        self._keys = np.zeros(0, dtype=np.uint64)
        self._key_rows = np.zeros(0, dtype=np.int32)
        self._delta, self._delta_size = defaultdict(list), 0
        self._records = {}

    def _open(self) -> None:
        assert self.path is not None
        self.path.mkdir(parents=True, exist_ok=True)
        current = self.path / "CURRENT"
        self._generation = int(current.read_text("utf-8")) if current.exists() else 0
        snapshot = self.path / f"snapshot-{self._generation}"
        if self._generation and snapshot.exists():
            meta = json.loads((snapshot / "meta.json").read_text("utf-8"))
            if meta["version"] != FORMAT_VERSION:
                raise ValueError(f"index format {meta['version']} is not supported")
            self.region = self.region or meta["region"]
            if self._fixed_model is None:
                self.model = ScoringModel.from_config(meta["model"])
            self._words = {w: i for i, w in enumerate(meta["words"])}
            rekey = meta.get("keys", 1) != KEYS_VERSION
            if not rekey:
                self._keys = np.load(snapshot / "keys.npy")
                self._key_rows = np.load(snapshot / "rows.npy")
            self._alive = np.zeros(max(1024, meta["rows"]), dtype=bool)
            self._facts = np.zeros((len(self._alive), _FACTS), dtype=np.int16)
            if not rekey:
                self._facts[: meta["rows"]] = np.load(snapshot / "facts.npy")
            with open(snapshot / "entities.jsonl", "rb") as f:
                for row, line in enumerate(f.read().split(b"\n")[: meta["rows"]]):
                    if line:
                        raw_id, doc = line.split(b"\t", 1)
                        entity_id = json.loads(raw_id)
                        self._ids.append(entity_id)
                        self._docs.append(doc)
                        self._rows[entity_id] = row
                        self._alive[row] = True
                    else:
                        self._ids.append(None)
                        self._docs.append(None)
            if rekey:  # saved with another generation of blocking keys: derive them anew
                for row, doc in enumerate(self._docs):
                    if doc is not None:
                        record = prepare(json.loads(doc), self.region)
                        self._facts[row] = _facts(record)
                        for key in record_keys(record, self._word_id):
                            self._delta[key].append(row)
                self._merge()
        journal = self.path / f"journal-{self._generation}.jsonl"
        journal.touch()
        self._journal_offset = 0
        self._replay()
        # Bytes after the last whole entry: a writer was killed half-way through one.
        self._torn = journal.stat().st_size > self._journal_offset
        self._journal = open(journal, "ab")  # noqa: SIM115

    def _replay(self) -> int:
        assert self.path is not None
        journal = self.path / f"journal-{self._generation}.jsonl"
        applied = 0
        writer, self._journal = self._journal, None  # do not journal what is replayed
        try:
            with open(journal, "rb") as f:
                f.seek(self._journal_offset)
                for line in f:
                    if not line.endswith(b"\n"):
                        break  # an entry still being written
                    self._journal_offset += len(line)
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        continue  # the unfinished entry of a writer that was killed
                    if entry["op"] == "add":
                        self.add(entry["id"], entry["entity"])
                    elif entry["op"] == "remove":
                        self.remove(entry["id"])
                    applied += 1
        finally:
            self._journal = writer
        return applied

    def _log(self, entry: bytes) -> None:
        if self._journal is not None:
            if self._torn:  # end the killed writer's unfinished entry, so that this one is whole
                self._journal.write(b"\n")
                self._journal_offset = self._journal.tell()
                self._torn = False
            self._journal.write(entry + b"\n")
            self._journal_offset += len(entry) + 1

    def _flush_journal(self) -> None:
        if self._journal is not None:
            self._journal.flush()
