"""Reads the demo's data files (demo/data/: JSON and CSV, UTF-8), once per process."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def read_json(name: str):
    """The parsed content of demo/data/<name> (objects keep the order of the file)."""
    with (DATA_DIR / name).open(encoding="utf-8") as f:
        return json.load(f)


@cache
def read_csv(name: str) -> tuple[dict[str, str], ...]:
    """The rows of demo/data/<name>, each a dict keyed by the header row."""
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))
