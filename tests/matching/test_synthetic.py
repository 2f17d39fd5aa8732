"""The synthetic generator and a labelled-pairs quality check."""

import random

from pcms.matching import compare
from pcms.matching.synthetic import generate_people, labelled_pairs, make_variant


def test_generator_is_deterministic():
    a = [p.entity for p in generate_people(200, seed=9)]
    b = [p.entity for p in generate_people(200, seed=9)]
    c = [p.entity for p in generate_people(200, seed=10)]
    assert a == b and a != c


def test_generator_covers_the_regions_naming_conventions():
    people = [p.entity["properties"] for p in generate_people(3000, seed=1, duplicate_rate=0)]
    names = " ".join(p["name"][0] for p in people)
    for particle in (" Ould ", " Mint ", " Ag ", " Welet "):
        assert particle in names
    assert any(any("\u0600" <= c <= "\u06ff" for c in p.get("alias", [""])[0]) for p in people)
    assert {n for p in people for n in p["nationality"]} == {"mr", "ml", "bf", "ne", "td"}
    assert any("idNumber" in p for p in people) and any("phone" in p for p in people)


def test_variants_apply_the_requested_change():
    rng = random.Random(1)
    base = {
        "schema": "Person",
        "properties": {
            "name": ["Mohamed Ould Ahmed"],
            "birthDate": ["1980-05-12"],
            "nationality": ["mr"],
            "gender": ["male"],
        },
    }
    arabic, _ = make_variant(base, rng, "arabic", "year_only")
    assert arabic["properties"]["name"] == ["محمد ولد احمد"]
    assert arabic["properties"]["birthDate"] == ["1980"]
    dropped, _ = make_variant(base, rng, "dropped_particle", "day_month_swap")
    assert dropped["properties"]["name"] == ["Mohamed Ahmed"]
    assert dropped["properties"]["birthDate"] == ["1980-12-05"]
    swapped, _ = make_variant(base, rng, "swapped_order")
    assert swapped["properties"]["name"] == ["OULD AHMED Mohamed"]


def test_labelled_pairs_precision_and_recall():
    pairs = labelled_pairs(3000, seed=21)
    tp = fp = fn = 0
    for a, b, same in pairs:
        result = compare(a, b)
        tp += result.is_match and same
        fp += result.is_match and not same
        fn += same and not result.is_match
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    assert precision >= 0.995, precision
    assert recall >= 0.88, recall
