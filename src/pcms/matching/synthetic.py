"""Synthetic Sahel population, with known variants, for tests and benchmarks.

Everything here is invented. `generate_people` draws people from the
communities described in `data/synthetic.yaml` (Moorish names with
Ould/Mint, Tuareg with Ag/Welet, Fulani, Mande, Songhai, Hausa, Kanuri,
Chadian Arabic, Mossi), with birth dates, nationalities, sex, and for some an
identity number, a phone, or an Arabic-script alias. A share of the records
are re-entries of an earlier person (a variant of it), for deduplication.

`make_variant` writes a record the way another officer might have: another
transliteration (half from the name groups, half by spelling rules that the
matcher does not know), Arabic script, surname first in capitals, a dropped
lineage particle, a typo; and for the date: year only, or day and month
swapped. The generator is deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from .names import word_key
from .resources import load

NAME_VARIANTS = ("transliteration", "arabic", "swapped_order", "dropped_particle", "typo")
DATE_VARIANTS = ("year_only", "day_month_swap")
_ARABIC_PARTICLES = {"ould": "ولد", "mint": "منت", "ag": "اگ", "welet": "ولت"}
_RESPELL = [
    ("ou", "u"),
    ("u", "ou"),
    ("ee", "i"),
    ("i", "e"),
    ("e", "i"),
    ("a", "e"),
    ("ss", "s"),
    ("k", "c"),
    ("c", "k"),
    ("y", "i"),
    ("dj", "j"),
    ("h", ""),
]


@dataclass(frozen=True, slots=True)
class Person:
    """A synthetic record: its id, the entity, and the true identity it belongs to."""

    id: str
    entity: dict[str, Any]
    identity: int


@dataclass(frozen=True, slots=True)
class _Name:
    given: tuple[str, ...]
    particle: str | None
    father: str | None
    family: str | None

    def words(self) -> list[str]:
        out = list(self.given)
        if self.father:
            out += [self.particle, self.father] if self.particle else [self.father]
        if self.family:
            out.append(self.family)
        return out


@cache
def _data() -> dict[str, Any]:
    return load("synthetic")


@cache
def _groups() -> tuple[dict[str, list[str]], dict[str, str]]:
    """Latin spelling -> other spellings of its group; Latin spelling -> Arabic form."""
    others: dict[str, list[str]] = {}
    arabic: dict[str, str] = {}
    for forms in load("name_groups")["groups"].values():
        latin = [str(f) for f in forms.get("latin") or [] if " " not in str(f)]
        for form in latin:
            others[word_key(form)] = [f for f in latin if f != form]
            if forms.get("arabic"):
                arabic[word_key(form)] = str(forms["arabic"][0])
    return others, arabic


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _make_name(rng: random.Random, community: dict[str, Any], sex: str) -> _Name:
    given_pool = community[sex]
    pattern = community["pattern"]
    if pattern == "lineage":
        family = None
        if community["family"] and rng.random() < community.get("family_rate", 0):
            family = rng.choice(community["family"])
        particle = community["particles"][sex]
        return _Name((rng.choice(given_pool),), particle, rng.choice(community["male"]), family)
    if pattern == "chadian":
        family = rng.choice(community["family"]) if rng.random() < community["family_rate"] else None
        return _Name((rng.choice(given_pool),), None, rng.choice(community["male"]), family)
    given = (rng.choice(given_pool),)
    if rng.random() < 0.15:
        given += (rng.choice(given_pool),)
    return _Name(given, None, None, rng.choice(community["family"]))


def _date(rng: random.Random) -> str:
    year = rng.randint(1945, 2006)
    if rng.random() < 0.12:
        return str(year)
    return f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _arabic(words: list[str]) -> str | None:
    _, arabic = _groups()
    out = []
    for word in words:
        for part in word.split():
            key = word_key(part)
            form = _ARABIC_PARTICLES.get(key) or arabic.get(key)
            if form is None:
                return None
            out.append(form)
    return " ".join(out)


def generate_people(n: int, seed: int = 0, duplicate_rate: float = 0.02) -> Iterator[Person]:
    """`n` synthetic records; about `duplicate_rate` of them re-enter an earlier person."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    data = _data()
    communities = data["communities"]
    weights = {k: int(v["weight"]) for k, v in communities.items()}
    recent: list[Person] = []
    identity = 0
    for i in range(n):
        if recent and rng.random() < duplicate_rate:
            original = rng.choice(recent)
            entity, _ = make_variant(original.entity, rng)
            yield Person(f"p{i}", entity, original.identity)
            continue
        community = communities[_pick(rng, weights)]
        sex = rng.choice(("male", "female"))
        name = _make_name(rng, community, sex)
        nationality = _pick(rng, community["nationalities"])
        props: dict[str, list[str]] = {
            "name": [" ".join(name.words())],
            "birthDate": [_date(rng)],
            "nationality": [nationality],
            "gender": [sex],
        }
        if rng.random() < 0.15:
            arabic = _arabic(name.words())
            if arabic:
                props["alias"] = [arabic]
        if rng.random() < 0.3:
            props["idNumber"] = [f"{nationality.upper()}{rng.randint(10**7, 10**9 - 1)}"]
        if rng.random() < 0.25:
            prefix, length = data["phones"][nationality]
            local = "".join(str(rng.randint(0, 9)) for _ in range(length))
            props["phone"] = [f"+{prefix}{local}"]
        person = Person(f"p{i}", {"schema": "Person", "properties": props}, identity)
        identity += 1
        recent.append(person)
        if len(recent) > 5000:
            recent.pop(rng.randrange(len(recent)))
        yield person


