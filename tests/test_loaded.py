"""The derived tables are computed once per build and handed to the pages' kernels
(analysis/derived.py): taken only when computed from the very same inputs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis import cli, derived, results
from analysis.paths import ROOT


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """An empty table store in a project of its own, as a new process would start."""
    monkeypatch.setattr(derived, "_TABLES", {})
    monkeypatch.setattr(derived, "_state", {"adopt": True})
    monkeypatch.setattr(derived, "DERIVED_DIR", tmp_path / "_build" / "derived")
    monkeypatch.setattr(cli, "ROOT", tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "rows.csv").write_text("a,1\n")
    return tmp_path


def counted_table():
    calls = []

    @derived.once
    def table(unit: str = "code"):
        calls.append(unit)
        return {"unit": unit, "rows": [1, 2, 3]}

    return table, calls


def new_process(monkeypatch):
    monkeypatch.setattr(derived, "_TABLES", {})
    monkeypatch.setattr(derived, "_state", {"adopt": True})


def test_a_table_is_computed_once_per_process_whatever_the_spelling_of_its_arguments(fresh):
    table, calls = counted_table()
    assert table() == table("code") == table(unit="code") == {"unit": "code", "rows": [1, 2, 3]}
    assert table("item")["unit"] == "item"
    assert calls == ["code", "item"]


def test_a_new_process_takes_the_saved_tables_instead_of_computing_them(fresh, monkeypatch):
    table, calls = counted_table()
    table("item")
    derived.save()
    assert [p.name for p in derived.DERIVED_DIR.iterdir()] == [cli.inputs_fingerprint()]
    new_process(monkeypatch)
    assert table("item") == {"unit": "item", "rows": [1, 2, 3]}
    assert calls == ["item"]
    assert table("code")["unit"] == "code"  # not among the saved tables: computed
    assert calls == ["item", "code"]


def test_a_new_process_loads_only_the_tables_it_asks_for(fresh, monkeypatch):
    table, _ = counted_table()
    table("code"), table("item")
    derived.save()
    new_process(monkeypatch)
    table("item")
    assert list(derived._TABLES) == [(f"{__name__}.counted_table.<locals>.table", "item")]


def test_tables_saved_from_other_inputs_are_never_taken(fresh, monkeypatch):
    table, calls = counted_table()
    table()
    derived.save()
    (fresh / "data" / "rows.csv").write_text("a,2\n")  # one value changed after the build
    new_process(monkeypatch)
    table()
    assert calls == ["code", "code"]


def test_saving_replaces_the_tables_of_older_inputs(fresh, monkeypatch):
    table, _ = counted_table()
    table()
    derived.save()
    (fresh / "data" / "rows.csv").write_text("a,2\n")
    derived.save()
    assert [p.name for p in derived.DERIVED_DIR.iterdir()] == [cli.inputs_fingerprint()]


def test_after_a_clear_the_tables_are_computed_again_and_none_are_taken(fresh, monkeypatch):
    table, calls = counted_table()
    table()
    derived.save()
    new_process(monkeypatch)
    table.cache_clear()
    table()
    assert calls == ["code", "code"]


KERNEL = """
from analysis import results, salience

def refuse(*args, **kwargs):
    raise SystemExit("computed the salience table instead of taking the build's")

salience.salience = refuse
print(results.salience_table().to_csv(index=False))
"""


@pytest.mark.build
def test_a_page_kernel_takes_the_build_s_tables_which_equal_a_fresh_computation(site):
    """After `make book`, a fresh process (as a page's kernel is) gets the salience table
    without computing it, and it is the table a computation from the data gives."""
    taken = subprocess.run([sys.executable, "-c", KERNEL], cwd=ROOT, capture_output=True, text=True)
    assert taken.returncode == 0, taken.stderr
    assert taken.stdout == results._salience("code").to_csv(index=False) + "\n"
