"""The loaded data and derived tables, computed once per build and handed to every page.

Each page of the book is a notebook run in its own kernel, so each would read, validate
and compute everything again. Instead the build computes every table once, after the
data checks passed, and saves them (:func:`save`) under a hash of every file in data/
and analysis/. A function marked :func:`once` looks there first: a kernel whose
inputs differ finds no saved tables under their hash and computes the table itself, so
saved tables are never stale. (Not to be confused with an edition's findings, which
``python -m analysis snapshot`` keeps in data/editions/.) Within one process each table is computed at most once.
"""

from __future__ import annotations

import functools
import inspect
import pickle

from analysis.paths import ROOT

DERIVED_DIR = ROOT / "_build" / "derived"
_TABLES: dict[tuple, object] = {}  # (module.function, its arguments) -> the table
_state = {"adopt": True}  # whether this process may still take the build's saved tables


def once(function):
    """Compute ``function``'s table once per process, or take it from the build's saved tables."""
    signature = inspect.signature(function)
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def table(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        key = (name, *bound.arguments.values())
        if key not in _TABLES and _state["adopt"]:
            _adopt()
        if key not in _TABLES:
            _TABLES[key] = function(*bound.args, **bound.kwargs)
        return _TABLES[key]

    table.cache_clear = clear
    return table


def clear() -> None:
    """Forget every table (the data changed under this process); take no saved tables after it."""
    _TABLES.clear()
    _state["adopt"] = False


def path():
    """Where the saved tables of the current inputs are (or would be)."""
    from analysis.cli import inputs_fingerprint  # what the notebook cache is keyed on too

    return DERIVED_DIR / f"{inputs_fingerprint()}.pickle"


def _adopt() -> None:
    _state["adopt"] = False
    found = path()
    if found.is_file():
        for key, value in pickle.loads(found.read_bytes()).items():
            _TABLES.setdefault(key, value)


def save() -> None:
    """Save every table this process has computed, replacing those of older inputs."""
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in target.parent.glob("*.pickle"):
        old.unlink()
    partial = target.with_suffix(".partial")
    partial.write_bytes(pickle.dumps(dict(_TABLES), protocol=pickle.HIGHEST_PROTOCOL))
    partial.replace(target)  # a kernel reads a whole file or none
