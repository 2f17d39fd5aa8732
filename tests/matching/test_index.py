"""MatchIndex: add, remove, search, persistence, incremental updates, dedupe."""

import json
import random
from collections import Counter

import numpy as np
import pytest

from pcms.matching import InvalidEntity, MatchIndex, compare, prepare
from pcms.matching.dates import LEVEL_ORDER, best_date_level
from pcms.matching.index import _facts, date_levels
from pcms.matching.synthetic import generate_people, make_variant

from .helpers import entity, person

PEOPLE = [
    ("mr-1", person(name="Mohamed Ould Abdallahi", birthDate="1980-05-12", nationality="mr")),
    ("mr-2", person(name="Abdallahi Ould Mohamed", birthDate="1980-05-12", nationality="mr")),
    ("ml-1", person(name="Moussa Traore", birthDate="1975-03-02", nationality="ml")),
    ("ml-2", person(name="Fatoumata Diallo", birthDate="1990", nationality="ml", gender="f")),
    ("td-1", person(name="Mahamat Abakar Hassan", birthDate="1968-11-30", nationality="td")),
    ("ne-1", person(name="Aichatou Issoufou", phone="+227 96 12 34 56", nationality="ne")),
]


@pytest.fixture
def index() -> MatchIndex:
    idx = MatchIndex(region="NE")
    idx.add_many(PEOPLE)
    return idx


def test_search_finds_arabic_script_query(index):
    results = index.search(person(name="محمد ولد عبد الله", birthDate="1980"))
    assert results[0][0] == "mr-1"
    assert results[0][1].is_match
    # The reversed lineage is a different person and ranks below.
    ranked = [eid for eid, _ in results]
    assert "mr-2" not in ranked or ranked.index("mr-2") > 0
    assert all(not r.is_match for eid, r in results if eid == "mr-2")


def test_search_results_are_best_first_and_limited(index):
    results = index.search(person(name="Moussa Traoré", birthDate="1975"), limit=2)
    assert len(results) <= 2
    scores = [r.score for _, r in results]
    assert scores == sorted(scores, reverse=True)
    assert results[0][0] == "ml-1"


def test_search_by_phone_without_country_code(index):
    results = index.search(person(name="Aichatou Issoufou", phone="96123456"), matches_only=True)
    assert [eid for eid, _ in results] == ["ne-1"]


def test_matches_only_drops_weak_candidates(index):
    results = index.search(person(name="Moussa Traore", birthDate="1931-01-01"), matches_only=True)
    assert results == []


def test_remove_takes_entity_out_of_results(index):
    assert index.remove("ml-1")
    assert not index.remove("ml-1")
    assert "ml-1" not in index
    assert all(eid != "ml-1" for eid, _ in index.search(person(name="Moussa Traore")))
    assert len(index) == len(PEOPLE) - 1


def test_add_with_existing_id_replaces_the_entity(index):
    index.add("ml-1", person(name="Ibrahim Keita", birthDate="1950-01-01"))
    assert len(index) == len(PEOPLE)
    assert all(eid != "ml-1" for eid, _ in index.search(person(name="Moussa Traore"), limit=10))
    assert index.search(person(name="Ibrahim Keita", birthDate="1950"))[0][0] == "ml-1"
    assert index.get("ml-1")["properties"]["name"] == ["Ibrahim Keita"]


def test_add_many_is_all_or_nothing_on_invalid_entity(index):
    with pytest.raises(InvalidEntity):
        index.add_many([("ok", person(name="Hawa Sow")), ("bad", {"schema": "Nope"})])
    assert "ok" not in index
    with pytest.raises(InvalidEntity):
        index.add("", person(name="Hawa Sow"))


def test_other_schemata_are_searchable(index):
    index.add("veh-1", entity("Vehicle", registrationNumber="AA-123-BB", vinCode="JTEBU11F770012345"))
    results = index.search(entity("Vehicle", registrationNumber="aa 123 bb"), matches_only=True)
    assert [eid for eid, _ in results] == ["veh-1"]
    # A person query never returns the vehicle.
    assert all(eid != "veh-1" for eid, _ in index.search(person(name="AA 123 BB")))


def test_persist_and_reload(tmp_path, index):
    stored = MatchIndex(tmp_path / "idx", region="NE")
    stored.add_many(PEOPLE)
    stored.save()
    stored.close()
    reloaded = MatchIndex(tmp_path / "idx")
    assert len(reloaded) == len(PEOPLE)
    assert reloaded.region == "NE"
    query = person(name="Mohamedou O. Abdellahi", birthDate="1980-12-05")
    assert reloaded.search(query)[0][0] == index.search(query)[0][0] == "mr-1"
    assert reloaded.get("ml-2") == dict(PEOPLE)["ml-2"]


