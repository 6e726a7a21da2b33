"""The loaded data and derived tables, computed once per build and handed to every page.

Each page of the book is a notebook run in its own kernel, so each would read, validate
and compute everything again. Instead the build computes every table once, after the
data checks passed, and saves them (:func:`save`), one file per table, in a folder named
by a hash of every file in data/ and analysis/. A function marked :func:`once` looks
there first, for its own table only (a page that shows no interval never loads the
bootstrap's draws): a kernel whose inputs differ finds no folder under their hash and
computes the table itself, so saved tables are never stale. (Not to be confused with
an edition's findings, which ``python -m analysis snapshot`` keeps in data/editions/.)
Within one process each table is computed at most once.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import pickle
import shutil

from analysis.paths import ROOT

DERIVED_DIR = ROOT / "_build" / "derived"
_TABLES: dict[tuple, object] = {}  # (module.function, its arguments) -> the table
_state: dict = {"adopt": True}  # whether this process may still take the build's saved tables


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
            saved = _saved_folder() / _file_name(key)
            if saved.is_file():
                _TABLES[key] = pickle.loads(saved.read_bytes())
        if key not in _TABLES:
            _TABLES[key] = function(*bound.args, **bound.kwargs)
        return _TABLES[key]

    table.cache_clear = clear
    return table


def clear() -> None:
    """Forget every table (the data changed under this process); take no saved tables after it."""
    _TABLES.clear()
    _state["adopt"] = False


def _fingerprint() -> str:
    from analysis.cli import inputs_fingerprint  # what the notebook cache is keyed on too

    return inputs_fingerprint()


def _saved_folder():
    """The folder of the saved tables of this process's inputs (hashed once per process)."""
    if "folder" not in _state:
        _state["folder"] = DERIVED_DIR / _fingerprint()
    return _state["folder"]


def _file_name(key: tuple) -> str:
    """A table's file: its key (function name and plain arguments) hashed."""
    return hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32] + ".pickle"


def save() -> None:
    """Save every table this process has computed, replacing those of older inputs."""
    target = DERIVED_DIR / _fingerprint()
    partial = DERIVED_DIR / f"{target.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for key, value in _TABLES.items():
        (partial / _file_name(key)).write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    for old in DERIVED_DIR.iterdir():
        if old.is_dir() and old != partial:
            shutil.rmtree(old)
        elif old.is_file():
            old.unlink()
    partial.rename(target)  # a kernel finds all of a build's tables or none
