"""Name analysis: from a written name to comparable name words.

A name is read in four steps:

1. Cleaning and tokenising (`normalize.py`), keeping track of abbreviations
   ("O." for Ould).
2. Structure. A surname written first in capitals ("TRAORE Moussa") is moved
   to the end. Titles are dropped. Lineage particles (Ould, Mint, Ag, Welet,
   Ben, Bint, in Latin or Arabic script; see `data/particles.yaml`) are
   removed from the words but remembered: they make the order of the words
   meaningful ("X Ould Y" names X, child of Y). Prefixes that belong to the
   following word are joined to it ("Abd Allah" -> "Abdallah", "El Hadj"
   -> "Elhadj"), as are two words that together spell a known name
   ("Sidi Mohamed" -> "Sidimohamed").
3. Each word is transliterated to Latin (`transliterate.py`), looked up in
   the canonical name groups (`data/name_groups.yaml`: Mohamed, Mahamat,
   Mamadou and محمد are one name) and given a consonant skeleton
   (`phonetic.py`).
4. Two names are compared by aligning their words one to one, best pairs
   first, and weighing how much of the shorter name is covered. When either
   name carries a lineage particle the alignment must keep the order, so
   "Mohamed Ould Ahmed" does not match "Ahmed Ould Mohamed".
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from rapidfuzz.distance import OSA
from rigour.names import replace_org_types_compare

from .normalize import clean_text
from .phonetic import skeleton
from .resources import load
from .transliterate import is_arabic, normalize_arabic, to_latin

#: Most words of one name that are considered.
MAX_TOKENS = 8
#: Longer words are not names (garbage, concatenated fields) and are ignored.
MAX_TOKEN_LENGTH = 40
_WORD = re.compile(r"[^\s.]+(\.)?")


@dataclass(frozen=True, slots=True)
class NameToken:
    """One word of a name, in the forms used for comparison."""

    #: The word as written (after cleaning).
    text: str
    #: Lower-case ASCII transliteration.
    latin: str
    #: Consonant skeleton of `latin` (article removed).
    skeleton: str
    #: Canonical name group, if the word is a known name.
    group: str | None
    #: True when `group` comes from the exact spelling, False when guessed
    #: from the skeleton (then it only serves as a blocking key).
    group_exact: bool
    #: Written in Arabic script.
    arabic: bool
    #: A one-letter abbreviation ("M.").
    initial: bool

    @property
    def key(self) -> str:
        """Blocking key: the name group, else the skeleton, else the spelling."""
        if self.group:
            return "g:" + self.group
        return "s:" + self.skeleton if self.skeleton else "l:" + self.latin


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name broken into comparable words."""

    text: str
    tokens: tuple[NameToken, ...]
    #: A lineage particle (Ould, Mint, Ag, Ben...) was present.
    lineage: bool
    #: The sex implied by a lineage particle ("male" for Ould, "female" for Mint).
    gender: str | None

    @property
    def usable(self) -> bool:
        """At least one word longer than an initial."""
        return any(not t.initial for t in self.tokens)


@dataclass(frozen=True, slots=True)
class TokenPair:
    """Two aligned words and how alike they are."""

    a: NameToken
    b: NameToken
    similarity: float
    reason: str


@dataclass(frozen=True, slots=True)
class NameComparison:
    """The best alignment between two names."""

    a: ParsedName
    b: ParsedName
    score: float
    pairs: tuple[TokenPair, ...]
    unmatched_a: tuple[NameToken, ...]
    unmatched_b: tuple[NameToken, ...]
    #: Both names carry lineage particles and their words are in reverse order.
    reversed_lineage: bool
    #: The words are in a different order (no lineage conflict).
    reordered: bool


@dataclass(frozen=True)
class _Lexicon:
    latin: dict[str, str]
    arabic: dict[str, str]
    skeleton: dict[str, str]
    lineage: dict[str, str | None]
    abbreviations: frozenset[str]
    join_next: frozenset[str]
    theophoric: frozenset[str]
    divine: frozenset[str]
    articles: frozenset[str]
    titles: frozenset[str]


def word_key(word: str) -> str:
    """The form a word is looked up by: normalised Arabic, or lower-case ASCII."""
    return normalize_arabic(word).replace(" ", "") if is_arabic(word) else to_latin(word)


