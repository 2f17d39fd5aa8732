"""Loading of the YAML data files under `data/`.

The regional knowledge (name groups, particles, phonetic classes, the scoring
model) lives in data files, not in code, so that it can be reviewed and
extended by people who know the names. Each file is read once per process.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load(name: str) -> Any:
    """Parse `data/<name>.yaml` (cached)."""
    text = resources.files("pcms.matching").joinpath("data").joinpath(f"{name}.yaml").read_text("utf-8")
    return yaml.safe_load(text)
