"""Entity matching for people, organisations, vehicles and identity documents.

Pure Python, no Django. Built for the names of the Sahel: Arabic script and
its Latin transliterations (French, English, West African and Chadian
conventions), lineage particles (Ould, Mint, Ag, Ben), partial dates.

    >>> from pcms.matching import compare
    >>> a = {"schema": "Person", "properties": {"name": ["محمد ولد عبد الله"]}}
    >>> b = {"schema": "Person", "properties": {"name": ["Mohamed Ould Abdallahi"]}}
    >>> compare(a, b).is_match
    True

See docs/matching.md for the design and the figures.
"""

from .features import Record, prepare
from .index import MatchIndex
from .match import compare
from .score import ScoringModel, default_model
from .types import EntityData, Evidence, InvalidEntity, MatchResult, Verdict

__all__ = [
    "EntityData",
    "Evidence",
    "InvalidEntity",
    "MatchIndex",
    "MatchResult",
    "Record",
    "ScoringModel",
    "Verdict",
    "compare",
    "default_model",
    "prepare",
]