def test_incremental_updates_survive_without_save(tmp_path):
    path = tmp_path / "idx"
    first = MatchIndex(path)
    first.add_many(PEOPLE)
    first.save()
    first.add("ml-3", person(name="Seydou Keita", birthDate="1982-02-02"))
    first.remove("ml-1")
    first.close()  # no save: the journal holds the changes
    second = MatchIndex(path)
    assert "ml-3" in second and "ml-1" not in second
    assert second.search(person(name="Seydou Keïta", birthDate="1982"))[0][0] == "ml-3"
    journal = [json.loads(line) for line in (path / "journal-1.jsonl").read_text().splitlines()]
    assert [e["op"] for e in journal] == ["add", "remove"]
    second.save()
    assert (path / "journal-2.jsonl").read_text() == ""
    assert not (path / "snapshot-1").exists()
    third = MatchIndex(path)
    assert "ml-3" in third and "ml-1" not in third and len(third) == len(PEOPLE)


def test_refresh_reads_changes_written_by_another_process(tmp_path):
    path = tmp_path / "idx"
    writer = MatchIndex(path)
    writer.add_many(PEOPLE[:2])
    reader = MatchIndex(path)
    writer.add("ml-3", person(name="Seydou Keita"))
    assert "ml-3" not in reader
    assert reader.refresh() == 1
    assert "ml-3" in reader
    writer.save()
    writer.add("ml-4", person(name="Hawa Sow"))
    reader.refresh()
    assert "ml-4" in reader and len(reader) == 4


def test_writer_killed_half_way_through_an_entry_loses_only_that_entry(tmp_path):
    path = tmp_path / "idx"
    first = MatchIndex(path)
    first.add_many(PEOPLE[:2])
    first.save()
    first.add("ml-3", person(name="Seydou Keita"))
    first.close()
    with open(path / "journal-1.jsonl", "ab") as journal:  # SIGKILL in the middle of a write
        journal.write(b'{"op": "add", "id": "ml-4", "enti')
    second = MatchIndex(path)
    assert "ml-3" in second and "ml-4" not in second
    second.add("ml-5", person(name="Hawa Sow"))
    second.close()
    third = MatchIndex(path)
    assert "ml-3" in third and "ml-5" in third and len(third) == 4
    assert third.search(person(name="Hawa Sow"))[0][0] == "ml-5"


def test_index_without_path_cannot_save(index):
    with pytest.raises(ValueError, match="no path"):
        index.save()


