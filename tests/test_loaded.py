"""The derived tables are computed once per loaded data and handed to the pages' kernels
(analysis/loaded.py): taken only when computed from the very same inputs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis import cli, loaded, results
from analysis.loaded import Loaded
from analysis.paths import ROOT


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """A project of its own, with no saved tables yet, as a new build would start."""
    monkeypatch.setattr(loaded, "DERIVED_DIR", tmp_path / "_build" / "derived")
    monkeypatch.setattr(cli, "ROOT", tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "rows.csv").write_text("a,1\n")
    return tmp_path


def counted_table():
    calls = []

    @loaded.table
    def table(data, unit: str = "code"):
        calls.append(unit)
        return {"unit": unit, "rows": [1, 2, 3]}

    return table, calls


def test_a_table_is_computed_once_per_loaded_data_whatever_the_spelling_of_its_arguments(fresh):
    table, calls = counted_table()
    data = Loaded()
    assert table(data) == table(data, "code") == table(data, unit="code") == {"unit": "code", "rows": [1, 2, 3]}
    assert table(data, "item")["unit"] == "item"
    assert calls == ["code", "item"]


def test_a_new_loaded_data_takes_the_saved_tables_instead_of_computing_them(fresh):
    table, calls = counted_table()
    data = Loaded()
    table(data, "item")
    folder = loaded.save(data, cli.inputs_fingerprint())
    assert [p.name for p in loaded.DERIVED_DIR.iterdir()] == [cli.inputs_fingerprint()] == [folder.name]
    kernel = loaded.load()
    assert kernel.saved == folder
    assert table(kernel, "item") == {"unit": "item", "rows": [1, 2, 3]}
    assert calls == ["item"]
    assert table(kernel, "code")["unit"] == "code"  # not among the saved tables: computed
    assert calls == ["item", "code"]
    other = Loaded(saved=folder)  # the same, given the folder directly
    assert table(other, "item") == {"unit": "item", "rows": [1, 2, 3]}
    assert calls == ["item", "code"]


def test_a_new_loaded_data_loads_only_the_tables_it_asks_for(fresh):
    table, _ = counted_table()
    data = Loaded()
    table(data, "code"), table(data, "item")
    loaded.save(data, cli.inputs_fingerprint())
    kernel = loaded.load()
    assert kernel.saved is not None
    table(kernel, "item")
    assert list(kernel.tables) == [(f"{__name__}.counted_table.<locals>.table", "item")]


def test_tables_saved_from_other_inputs_are_never_taken(fresh):
    table, calls = counted_table()
    data = Loaded()
    table(data)
    loaded.save(data, cli.inputs_fingerprint())
    (fresh / "data" / "rows.csv").write_text("a,2\n")  # one value changed after the build
    kernel = loaded.load()
    assert kernel.saved is None  # no folder for the new inputs' fingerprint
    table(kernel)
    assert calls == ["code", "code"]


def test_saving_replaces_the_tables_of_older_inputs(fresh):
    table, _ = counted_table()
    data = Loaded()
    table(data)
    loaded.save(data, cli.inputs_fingerprint())
    (fresh / "data" / "rows.csv").write_text("a,2\n")
    newer = Loaded()
    table(newer)
    loaded.save(newer, cli.inputs_fingerprint())
    assert [p.name for p in loaded.DERIVED_DIR.iterdir()] == [cli.inputs_fingerprint()]


def test_two_loaded_data_never_share_their_tables(fresh):
    table, calls = counted_table()
    first, second = Loaded(), Loaded()
    table(first)
    table(second)
    assert calls == ["code", "code"]
    assert first.tables is not second.tables
    table(first)
    assert calls == ["code", "code"]
    loaded.save(first, cli.inputs_fingerprint())
    table(Loaded())  # made without the saved folder: computes, takes none
    assert calls == ["code", "code", "code"]


KERNEL = """
from analysis import loaded, results, salience

def refuse(*args, **kwargs):
    raise SystemExit("computed the salience table instead of taking the build's")

salience.salience = refuse
print(results.salience_table(loaded.load()).to_csv(index=False))
"""


@pytest.mark.build
def test_a_page_kernel_takes_the_build_s_tables_which_equal_a_fresh_computation(site):
    """After `make book`, a fresh process (as a page's kernel is) gets the salience table
    without computing it, and it is the table a computation from the data gives."""
    taken = subprocess.run([sys.executable, "-c", KERNEL], cwd=ROOT, capture_output=True, text=True)
    assert taken.returncode == 0, taken.stderr
    assert taken.stdout == results._salience(Loaded(), "code").to_csv(index=False) + "\n"