def _respell(word: str, rng: random.Random) -> str:
    """Another plausible spelling: from the name groups or by a spelling rule."""
    others, _ = _groups()
    key = word_key(word)
    if others.get(key) and rng.random() < 0.5:
        return rng.choice(others[key]).title()
    rules = [(a, b) for a, b in _RESPELL if a in key[1:]]
    if not rules:
        return word
    old, new = rng.choice(rules)
    pos = key.index(old, 1)
    return (key[:pos] + new + key[pos + len(old) :]).title()


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(("swap", "drop", "double", "replace"))
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "drop":
        return word[:i] + word[i + 1 :]
    if op == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeioulnrst") + word[i + 1 :]


def _vary_name(name: str, kind: str, rng: random.Random) -> str:
    words = name.split()
    particles = {"ould", "mint", "ag", "welet"}
    lineage = [i for i, w in enumerate(words) if w.lower() in particles]
    if kind == "arabic":
        return _arabic(words) or _vary_name(name, "transliteration", rng)
    if kind == "transliteration":
        return " ".join(w if w.lower() in particles else _respell(w, rng) for w in words)
    if kind == "swapped_order":
        if lineage:
            i = lineage[0]
            return " ".join(w.upper() for w in words[i:]) + " " + " ".join(words[:i])
        return " ".join(words[-1:]).upper() + " " + " ".join(words[:-1])
    if kind == "dropped_particle":
        if lineage:
            return " ".join(w for i, w in enumerate(words) if i != lineage[0])
        return _vary_name(name, "typo", rng)
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.lower() not in particles]
    if not candidates:
        return name
    i = rng.choice(candidates)
    return " ".join(_typo(w, rng) if j == i else w for j, w in enumerate(words))


def _vary_date(date: str, kind: str) -> str:
    if kind == "year_only" or len(date) < 10:
        return date[:4]
    year, month, day = date.split("-")
    if int(day) > 12 or day == month:
        return date[:4]
    return f"{year}-{day}-{month}"


def make_variant(
    entity: dict[str, Any],
    rng: random.Random,
    name_kind: str | None = None,
    date_kind: str | None = None,
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Another record of the same person, and the variations applied.

    By default one name variation is drawn, and a date variation half the
    time; identifiers and phones are kept only sometimes.
    """
    props = entity["properties"]
    name_kind = name_kind or rng.choice(NAME_VARIANTS)
    if date_kind is None and rng.random() < 0.5:
        date_kind = rng.choice(DATE_VARIANTS)
    out: dict[str, list[str]] = {"name": [_vary_name(props["name"][0], name_kind, rng)]}
    applied = (name_kind,)
    date = (props.get("birthDate") or [None])[0]
    if date and date_kind:
        out["birthDate"] = [_vary_date(date, date_kind)]
        applied += (date_kind,)
    elif date:
        out["birthDate"] = [date]
    for prop in ("nationality", "gender"):
        if prop in props and rng.random() < 0.8:
            out[prop] = list(props[prop])
    for prop in ("idNumber", "phone"):
        if prop in props and rng.random() < 0.3:
            out[prop] = list(props[prop])
    return {"schema": "Person", "properties": out}, applied


def namesake(entity: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A different person with the same name: other birth date and nationality."""
    props = entity["properties"]
    date = props["birthDate"][0]
    year = int(date[:4])
    other_year = year + rng.choice((-1, 1)) * rng.randint(3, 25)
    nationalities = [c for c in ("mr", "ml", "bf", "ne", "td") if c not in props["nationality"]]
    return {
        "schema": "Person",
        "properties": {
            "name": list(props["name"]),
            "birthDate": [f"{other_year:04d}{date[4:]}"],
            "nationality": [rng.choice(nationalities)],
            "gender": list(props["gender"]),
        },
    }


def labelled_pairs(n: int, seed: int = 0) -> list[tuple[dict[str, Any], dict[str, Any], bool]]:
    """`n` labelled pairs: a third variants (same person), a third namesakes,
    a third random pairs (different people)."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    people = [p.entity for p in generate_people(max(n, 10), seed=seed, duplicate_rate=0)]
    pairs: list[tuple[dict[str, Any], dict[str, Any], bool]] = []
    for i in range(n):
        base = people[i % len(people)]
        kind = i % 3
        if kind == 0:
            pairs.append((base, make_variant(base, rng)[0], True))
        elif kind == 1:
            pairs.append((base, namesake(base, rng), False))
        else:
            other = rng.choice(people)
            if other is not base:
                pairs.append((base, other, False))
    return pairs