def test_dedupe_finds_reentered_people():
    people = list(generate_people(3000, seed=11, duplicate_rate=0.05))
    idx = MatchIndex()
    idx.add_many((p.id, p.entity) for p in people)
    identity = {p.id: p.identity for p in people}
    found = [(a, b) for a, b, _ in idx.dedupe()]
    members = Counter(p.identity for p in people)
    true_pairs = sum(n * (n - 1) // 2 for n in members.values())
    correct = sum(identity[a] == identity[b] for a, b in found)
    assert correct / true_pairs >= 0.8
    assert correct / len(found) >= 0.9


def test_parallel_dedupe_gives_the_same_pairs_as_serial():
    people = list(generate_people(1500, seed=12, duplicate_rate=0.05))
    idx = MatchIndex()
    idx.add_many((p.id, p.entity) for p in people)
    serial = {(a, b, r.score) for a, b, r in idx.dedupe(workers=1)}
    assert idx.candidate_pair_count() >= len(serial)
    idx.parallel_threshold = 0
    parallel = {(a, b, r.score) for a, b, r in idx.dedupe(workers=2)}
    assert serial and parallel == serial


def test_screening_recall_on_synthetic_variants():
    people = list(generate_people(5000, seed=3, duplicate_rate=0))
    idx = MatchIndex()
    idx.add_many((p.id, p.entity) for p in people)
    rng = random.Random(4)
    hits = 0
    sample = rng.sample(people, 300)
    for p in sample:
        query, _ = make_variant(p.entity, rng)
        hits += any(eid == p.id for eid, _ in idx.search(query, limit=10))
    assert hits / len(sample) >= 0.97


def test_fit_reestimates_weights_from_the_data():
    people = list(generate_people(3000, seed=5, duplicate_rate=0.1))
    idx = MatchIndex()
    idx.add_many((p.id, p.entity) for p in people)
    before = idx.model
    fitted = idx.fit(max_pairs=5000)
    assert idx.model is fitted and fitted != before
    levels = fitted.features["name"].levels
    assert levels["exact"] > levels["close"] > levels["different"]
    assert fitted.threshold == before.threshold


def test_dedupe_finds_every_pair_that_compare_calls_a_match():
    # Re-entries whose address words are misspelt or run together (no two
    # adjacent words in common), whose identifier is one character off, and
    # one whose score lands exactly on the threshold.
    address = "8 Laidley Place, Halfmoon Station, Burnett Heads, 4702"
    records = [
        ("a", person(name="Hannah Egan", birthDate="1938-01-31", idNumber="6564365", address=address)),
        (
            "b",
            person(
                name="Thomas Egan",
                birthDate="1938-01-31",
                idNumber="6564635",
                address="8 Laidleyplace, Halfmoon Sotation, Burnet Theads, 4702",
            ),
        ),
        ("c", person(name="Madeline David", idNumber="8930836", address="3 Wagga Street, Bonnie Doon, 3977")),
        (
            "d",
            person(name="Madeline Bissett", idNumber="8938036", address="3 Wagga Street, Bonnie Doon, 3977"),
        ),
        (
            "e",
            person(name="Jock Wilde", birthDate="1900-12-20", address="9 Elvire Place, The Iron Farm, 3042"),
        ),
        (
            "f",
            person(name="Thomas Wilde", birthDate="1900-12-20", address="9 Theiron Farm, Elvire Lace, 3042"),
        ),
        ("g", person(name="Moussa Traore", birthDate="1980-05-12", address="Rue 312, porte 45, Bamako")),
        ("h", person(name="Seydou Traore", birthDate="1984-11-02", address="Rue 312, porte 45, Bamako")),
    ]
    idx = MatchIndex()
    idx.add_many(records)
    expected = {
        (x, y) for i, (x, a) in enumerate(records) for y, b in records[i + 1 :] if compare(a, b).is_match
    }
    assert {("a", "b"), ("c", "d")} <= expected and ("g", "h") not in expected
    assert {tuple(sorted((a, b))) for a, b, _ in idx.dedupe(workers=1)} == expected


def test_index_saved_with_older_blocking_keys_derives_them_anew(tmp_path):
    stored = MatchIndex(tmp_path / "idx", region="NE")
    stored.add_many(PEOPLE)
    stored.save()
    stored.close()
    snapshot = tmp_path / "idx" / f"snapshot-{(tmp_path / 'idx' / 'CURRENT').read_text()}"
    meta = json.loads((snapshot / "meta.json").read_text())
    meta.pop("keys")  # as written before the key generation was recorded
    (snapshot / "meta.json").write_text(json.dumps(meta))
    np.save(snapshot / "keys.npy", np.zeros(0, dtype=np.uint64))
    np.save(snapshot / "rows.npy", np.zeros(0, dtype=np.int32))
    reloaded = MatchIndex(tmp_path / "idx")
    query = person(name="Mohamedou O. Abdellahi", birthDate="1980-12-05")
    assert reloaded.search(query)[0][0] == "mr-1"


def test_vectorised_date_levels_agree_with_compare():
    # The pre-filter scores birth dates in numpy; it must reach the level `compare` gives.
    rng = random.Random(7)
    forms = [
        "1980",
        "1980-05",
        "1980-05-12",
        "1980-12-05",
        "1981-05-12",
        "1908-05-12",
        "1980-05-21",
        "1980-06-12",
        "19802704",
        "1980-00-00",
        "1990-05-12",
        "1890-05-12",
        "1980-15-05",
        "1980-05-13",
    ]

    def mutate(text: str) -> str:
        chars = list(text)
        i = rng.randrange(len(chars))
        if chars[i].isdigit():
            chars[i] = str(rng.randrange(10))
        return "".join(chars)

    values = forms + [mutate(rng.choice(forms)) for _ in range(200)]
    records = [prepare(person(name="Moussa Traore", birthDate=v)) for v in values]
    records = [r for r in records if r.birth_dates]
    pairs = [(a, b) for a in records for b in records]
    facts_a = np.array([_facts(a) for a, _ in pairs], dtype=np.int16)
    facts_b = np.array([_facts(b) for _, b in pairs], dtype=np.int16)
    levels = date_levels(facts_a, facts_b)
    for (a, b), level in zip(pairs, levels.tolist(), strict=True):
        expected = best_date_level(list(a.birth_dates), list(b.birth_dates))[0]
        assert LEVEL_ORDER[level] == expected, (a.birth_dates, b.birth_dates)


def test_search_finds_a_match_behind_many_namesakes_and_still_fills_the_list():
    idx = MatchIndex()
    idx.add_many(
        (
            f"namesake-{i}",
            person(name="Moussa Traore", birthDate=f"{1940 + i}-03-0{1 + i % 9}", nationality="ml"),
        )
        for i in range(45)
    )
    idx.add("wanted", person(name="Mousa Traore", birthDate="1999-11-20", nationality="ml", gender="male"))
    results = idx.search(person(name="Moussa Traore", birthDate="1999", gender="male"), limit=10)
    assert results[0][0] == "wanted" and results[0][1].is_match
    assert len(results) == 10  # the namesakes that cannot match still fill the list of candidates
    assert not any(r.is_match for _, r in results[1:])