@cache
def _lexicon() -> _Lexicon:
    groups = load("name_groups")["groups"]
    latin: dict[str, str] = {}
    arabic: dict[str, str] = {}
    skeletons: dict[str, set[str]] = defaultdict(set)
    for group, forms in groups.items():
        for form in forms.get("latin") or []:
            key = to_latin(str(form))
            if latin.setdefault(key, group) != group:
                raise ValueError(f"name {form!r} is in groups {latin[key]!r} and {group!r}")
            skeletons[skeleton(key)].add(group)
        for form in forms.get("arabic") or []:
            key = word_key(str(form))
            if arabic.setdefault(key, group) != group:
                raise ValueError(f"name {form!r} is in groups {arabic[key]!r} and {group!r}")
            skeletons[skeleton(to_latin(key))].add(group)
    particles = load("particles")
    lineage: dict[str, str | None] = {}
    for entry in particles["lineage"]:
        for form in entry["forms"]:
            lineage[word_key(str(form))] = entry["gender"]
    return _Lexicon(
        latin=latin,
        arabic=arabic,
        skeleton={s: next(iter(g)) for s, g in skeletons.items() if len(g) == 1 and len(s) >= 2},
        lineage=lineage,
        abbreviations=frozenset(str(k) for k in particles["lineage_abbreviations"]),
        join_next=frozenset(word_key(str(f)) for f in particles["join_with_next"]),
        theophoric=frozenset(word_key(str(f)) for f in particles["theophoric"]),
        divine=frozenset(word_key(str(f)) for f in particles["divine_names"]),
        articles=frozenset(word_key(str(f)) for f in particles["articles"]),
        titles=frozenset(word_key(str(f)) for f in particles["titles"]),
    )


def _make_token(text: str, parts: list[str], arabic: bool) -> NameToken:
    lex = _lexicon()
    joined = "".join(parts)
    # Without a leading article ("El Hassan" -> "hassan", "الحسن" -> "حسن").
    bare = "".join(parts[1:]) if len(parts) > 1 and parts[0] in lex.articles else joined
    if arabic and bare == joined and joined.startswith("ال") and len(joined) > 3:
        bare = joined[2:]
    table = lex.arabic if arabic else lex.latin
    latin = to_latin(joined)
    bare_latin = to_latin(bare)
    group = table.get(joined) or table.get(bare)
    skel = skeleton(bare_latin)
    exact = group is not None
    if group is None:
        group = lex.skeleton.get(skel)
    return NameToken(
        text=text,
        latin=latin,
        skeleton=skel,
        group=group,
        group_exact=exact,
        arabic=arabic,
        initial=len(latin) == 1 and not arabic,
    )


