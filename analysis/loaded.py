"""The loaded data: the project's data files, read and validated once, and every table
derived from them, in one object passed to whatever computes a finding.

Measures, tables, charts, findings and the data package all take a :class:`Loaded` as
their first argument (named ``data``), so nothing is read or computed behind a caller's
back and a test builds the world it needs. ``load()`` makes one for the project's files.

Each page of the book is a notebook run in its own kernel, so each would read, validate
and compute everything again. Instead the build computes every table once, after the
data checks passed, and saves them (:func:`save`), one file per table, in a folder named
by a hash of every file in data/ and analysis/ and of CITATION.cff. A table marked :func:`table` looks there
first, for itself only (a page that shows no interval never loads the bootstrap's
draws): a kernel whose inputs differ finds no folder under their hash and computes the
table itself, so saved tables are never stale. (Not to be confused with an edition's
findings, which ``python -m analysis snapshot`` keeps in data/editions/.)
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import pickle
import shutil
from pathlib import Path

from analysis.datafiles import load_yaml
from analysis.paths import ROOT

DERIVED_DIR = ROOT / "_build" / "derived"


class Loaded:
    """The project's data files, each read and validated on first use, and the tables
    derived from them, each computed at most once."""

    def __init__(self, saved: Path | None = None):
        self.saved = saved  # a build's saved tables for these very inputs, or None
        self.tables: dict[tuple, object] = {}  # (module.function, its arguments) -> the table
        # (document_id, quote, prefix, suffix) -> where the quote is, or why it is nowhere:
        # it depends on the document's text alone, and every check of a coding file asks
        self.anchors: dict[tuple[str, str, str, str], object] = {}
        self.files: dict[Path, list[dict]] = {}  # a CSV data file -> its rows (see rows)

    def rows(self, path: Path) -> list[dict]:
        """A CSV data file's rows, read once: the reliability rounds, the errata, the stance
        audit and the review of 'not raised' cells. `validate`, which every build runs
        first, checks these files (it needs tables derived from the others to do so)."""
        from analysis.datafiles import read_rows

        if path not in self.files:
            self.files[path] = read_rows(path)
        return self.files[path]

    @functools.cached_property
    def metadata(self) -> dict:
        """The sources metadata (sources -> documents), checked against every text it lists."""
        from analysis import corpus

        path = corpus.SOURCES_METADATA
        return _valid(corpus.validate_sources(path), lambda: load_yaml(path.read_text(encoding="utf-8")))

    @functools.cached_property
    def documents(self) -> dict:
        """Every document by id, in metadata order, split into paragraphs and sentences."""
        from analysis import corpus

        found = {}
        for source in self.metadata["sources"]:
            for entry in source["documents"]:
                path = corpus.SOURCES_METADATA.parent / entry["file"]  # beside it, as validate_sources checks
                text = corpus.read_text(path)
                paragraphs = tuple(corpus.split_document(entry["id"], text))
                found[entry["id"]] = corpus.Document(entry["id"], source["id"], path, text, paragraphs)
        return found

    @functools.cached_property
    def codebook(self) -> dict:
        """The codebook, validated."""
        from analysis import coding

        return _valid(coding.validate_codebook(self, coding.CODEBOOK), lambda: coding.read_codebook(coding.CODEBOOK))

    @functools.cached_property
    def errata(self) -> tuple[tuple[str, str, str], ...]:
        """The extraction faults and their readings: (document_id, wrong, reading), validated."""
        from analysis import coding

        return _valid(coding.validate_errata(self, coding.ERRATA), lambda: coding.read_errata(coding.ERRATA))

    @functools.cached_property
    def rubrics(self) -> dict:
        """The two indices' rubrics, validated against the codebook."""
        from analysis import coding, indices

        codes = coding.codes(self)
        return _valid(indices.validate_rubrics(codes, indices.RUBRICS), lambda: indices.read_rubrics(indices.RUBRICS))


def _valid(problems: list, read):
    from analysis.datafiles import DataError

    if problems:
        raise DataError(problems)
    return read()


def load() -> Loaded:
    """The project's data, with the build's saved tables when they were computed from
    these very inputs."""
    from analysis.cli import inputs_fingerprint  # what the notebook cache is keyed on too

    folder = DERIVED_DIR / inputs_fingerprint()
    return Loaded(folder if folder.is_dir() else None)


def table(function):
    """Compute ``function(data, ...)``'s table once per ``data``, or take it from the
    build's saved tables."""
    signature = inspect.signature(function)
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def cached(data: Loaded, *args, **kwargs):
        bound = signature.bind(data, *args, **kwargs)
        bound.apply_defaults()
        key = (name, *list(bound.arguments.values())[1:])
        if key not in data.tables and data.saved is not None:
            saved = data.saved / _file_name(key)
            if saved.is_file():
                data.tables[key] = pickle.loads(saved.read_bytes())
        if key not in data.tables:
            data.tables[key] = function(*bound.args, **bound.kwargs)
        return data.tables[key]

    return cached


def _file_name(key: tuple) -> str:
    """A table's file: its key (function name and plain arguments) hashed."""
    return hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32] + ".pickle"


def save(data: Loaded, fingerprint: str) -> Path:
    """Save every table ``data`` holds under ``fingerprint``, the hash of the inputs taken
    before ``data`` read them (a build that sees them change meanwhile fails), replacing
    those of older inputs; returns the folder."""
    target = DERIVED_DIR / fingerprint
    partial = DERIVED_DIR / f"{target.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for key, value in data.tables.items():
        (partial / _file_name(key)).write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    for old in DERIVED_DIR.iterdir():
        if old.is_dir() and old != partial:
            shutil.rmtree(old)
        elif old.is_file():
            old.unlink()
    partial.rename(target)  # a kernel finds all of a build's tables or none
    return target