def _surname_first(words: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Move a leading run of capitalised words after the given names."""
    caps = [w.isupper() and len(w) > 1 for w, _ in words]
    if len(words) < 2 or not caps[0] or all(caps):
        return words
    split = caps.index(False)
    rest = words[split:]
    if any(w.isupper() and len(w) > 1 for w, _ in rest):
        return words
    return rest + words[:split]


@lru_cache(maxsize=500_000)
def parse_name(text: str, kind: str = "person") -> ParsedName:
    """Analyse a name. `kind` is "person", "organization" or "other"."""
    lex = _lexicon()
    cleaned = clean_text(text)
    if kind == "organization":
        cleaned = replace_org_types_compare(cleaned)
    words = [(m.group(0).rstrip("."), bool(m.group(1))) for m in _WORD.finditer(cleaned)]
    words = [(w, dot) for w, dot in words if kind == "organization" or not w.isdigit()]
    if kind == "person":
        words = _surname_first(words)
    tokens: list[NameToken] = []
    lineage = False
    gender: str | None = None
    pending: list[str] = []
    pending_text: list[str] = []
    last = len(words) - 1
    for index, (word, dot) in enumerate(words):
        arabic = is_arabic(word)
        form = word_key(word)
        if not form or len(form) > MAX_TOKEN_LENGTH:
            continue
        if kind == "person" and not pending and index < last:
            if tokens and (form in lex.lineage or (form in lex.abbreviations and (dot or len(word) == 1))):
                lineage = True
                gender = gender or lex.lineage.get(form)
                continue
            if not tokens and (form in lex.titles or form in lex.lineage):
                continue
        if kind == "person" and index < last and _joins(form, word_key(words[index + 1][0])):
            pending.append(form)
            pending_text.append(word)
            continue
        if kind == "person" and index == last and not pending and form in lex.lineage and tokens:
            continue
        pending.append(form)
        pending_text.append(word)
        tokens.append(_make_token(" ".join(pending_text), pending, arabic))
        pending, pending_text = [], []
        if len(tokens) >= MAX_TOKENS:
            break
    if kind == "person":
        tokens = _merge_compounds(tokens)
    return ParsedName(text=cleaned, tokens=tuple(tokens), lineage=lineage, gender=gender)


def _joins(form: str, following: str) -> bool:
    """Does `form` make one name with the word that follows it?"""
    lex = _lexicon()
    if form in lex.join_next:
        return True
    if form not in lex.theophoric:
        return False
    return following in lex.divine or following in lex.articles or following.startswith("ال")


def _merge_compounds(tokens: list[NameToken]) -> list[NameToken]:
    """Join two adjacent words that together spell one known name."""
    lex = _lexicon()
    out: list[NameToken] = []
    for token in tokens:
        if out and not token.arabic and not out[-1].arabic:
            joined = out[-1].latin + token.latin
            if joined in lex.latin and lex.latin[joined] not in (out[-1].group, token.group):
                out[-1] = _make_token(f"{out[-1].text} {token.text}", [joined], False)
                continue
        out.append(token)
    return out


def token_similarity(a: NameToken, b: NameToken) -> tuple[float, str]:
    """How alike two name words are (0..1), and why, in a few words."""
    if a.latin == b.latin and a.arabic == b.arabic:
        return 1.0, "same"
    if a.group and a.group == b.group and a.group_exact and b.group_exact:
        return 0.95, "same name, other spelling"
    if a.initial or b.initial:
        return (0.6, "initial") if a.latin[:1] == b.latin[:1] else (0.0, "different")
    distinct = a.group_exact and b.group_exact and a.group != b.group
    same_skeleton = len(a.skeleton) >= 2 and a.skeleton == b.skeleton
    if a.arabic != b.arabic or (a.arabic and b.arabic):
        score = 0.88 if same_skeleton else 0.9 * OSA.normalized_similarity(a.skeleton, b.skeleton)
    else:
        score = OSA.normalized_similarity(a.latin, b.latin)
        if same_skeleton:
            score = max(score, 0.88)
        elif a.skeleton and a.skeleton == b.skeleton and a.latin[0] == b.latin[0]:
            # Short words differing by a vowel only ("Ly" / "Li", "Dao" / "Deo").
            score = max(score, 0.75)
    if distinct:
        score = min(score, 0.55)
    if score >= 0.88:
        return score, "similar spelling"
    if score >= 0.6:
        return score, "spelling differs slightly"
    return score, "different"


def _monotonic(pairs: list[tuple[int, int]]) -> bool:
    ordered = [j for _, j in sorted(pairs)]
    return all(x < y for x, y in zip(ordered, ordered[1:], strict=False))


_Match = tuple[float, int, int, str]


def _greedy(candidates: list[_Match]) -> list[_Match]:
    """Best pairs first, each word used once, in any order."""
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen: list[_Match] = []
    for sim, i, j, reason in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            chosen.append((sim, i, j, reason))
    return chosen


def _in_order(candidates: list[_Match], n: int, m: int) -> list[_Match]:
    """The best alignment that keeps the order of the words (dynamic programming)."""
    cell = {(i, j): c for c in candidates for i, j in [(c[1], c[2])]}
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = cell[(i, j)][0] + best[i + 1][j + 1] if (i, j) in cell else -1.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], take)
    chosen: list[_Match] = []
    i = j = 0
    while i < n and j < m:
        if (i, j) in cell and best[i][j] == cell[(i, j)][0] + best[i + 1][j + 1]:
            chosen.append(cell[(i, j)])
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return chosen


def _weight(chosen: list[_Match]) -> float:
    # Aligned words that are plainly different names are shown but add nothing.
    return sum(c[0] for c in chosen if c[0] >= 0.6)


@lru_cache(maxsize=50_000)
def compare_names(a: ParsedName, b: ParsedName) -> NameComparison:
    """Align the words of two names and score the alignment (0..1).

    Cached: common names meet each other again and again (namesakes, in
    searches and deduplication).

    A word split in two on one side ("Kate Lin" / "Katelin", "Abdel Kader" /
    "Abdelkader") is tried joined when it spells a word left unmatched on
    the other side.
    """
    first = best = _compare_tokens(a, b)
    if first.score >= 0.9:
        return first
    poor_a = [p.a for p in first.pairs if p.similarity < 0.88] + list(first.unmatched_a)
    poor_b = [p.b for p in first.pairs if p.similarity < 0.88] + list(first.unmatched_b)
    for joined_b in _joined_variants(b, poor_a):
        best = max(best, _compare_tokens(a, joined_b), key=lambda c: c.score)
    for joined_a in _joined_variants(a, poor_b):
        best = max(best, _compare_tokens(joined_a, b), key=lambda c: c.score)
    return best


def _joined_variants(name: ParsedName, poor: list[NameToken]) -> list[ParsedName]:
    """`name` with two adjacent words joined, where the joined word spells a poorly matched one."""
    targets = [t.latin for t in poor if not t.initial and not t.arabic]
    if not targets:
        return []
    out: list[ParsedName] = []
    tokens = name.tokens
    for i in range(len(tokens) - 1):
        x, y = tokens[i], tokens[i + 1]
        if x.arabic or y.arabic:
            continue
        joined = x.latin + y.latin
        if any(OSA.normalized_similarity(joined, t) >= 0.8 for t in targets):
            merged = _make_token(f"{x.text} {y.text}", [joined], False)
            out.append(replace(name, tokens=(*tokens[:i], merged, *tokens[i + 2 :])))
    return out


def _compare_tokens(a: ParsedName, b: ParsedName) -> NameComparison:
    candidates: list[_Match] = []
    for i, ta in enumerate(a.tokens):
        for j, tb in enumerate(b.tokens):
            sim, reason = token_similarity(ta, tb)
            if sim >= 0.5:
                candidates.append((sim, i, j, reason))
    free = _greedy(candidates)
    ordered = _in_order(candidates, len(a.tokens), len(b.tokens))
    # Prefer the order-keeping alignment unless crossing words explains much more.
    in_order = _weight(ordered) >= _weight(free) - 0.1
    chosen = sorted(ordered if in_order else free, key=lambda c: c[1])
    used_a = {c[1] for c in chosen}
    used_b = {c[2] for c in chosen}
    short, long = sorted((len(a.tokens), len(b.tokens)))
    score = _weight(chosen) / (short + 0.5 * (long - short)) if short else 0.0
    # Words of one letter carry little: a name made only of matching
    # initials is not a strong match.
    if all(a.tokens[i].initial or b.tokens[j].initial for _, i, j, _ in chosen):
        score = min(score, 0.5)
    if not in_order:
        in_order = _monotonic([(i, j) for sim, i, j, _ in chosen if sim >= 0.7])
    reversed_lineage = not in_order and a.lineage and b.lineage
    reordered = not in_order and not reversed_lineage
    if reordered:
        score *= 0.85 if (a.lineage or b.lineage) else 0.97
    return NameComparison(
        a=a,
        b=b,
        score=min(score, 1.0),
        pairs=tuple(TokenPair(a.tokens[i], b.tokens[j], s, r) for s, i, j, r in chosen),
        unmatched_a=tuple(t for i, t in enumerate(a.tokens) if i not in used_a),
        unmatched_b=tuple(t for j, t in enumerate(b.tokens) if j not in used_b),
        reversed_lineage=reversed_lineage,
        reordered=reordered,
    )


def describe(comparison: NameComparison) -> str:
    """An officer-readable account of a name comparison."""
    parts: list[str] = []
    for pair in comparison.pairs:
        sign = "=" if pair.reason == "same" else "~"
        parts.append(f"{pair.a.text} {sign} {pair.b.text} ({pair.reason})")
    for token in comparison.unmatched_a:
        parts.append(f"'{token.text}' only in the first name")
    for token in comparison.unmatched_b:
        parts.append(f"'{token.text}' only in the second name")
    if comparison.reversed_lineage:
        parts.append("the lineage is reversed (who is whose child differs)")
    elif comparison.reordered:
        parts.append("the words are in a different order")
    if comparison.a.lineage != comparison.b.lineage:
        parts.append("a lineage particle (Ould, Mint, Ag...) is written on one side only")
    head = f"'{comparison.a.text}' vs '{comparison.b.text}'"
    return head + (": " + "; ".join(parts) if parts else "")
