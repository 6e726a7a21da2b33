"""The command line, in-process: every subcommand reaches the right function with the
right arguments, every check runs in its order, and `build` never replaces the previous
site unless the whole build succeeded. Slow or building steps (jupyter-book, Chromium,
the data package) are replaced by recorders; the data checks and listings run on the
project's own data."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from analysis import citation, cli, coding, corpus, editions, indices, measures, pdf, reader, results, review
from analysis import export as package
from analysis.datafiles import read_rows
from analysis.loaded import Loaded
from analysis.paths import CODING_DIR, ROOT, SOURCES_METADATA

TESTS = Path(__file__).resolve().parent
KNOWN_IDS = [
    d["id"] for s in yaml.safe_load(SOURCES_METADATA.read_text(encoding="utf-8"))["sources"] for d in s["documents"]
]
UNKNOWN = f"unknown document 'XX-1'; known: {', '.join(KNOWN_IDS)}"
HEADER = "document_id,quote,prefix,suffix,code,item,stance,coder,note\n"
GOOD = "CE-2024,AI can monitor and predict the emergence of designer drugs,,,enf_technology_tools,,endorses,A,\n"


def lines(capsys) -> list[str]:
    return capsys.readouterr().out.splitlines()


# --- progress ---------------------------------------------------------------------------------


class FlushRecorder:
    def __init__(self):
        self.text, self.flushed = "", []

    def write(self, text):
        self.text += text
        return len(text)

    def flush(self):
        self.flushed.append(self.text)


def test_progress_prints_a_tagged_line_and_flushes(monkeypatch):
    out = FlushRecorder()
    monkeypatch.setattr(sys, "stdout", out)
    cli.progress("hello there")
    assert out.text == "[analysis] hello there\n"
    assert out.flushed == ["[analysis] hello there\n"]


# --- main: parser and dispatch ----------------------------------------------------------------

SUBCOMMANDS = {  # each subcommand with its help text (for the newer ones, a part of it)
    "build": "build the site into _build/html (strict)",
    "validate": "check all data; print file:row:column: message lines",
    "export": "write the data package (datapackage.json + CSV) into DIR",
    "sentences": "list every sentence with its id (tab-separated)",
    "suggest": "keyword-coder candidate codes for one document",
    "add-source": "add a document: copy its text, write its metadata, list it",
    "sample": "the reliability sample rows (sample.csv) of one document",
    "unreviewed": "zero_review.csv",
    "snapshot": "data/editions/",
}


@pytest.fixture
def wide(monkeypatch):
    """Help text laid out on one line per entry."""
    monkeypatch.setenv("COLUMNS", "250")


def help_of(capsys, *argv) -> str:
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*argv, "--help"])
    assert exit_info.value.code == 0
    return capsys.readouterr().out


def test_top_level_help_lists_every_subcommand_with_its_help(wide, capsys):
    out = help_of(capsys)
    assert out.startswith(f"usage: python -m analysis [-h] {{{','.join(SUBCOMMANDS)}}} ...\n")
    assert "\nCommand line: ``python -m analysis build | validate | export DIR | add-source FILE | " in out
    for name, text in SUBCOMMANDS.items():
        assert re.search(rf"^    {re.escape(name)} +.*{re.escape(text)}", out, flags=re.MULTILINE), (name, out)


def test_subcommand_help_texts(wide, capsys):
    validate = help_of(capsys, "validate")
    assert validate.startswith("usage: python -m analysis validate [-h] [--annotations ANNOTATIONS]\n")
    assert " ".join(validate.split()).endswith(
        "--annotations ANNOTATIONS check this annotations file instead of the project's"
    )
    export = help_of(capsys, "export")
    assert export.startswith("usage: python -m analysis export [-h] directory\n")
    for name in ("suggest", "sample"):
        assert help_of(capsys, name).startswith(f"usage: python -m analysis {name} [-h] document_id\n")
    for name in ("build", "sentences", "unreviewed", "snapshot"):
        assert help_of(capsys, name).startswith(f"usage: python -m analysis {name} [-h]\n")
    add = " ".join(help_of(capsys, "add-source").split())
    assert add.startswith(
        "usage: python -m analysis add-source [-h] --id DOCUMENT_ID --title TITLE --publisher PUBLISHER --kind KIND"
        " --date DATE --date-basis DATE_BASIS --date-status {stated,inferred} [--short-title SHORT_TITLE]"
        " [--event EVENT] [--reference-year REFERENCE_YEAR] [--source-label SOURCE_LABEL]"
        " [--source-name SOURCE_NAME] file "
    )
    for text in (
        "file the document's text, UTF-8",
        "--id DOCUMENT_ID document id, e.g. XX-2025 (source XX)",
        "--short-title SHORT_TITLE title of its reader page after label and year (default: --kind)",
        "--reference-year REFERENCE_YEAR the year the document speaks of (default: its date's)",
        "--source-label SOURCE_LABEL short label of a new source, e.g. 'Scotland'",
        "--source-name SOURCE_NAME full name of a new source's body",
    ):
        assert re.search(rf" {re.escape(text)}( |$)", add), text


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([])
    assert exit_info.value.code == 2
    assert "the following arguments are required: command" in capsys.readouterr().err


def test_an_unknown_command_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["frobnicate"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


@pytest.fixture
def recorders(monkeypatch):
    """Every target of main replaced by a recorder returning a distinct exit code."""
    calls = []

    def recorder(name, code):
        def record(*args):
            calls.append((name, args))
            return code

        return record

    names = (
        "build",
        "validate",
        "export",
        "list_sentences",
        "suggest",
        "sample",
        "add_source",
        "unreviewed",
        "snapshot",
    )
    for number, name in enumerate(names):
        monkeypatch.setattr(cli, name, recorder(name, 10 + number))
    return calls


@pytest.mark.parametrize(
    ("argv", "expected", "code"),
    [
        (["build"], ("build", ()), 10),
        (["validate"], ("validate", (None,)), 11),
        (["validate", "--annotations", "some/file.csv"], ("validate", (Path("some/file.csv"),)), 11),
        (["export", "out/dir"], ("export", (Path("out/dir"),)), 12),
        (["sentences"], ("list_sentences", ()), 13),
        (["suggest", "DU-2020"], ("suggest", ("DU-2020",)), 14),
        (["sample", "CA-2019"], ("sample", ("CA-2019",)), 15),
        (["unreviewed"], ("unreviewed", ()), 17),
        (["snapshot"], ("snapshot", ()), 18),
    ],
)
def test_main_dispatches_each_command(recorders, argv, expected, code):
    assert cli.main(argv) == code
    ((name, args),) = recorders
    if name == "validate":  # main gives validate the project's data, loaded afresh
        given, *args = args
        assert isinstance(given, Loaded)
        args = tuple(args)
    assert [(name, args)] == [expected]
    for argument in expected[1]:
        assert type(argument) is type(expected[1][0])


ADD_ARGS = [
    "new.txt",
    "--id",
    "ZZ-2025",
    "--title",
    "A title",
    "--publisher",
    "A publisher",
    "--kind",
    "review",
    "--date",
    "2025-03",
    "--date-basis",
    "Stated on the cover.",
    "--date-status",
    "stated",
]


def test_main_add_source_passes_every_option(recorders):
    extra = ["--short-title", "Short", "--event", "A meeting", "--reference-year", "2024"]
    extra += ["--source-label", "Zed", "--source-name", "Zed body", "--date-status", "inferred"]
    assert cli.main(["add-source", *ADD_ARGS, *extra]) == 16
    ((name, (args,)),) = recorders
    assert name == "add_source"
    assert vars(args) == {
        "command": "add-source",
        "file": Path("new.txt"),
        "document_id": "ZZ-2025",
        "title": "A title",
        "publisher": "A publisher",
        "kind": "review",
        "date": "2025-03",
        "date_basis": "Stated on the cover.",
        "date_status": "inferred",
        "short_title": "Short",
        "event": "A meeting",
        "reference_year": 2024,
        "source_label": "Zed",
        "source_name": "Zed body",
    }
    assert isinstance(args.file, Path)
    assert type(args.reference_year) is int


def test_main_add_source_defaults(recorders):
    cli.main(["add-source", *ADD_ARGS])
    ((_, (args,)),) = recorders
    assert args.date_status == "stated"
    assert (args.short_title, args.event, args.reference_year) == (None, "not stated", None)
    assert (args.source_label, args.source_name) == (None, None)


@pytest.mark.parametrize(
    "option", ["--id", "--title", "--publisher", "--kind", "--date", "--date-basis", "--date-status"]
)
def test_add_source_options_are_required(recorders, capsys, option):
    at = ADD_ARGS.index(option)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["add-source", *ADD_ARGS[:at], *ADD_ARGS[at + 2 :]])
    assert exit_info.value.code == 2
    assert f"the following arguments are required: {option}" in capsys.readouterr().err
    assert recorders == []


def test_add_source_date_status_has_two_choices(recorders, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["add-source", *ADD_ARGS, "--date-status", "guessed"])
    assert exit_info.value.code == 2
    assert "argument --date-status: invalid choice: 'guessed' (choose from 'stated', 'inferred')" in (
        capsys.readouterr().err
    )
    assert recorders == []


def test_add_source_file_is_required(recorders, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["add-source", *ADD_ARGS[1:]])
    assert exit_info.value.code == 2
    assert "the following arguments are required: file" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["suggest", "sample", "export"])
def test_commands_with_an_argument_need_it(recorders, capsys, name):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([name])
    assert exit_info.value.code == 2
    assert "the following arguments are required" in capsys.readouterr().err
    assert recorders == []


# --- validate -----------------------------------------------------------------------------------

VALIDATING = "[analysis] validating sources, codebook, rubrics, errata and annotations"
RELIABILITY = "[analysis] validating the reliability sample, codings and adjudication"
REVIEW = "[analysis] validating the stance audit and the review of 'not raised' cells"
PASSED = "[analysis] all data checks passed"
STAGES = (
    *("sources", "codebook", "errata", "rubrics", "annotations", "reliability"),
    *("stance_audit", "zero_review_table", "zero_review"),
)


def test_validate_passes_on_the_project_data(capsys, data):
    assert cli.validate(data) == 0
    assert lines(capsys) == [VALIDATING, RELIABILITY, REVIEW, PASSED]


def test_validate_a_bad_annotations_file_names_the_cell(tmp_path, capsys, data):
    path = tmp_path / "annotations.csv"
    path.write_text(HEADER + GOOD + GOOD.replace("enf_technology_tools", "enf_teleportation"), encoding="utf-8")
    assert cli.validate(data, path) == 1
    out = lines(capsys)
    assert out[0] == VALIDATING
    assert out[1].startswith(f"{path}:3:5: ") and "enf_teleportation" in out[1]
    assert out[2:] == ["[analysis] 1 problem(s) found"]


def test_validate_a_threats_row_without_its_item_names_the_item_cell(tmp_path, capsys, data):
    path = tmp_path / "annotations.csv"
    row = "CE-2024,Captagon has emerged as a significant problem,,,thr_methamphetamine,,endorses,A,\n"
    path.write_text(HEADER + row, encoding="utf-8")
    assert cli.validate(data, path) == 1
    assert lines(capsys) == [
        VALIDATING,
        f"{path}:2:6: thr_methamphetamine needs one of its items",
        "[analysis] 1 problem(s) found",
    ]


@pytest.fixture
def checks(monkeypatch):
    """Every check validate runs, replaced by a recorder; problems[stage] makes it fail.
    The review of 'not raised' cells is given the salience and item tables (stand-ins here)."""
    calls, problems = [], {}
    codes = pd.DataFrame({"code": ["a_code"]})
    salience, items = pd.DataFrame({"salience": [1]}), pd.DataFrame({"items": [1]})

    def fake(stage):
        def check(*args):
            calls.append((stage, args))
            return list(problems.get(stage, []))

        return check

    monkeypatch.setattr(corpus, "validate_sources", fake("sources"))
    monkeypatch.setattr(coding, "validate_codebook", fake("codebook"))
    monkeypatch.setattr(coding, "validate_errata", fake("errata"))
    monkeypatch.setattr(coding, "codes", lambda data: codes)
    monkeypatch.setattr(indices, "validate_rubrics", fake("rubrics"))
    monkeypatch.setattr(coding, "validate_annotations", fake("annotations"))
    monkeypatch.setattr(coding, "validate_reliability", fake("reliability"))
    monkeypatch.setattr(review, "validate_stance_audit", fake("stance_audit"))
    monkeypatch.setattr(review, "check_zero_review_table", fake("zero_review_table"))
    monkeypatch.setattr(review, "validate_zero_review", fake("zero_review"))
    tables = []  # the derived tables computed: they read zero_review.csv
    monkeypatch.setattr(results, "salience_table", lambda data: tables.append("salience") or salience)
    monkeypatch.setattr(results, "item_table", lambda data: tables.append("items") or items)
    return SimpleNamespace(calls=calls, problems=problems, codes=codes, salience=salience, items=items, tables=tables)


def test_validate_runs_every_check_in_order(checks, capsys):
    data = Loaded()
    assert cli.validate(data) == 0
    assert [stage for stage, _ in checks.calls] == list(STAGES)
    arguments = dict(checks.calls)
    assert arguments["rubrics"] == (checks.codes,)
    given, annotations = arguments["annotations"]
    assert given is data and annotations == coding.ANNOTATIONS
    assert arguments["sources"] == ()
    for stage in ("codebook", "errata", "reliability", "stance_audit", "zero_review_table"):
        (given,) = arguments[stage]
        assert given is data, stage
    given, salience, items = arguments["zero_review"]
    assert given is data and salience is checks.salience and items is checks.items
    assert lines(capsys) == [VALIDATING, RELIABILITY, REVIEW, PASSED]


def test_validate_of_another_annotations_file_skips_the_reliability_and_review_checks(checks, capsys, tmp_path):
    data = Loaded()
    assert cli.validate(data, tmp_path / "mine.csv") == 0
    assert [stage for stage, _ in checks.calls] == list(STAGES[:5])
    given, annotations = dict(checks.calls)["annotations"]
    assert given is data and annotations == tmp_path / "mine.csv"
    assert lines(capsys) == [VALIDATING, PASSED]


@pytest.mark.parametrize(
    ("failing", "ran"),
    [
        ("sources", STAGES[:1]),
        ("codebook", STAGES[:3]),
        ("errata", STAGES[:3]),
        ("rubrics", STAGES[:4]),
        ("annotations", STAGES[:5]),
        ("reliability", STAGES[:6]),
        ("stance_audit", STAGES),  # the audit and the review run together
        ("zero_review_table", STAGES[:8]),  # the review's own columns, before any table reads it
        ("zero_review", STAGES),
    ],
)
def test_a_problem_stops_the_later_checks(checks, capsys, failing, ran, data):
    checks.problems[failing] = [f"data/{failing}:3:4: broken"]
    assert cli.validate(data) == 1
    assert [stage for stage, _ in checks.calls] == list(ran)
    expected = [VALIDATING, *([RELIABILITY] if len(ran) > 5 else []), *([REVIEW] if len(ran) > 6 else [])]
    assert lines(capsys) == [*expected, f"data/{failing}:3:4: broken", "[analysis] 1 problem(s) found"]


def test_the_derived_tables_are_computed_only_once_the_review_file_s_columns_hold(checks, data):
    checks.problems["zero_review_table"] = ["data/coding/zero_review.csv:1:1: no source_id column"]
    assert cli.validate(data) == 1
    assert checks.tables == []
    checks.problems.clear()
    assert cli.validate(data) == 0
    assert checks.tables == ["salience", "items"]


def test_both_review_checks_report_together(checks, capsys, data):
    checks.problems["stance_audit"] = ["audit:2:7: one"]
    checks.problems["zero_review"] = ["review:3:5: two"]
    assert cli.validate(data) == 1
    assert lines(capsys)[-3:] == ["audit:2:7: one", "review:3:5: two", "[analysis] 2 problem(s) found"]


def test_every_problem_is_printed_and_counted(checks, capsys, data):
    checks.problems["codebook"] = ["codebook:1:1: one", "codebook:2:1: two"]
    checks.problems["errata"] = ["errata:5:2: three"]
    assert cli.validate(data) == 1
    assert lines(capsys) == [
        VALIDATING,
        "codebook:1:1: one",
        "codebook:2:1: two",
        "errata:5:2: three",
        "[analysis] 3 problem(s) found",
    ]


# --- export -------------------------------------------------------------------------------------


@pytest.fixture
def fake_export(monkeypatch):
    calls = []

    def export(data, directory):
        calls.append((data, directory))
        return directory / "datapackage.json"

    monkeypatch.setattr(package, "export", export)
    return calls


def test_export_stops_when_validation_fails(monkeypatch, fake_export, capsys, tmp_path):
    monkeypatch.setattr(cli, "validate", lambda *args: 1)
    assert cli.export(tmp_path / "out") == 1
    assert fake_export == []
    assert lines(capsys) == ["[analysis] export stopped: fix the problems above first"]
    assert not (tmp_path / "out").exists()


def test_export_writes_the_package_after_validation(monkeypatch, fake_export, capsys, tmp_path):
    validated = []
    monkeypatch.setattr(cli, "validate", lambda *args: validated.append(args) or 0)
    assert cli.export(tmp_path / "out") == 0
    ((data,),) = validated
    assert isinstance(data, Loaded)
    ((exported, directory),) = fake_export
    assert exported is data and directory == tmp_path / "out"  # the package of the data validated
    assert lines(capsys) == [f"[analysis] wrote {tmp_path / 'out' / 'datapackage.json'}"]


# --- is_known, suggest, sample, sentences ------------------------------------------------------


def test_is_known(capsys, data):
    for document_id in KNOWN_IDS:
        assert cli.is_known(data, document_id) is True
    assert lines(capsys) == []
    assert cli.is_known(data, "XX-1") is False
    assert lines(capsys) == [UNKNOWN]


@pytest.fixture
def no_keyword_coder(monkeypatch):
    def refuse(data, codes):
        raise AssertionError("the keyword coder ran")

    monkeypatch.setattr(measures, "keyword_coding", refuse)


def test_suggest_refuses_an_unknown_document(no_keyword_coder, capsys):
    assert cli.suggest("XX-1") == 1
    assert lines(capsys) == [UNKNOWN]


def test_suggest_prints_the_candidates_of_one_document(monkeypatch, capsys, data):
    text = {s.id: s.text for s in data.documents["CA-2019"].sentences}
    frame = pd.DataFrame(
        [
            ("CA-2019-p005-s01", "thr_opioids"),
            ("DU-2020-p005-s01", "hr_naloxone"),
            ("CA-2019-p004-s01", "enf_border"),
            ("CA-2019-p005-s01", "hr_naloxone"),
        ],
        columns=["sentence_id", "code"],
    )
    given = []
    monkeypatch.setattr(measures, "keyword_coding", lambda data, codes: given.append(codes) or frame)
    assert cli.suggest("CA-2019") == 0
    assert lines(capsys) == [
        f"CA-2019-p005-s01\tthr_opioids\t{text['CA-2019-p005-s01']}",
        f"CA-2019-p004-s01\tenf_border\t{text['CA-2019-p004-s01']}",
        f"CA-2019-p005-s01\thr_naloxone\t{text['CA-2019-p005-s01']}",
    ]
    (codes,) = given
    assert codes.equals(coding.codes(data))


def test_suggest_with_the_real_keyword_coder(capsys, data):
    text = {s.id: s.text for s in data.documents["DU-2020"].sentences}
    assert cli.suggest("DU-2020") == 0
    out = lines(capsys)
    assert out
    rows = [line.split("\t") for line in out]
    assert all(len(row) == 3 and text[row[0]] == row[2] for row in rows)
    assert any(row[1] == "hr_naloxone" for row in rows)


def sample_rows() -> list[dict]:
    with (CODING_DIR / "reliability" / "sample.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_sample_prints_the_recorded_rows_of_each_document(capsys):
    rows = sample_rows()
    for document_id in KNOWN_IDS:
        assert cli.sample(document_id) == 0
        expected = [f"{r['sentence_id']},{r['document_id']}" for r in rows if r["document_id"] == document_id]
        assert expected
        assert lines(capsys) == expected


def test_sample_refuses_an_unknown_document(capsys):
    assert cli.sample("XX-1") == 1
    assert lines(capsys) == [UNKNOWN]


def test_sentences_lists_every_sentence_with_its_kind(capsys, data):
    with (TESTS / "pinned_sentences.csv").open(encoding="utf-8", newline="") as handle:
        pinned = list(csv.DictReader(handle))
    text = {s.id: s.text for d in data.documents.values() for s in d.sentences}
    assert cli.list_sentences() == 0
    out = lines(capsys)
    assert out == [f"{r['sentence_id']}\t{r['kind']}\t{text[r['sentence_id']]}" for r in pinned]


# --- unreviewed and snapshot ----------------------------------------------------------------------


def test_unreviewed_lists_nothing_when_every_not_raised_cell_is_reviewed(capsys):
    """The project's zero_review.csv reviews all of its 'not raised' cells."""
    assert cli.unreviewed() == 0
    assert lines(capsys) == ["[analysis] 0 'not raised' cell(s) not yet reviewed"]


DROPPED = {("CH", "enf_online_enforcement", ""), ("CH", "thr_methamphetamine", "captagon")}


def test_unreviewed_lists_each_cell_without_a_review_with_its_source_candidates(tmp_path, monkeypatch, capsys):
    """Two rows dropped from a copy of zero_review.csv: CH × enf_online_enforcement and
    CH × Captagon (thr_methamphetamine). The keyword coder (a stand-in) proposes the code
    in a CH sentence, in a CA sentence (another source) and another code in CH; only the
    first is a candidate. Cells in sorted order; no candidate is 'none'."""
    rows = read_rows(review.ZERO_REVIEW)
    kept = [r for r in rows if (r["source_id"], r["code"], r["item"]) not in DROPPED]
    assert len(kept) == len(rows) - 2
    path = tmp_path / "zero_review.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    monkeypatch.setattr(review, "ZERO_REVIEW", path)
    candidates = pd.DataFrame(
        [
            ("CH-2013b-p009-s01", "enf_online_enforcement"),
            ("CA-2019-p005-s01", "enf_online_enforcement"),
            ("CH-2013a-p016-s01", "thr_synthetic_production"),
        ],
        columns=["sentence_id", "code"],
    )
    monkeypatch.setattr(measures, "keyword_coding", lambda data, codes: candidates)
    assert cli.unreviewed() == 0
    assert lines(capsys) == [
        "CH\tenf_online_enforcement\t\tcandidates: CH-2013b-p009-s01",
        "CH\tthr_methamphetamine\tcaptagon\tcandidates: none",
        "[analysis] 2 'not raised' cell(s) not yet reviewed",
    ]


@pytest.fixture
def editions_in(tmp_path, monkeypatch) -> Path:
    """Editions kept under tmp_path/data/editions, tmp_path standing for the project root."""
    monkeypatch.setattr(cli, "ROOT", tmp_path)
    monkeypatch.setattr(editions, "EDITIONS_DIR", tmp_path / "data" / "editions")
    return tmp_path / "data" / "editions"


def test_snapshot_stops_when_validation_fails(editions_in, monkeypatch, capsys):
    monkeypatch.setattr(cli, "validate", lambda *args: 1)
    assert cli.snapshot() == 1
    assert lines(capsys) == ["[analysis] snapshot stopped: fix the problems above first"]
    assert not editions_in.exists()


def test_snapshot_keeps_the_findings_under_the_version_and_never_overwrites_them(editions_in, monkeypatch, capsys):
    """The version is CITATION.cff's (read here as YAML); a second snapshot of the same
    version is refused and leaves the first as it was."""
    monkeypatch.setattr(cli, "validate", lambda *args: 0)
    version = str(yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))["version"])
    target = editions_in / version
    assert cli.snapshot() == 0
    assert lines(capsys) == [f"[analysis] kept this edition's findings in data/editions/{version}"]
    names = sorted(p.name for p in target.iterdir())
    assert names == sorted(["edition.yaml", *(f"{t}.csv" for t in editions.TABLES)])
    assert yaml.safe_load((target / "edition.yaml").read_text(encoding="utf-8"))["version"] == version
    header = (target / "coding.csv").read_text(encoding="utf-8").split("\n")[0]
    assert header == "sentence_id,code,item,stance"
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    assert cli.snapshot() == 1
    assert lines(capsys) == [
        f"[analysis] data/editions/{version} exists already: raise the version in CITATION.cff first"
    ]
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before


# --- add-source ---------------------------------------------------------------------------------


def test_add_source_refusal_writes_nothing(monkeypatch, capsys, tmp_path):
    calls = []

    def refuse(text_path, document_id, **fields):
        calls.append((text_path, document_id, fields))
        return ["data/sources/sources.yaml:1:1: ZZ is a new source", "new.txt:0:0: another"]

    monkeypatch.setattr("analysis.add_source.add_source", refuse)
    monkeypatch.setattr(measures, "keyword_coding", lambda data, codes: pytest.fail("listed after a refusal"))
    assert cli.main(["add-source", *ADD_ARGS, "--event", "A meeting"]) == 1
    assert calls == [
        (
            Path("new.txt"),
            "ZZ-2025",
            {
                "title": "A title",
                "publisher": "A publisher",
                "kind": "review",
                "date": "2025-03",
                "date_basis": "Stated on the cover.",
                "date_status": "stated",
                "short_title": None,
                "event": "A meeting",
                "reference_year": None,
                "source_label": None,
                "source_name": None,
            },
        )
    ]
    assert lines(capsys) == [
        "data/sources/sources.yaml:1:1: ZZ is a new source",
        "new.txt:0:0: another",
        "[analysis] nothing was written",
    ]


NEW_TEXT = "# Zed drugs review\n\nPolice hand out naloxone to people who use opioids. The weather was mild.\n"


def test_add_source_lists_the_new_document_with_candidates(monkeypatch, capsys, tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    for path in SOURCES_METADATA.parent.glob("*.txt"):
        (sources / path.name).write_bytes(path.read_bytes())
    metadata = yaml.safe_load(SOURCES_METADATA.read_text(encoding="utf-8"))
    entry = {  # complete, as add_source writes it: the data loaded after the add are validated
        "id": "ZZ-2025",
        "file": "ZZ-2025.txt",
        "title": "A title",
        "publisher": "A publisher",
        "kind": "review",
        "date": "2025-03",
        "date_status": "stated",
        "date_basis": "Stated on the cover.",
        "event": "not stated",
        "reference_year": 2025,
        "words": len(NEW_TEXT.split()),
        "sha256": hashlib.sha256(NEW_TEXT.encode("utf-8")).hexdigest(),
    }
    metadata["sources"].append({"id": "ZZ", "label": "Zed", "name": "Zed", "documents": [entry]})
    before = Loaded()
    assert "ZZ-2025" not in before.documents  # loaded before the document is added

    def add(text_path, document_id, **fields):
        (sources / f"{document_id}.txt").write_text(NEW_TEXT, encoding="utf-8")
        (sources / "sources.yaml").write_text(yaml.safe_dump(metadata), encoding="utf-8")
        monkeypatch.setattr(corpus, "SOURCES_METADATA", sources / "sources.yaml")
        return []

    monkeypatch.setattr("analysis.add_source.add_source", add)
    assert cli.main(["add-source", *ADD_ARGS]) == 0
    assert lines(capsys) == [
        "[analysis] added ZZ-2025: data/sources/ZZ-2025.txt and its entry in sources.yaml",
        "ZZ-2025-p001-s01\theading\tZed drugs review",
        "ZZ-2025-p002-s01\ttext\tPolice hand out naloxone to people who use opioids.\t"
        "[candidates: hr_naloxone, thr_opioids]",
        "ZZ-2025-p002-s02\ttext\tThe weather was mild.",
        "[analysis] next: code every sentence in annotations.csv; then `python -m analysis sample ZZ-2025`",
    ]


# --- fingerprints, stamps and the notebook cache ------------------------------------------------

TREE = {  # created in this order, which is not the sorted one
    "data/zeta.csv": b"z,1\n",
    "data/alpha.csv": b"a,1\n",
    "data/mid/inner.csv": b"i,1\n",
    "data/__pycache__/junk.pyc": b"\x00junk",
    "analysis/mod.py": b"x = 1\n",
    "analysis/__pycache__/mod.cpython-311.pyc": b"\x00pyc",
    "book/page.md": b"# Page\n",
    "book/_static/vega-bundle.js": b"bundle",
    "book/_static/site.css": b"body {}\n",
    "_config.yml": b"title: t\n",
}


def digest_of(pairs: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, content in pairs:
        digest.update(name.encode())
        digest.update(content)
    return digest.hexdigest()


@pytest.fixture
def tree(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "project"
    for name, content in TREE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    monkeypatch.setattr(cli, "ROOT", root)
    monkeypatch.setattr(cli, "VEGA_BUNDLE", root / "book" / "_static" / "vega-bundle.js")
    monkeypatch.setattr(cli, "CACHE_DIR", root / "_build" / ".jupyter_cache")
    monkeypatch.setattr(cli, "INPUTS_STAMP", root / "_build" / ".inputs.sha256")
    return root


def test_the_fingerprint_hashes_paths_and_contents_in_sorted_order(tree):
    notebook_inputs = [("data/alpha.csv", b"a,1\n"), ("data/mid/inner.csv", b"i,1\n"), ("data/zeta.csv", b"z,1\n")]
    notebook_inputs.append(("analysis/mod.py", b"x = 1\n"))
    assert cli.inputs_fingerprint() == digest_of(notebook_inputs)
    assert cli.inputs_fingerprint(("data", "analysis")) == digest_of(notebook_inputs)
    site = [("book/_static/site.css", b"body {}\n"), ("book/page.md", b"# Page\n"), ("_config.yml", b"title: t\n")]
    assert cli.inputs_fingerprint(("book", "_config.yml", "missing.txt")) == digest_of(site)
    assert cli.inputs_fingerprint(()) == hashlib.sha256().hexdigest()


def test_the_fingerprint_follows_contents_and_names_only(tree):
    before = cli.inputs_fingerprint()
    site_before = cli.inputs_fingerprint(cli.SITE_INPUTS)
    (tree / "data/__pycache__/junk.pyc").write_bytes(b"other")
    (tree / "analysis/__pycache__/new.pyc").write_bytes(b"new")
    (tree / "book/_static/vega-bundle.js").write_bytes(b"another bundle")
    assert cli.inputs_fingerprint() == before
    assert cli.inputs_fingerprint(cli.SITE_INPUTS) == site_before
    (tree / "data/zeta.csv").write_bytes(b"z,2\n")
    changed = cli.inputs_fingerprint()
    assert changed != before
    (tree / "data/zeta.csv").rename(tree / "data/omega.csv")
    assert cli.inputs_fingerprint() not in (before, changed)
    (tree / "data/omega.csv").rename(tree / "data/zeta.csv")
    assert cli.inputs_fingerprint() == changed
    (tree / "_config.yml").write_bytes(b"title: u\n")
    assert cli.inputs_fingerprint(cli.SITE_INPUTS) != site_before
    assert cli.inputs_fingerprint() == changed
    (tree / "CITATION.cff").write_bytes(b"version: 2.0.0\n")  # a new version or DOI: the cite page runs again
    assert cli.inputs_fingerprint() != changed


def test_stamp(tmp_path):
    assert cli._stamp(tmp_path / "none") is None
    (tmp_path / "stamp").write_text("  abc123\n")
    assert cli._stamp(tmp_path / "stamp") == "abc123"


def test_a_stale_stamp_clears_the_notebook_cache(tree, capsys):
    (tree / "_build/.jupyter_cache/db").parent.mkdir(parents=True)
    (tree / "_build/.jupyter_cache/db").write_text("cache")
    (tree / "_build/.inputs.sha256").write_text("stale\n")
    assert cli.drop_stale_cache() == cli.inputs_fingerprint()
    assert not (tree / "_build/.jupyter_cache").exists()
    assert lines(capsys) == [
        "[analysis] data, analysis, CITATION.cff or requirements changed: clearing the notebook cache"
    ]


def test_no_stamp_clears_the_notebook_cache(tree, capsys):
    (tree / "_build/.jupyter_cache").mkdir(parents=True)
    assert cli.drop_stale_cache() == cli.inputs_fingerprint()
    assert not (tree / "_build/.jupyter_cache").exists()
    assert len(lines(capsys)) == 1


def test_a_current_stamp_keeps_the_notebook_cache(tree, capsys):
    (tree / "_build/.jupyter_cache").mkdir(parents=True)
    (tree / "_build/.inputs.sha256").write_text(cli.inputs_fingerprint() + "\n")
    assert cli.drop_stale_cache() == cli.inputs_fingerprint()
    assert (tree / "_build/.jupyter_cache").is_dir()
    assert lines(capsys) == []


def test_a_stale_stamp_without_a_cache_is_quiet(tree, capsys):
    (tree / "_build").mkdir()
    (tree / "_build/.inputs.sha256").write_text("stale\n")
    assert cli.drop_stale_cache() == cli.inputs_fingerprint()
    assert lines(capsys) == []


# --- the Vega bundle ----------------------------------------------------------------------------

BUNDLE = "v" * (2048 - len("(function () {\n\n})();\n"))
WRAPPED = "(function () {\n" + BUNDLE + "\n})();\n"


@pytest.fixture
def vega(tree, monkeypatch):
    import vl_convert

    monkeypatch.setattr(vl_convert, "javascript_bundle", lambda *args, **kwargs: BUNDLE)
    return tree / "book" / "_static" / "deep" / "er" / "vega-bundle.js"


def test_the_vega_bundle_is_written_wrapped(vega, capsys):
    assert len(WRAPPED) == 2048
    cli.write_vega_bundle(vega)
    assert vega.read_bytes() == WRAPPED.encode()
    assert lines(capsys) == ["[analysis] wrote book/_static/deep/er/vega-bundle.js (2 KiB)"]


def test_an_identical_vega_bundle_is_not_rewritten(vega, capsys):
    vega.parent.mkdir(parents=True)
    vega.write_text(WRAPPED, encoding="utf-8")
    os.utime(vega, (1_000_000, 1_000_000))
    cli.write_vega_bundle(vega)
    assert vega.stat().st_mtime == 1_000_000
    assert lines(capsys) == []


def test_a_different_vega_bundle_is_replaced(vega, capsys):
    vega.parent.mkdir(parents=True)
    vega.write_text("(function () {\nold\n})();\n", encoding="utf-8")
    cli.write_vega_bundle(vega)
    assert vega.read_text(encoding="utf-8") == WRAPPED
    assert lines(capsys) == ["[analysis] wrote book/_static/deep/er/vega-bundle.js (2 KiB)"]


@pytest.fixture
def latin1_locale(monkeypatch):
    """Text files opened without an encoding read and write Latin-1, as under such a locale."""
    real = io.text_encoding
    monkeypatch.setattr(io, "text_encoding", lambda encoding, *args: "latin-1" if encoding is None else real(encoding))


def test_the_vega_bundle_is_utf8_whatever_the_locale(vega, monkeypatch, latin1_locale):
    import vl_convert

    monkeypatch.setattr(vl_convert, "javascript_bundle", lambda *args, **kwargs: "const arrow = '→ é';")
    cli.write_vega_bundle(vega)
    assert vega.read_bytes() == "(function () {\nconst arrow = '→ é';\n})();\n".encode()
    os.utime(vega, (1_000_000, 1_000_000))
    cli.write_vega_bundle(vega)
    assert vega.stat().st_mtime == 1_000_000


# --- make_pdf -----------------------------------------------------------------------------------


@pytest.fixture
def pdf_fakes(tmp_path, monkeypatch):
    state = SimpleNamespace(browser="/opt/chromium", page=tmp_path / "single" / "edition.html", calls=[])
    monkeypatch.setattr(cli, "ROOT", tmp_path)
    monkeypatch.setattr(cli, "STAGING_DIR", tmp_path / "staging")
    monkeypatch.setattr(pdf, "chromium", lambda: state.browser)

    def single_page(*args):
        state.calls.append(("single_page", args))
        return state.page

    def print_pdf(*args):
        state.calls.append(("print_pdf", args))
        args[1].write_bytes(b"%PDF" + b"-" * 2044)

    monkeypatch.setattr(pdf, "single_page", single_page)
    monkeypatch.setattr(pdf, "print_pdf", print_pdf)
    return state


PDF_START = "[analysis] building the PDF edition: the whole book as one page, printed by headless Chromium"


def test_make_pdf_needs_chromium(pdf_fakes, capsys, tmp_path):
    pdf_fakes.browser = None
    assert cli.make_pdf(tmp_path / "book.pdf") == 1
    assert pdf_fakes.calls == []
    assert lines(capsys) == ["[analysis] the PDF edition needs Chromium: apt-get install chromium (or set CHROMIUM)"]


def test_make_pdf_stops_when_the_single_page_fails(pdf_fakes, capsys, tmp_path):
    pdf_fakes.page = None
    assert cli.make_pdf(tmp_path / "book.pdf") == 1
    assert pdf_fakes.calls == [
        ("single_page", (tmp_path, tmp_path / "staging" / "single", tmp_path / "staging" / "doctrees"))
    ]
    assert lines(capsys) == [PDF_START]
    assert not (tmp_path / "book.pdf").exists()


def test_make_pdf_prints_the_single_page(pdf_fakes, capsys, tmp_path):
    target = tmp_path / "book.pdf"
    assert cli.make_pdf(target) == 0
    assert pdf_fakes.calls == [
        ("single_page", (tmp_path, tmp_path / "staging" / "single", tmp_path / "staging" / "doctrees")),
        ("print_pdf", (pdf_fakes.page, target, "/opt/chromium")),
    ]
    assert lines(capsys) == [PDF_START, "[analysis] wrote the PDF edition (2 KiB)"]


# --- build --------------------------------------------------------------------------------------

PREVIOUS = b"<!doctype html><title>previous site</title>"
NEW = b"<!doctype html><title>new site</title>"
UNCHANGED = "the previous site in _build/html is unchanged"


@pytest.fixture
def project(tree, monkeypatch):
    """A tiny project with a previous site and old stamps; every slow step is a recorder."""
    build = tree / "_build"
    paths = SimpleNamespace(
        root=tree,
        build=build,
        site=build / "html",
        staging=build / "staging",
        executed=build / "executed",
        cache=build / ".jupyter_cache",
        inputs_stamp=build / ".inputs.sha256",
        site_stamp=build / ".site-inputs.sha256",
        package=build / "extra" / "datapackage",
        figures=build / "extra" / "figures",
        staged=build / "staging" / "html",
    )
    for name, value in (
        ("BUILD_DIR", paths.build),
        ("SITE_DIR", paths.site),
        ("STAGING_DIR", paths.staging),
        ("EXECUTED_DIR", paths.executed),
        ("CACHE_DIR", paths.cache),
        ("INPUTS_STAMP", paths.inputs_stamp),
        ("SITE_STAMP", paths.site_stamp),
        ("PACKAGE_DIR", paths.package),
        ("FIGURES_DIR", paths.figures),
    ):
        monkeypatch.setattr(cli, name, value)
    paths.site.mkdir(parents=True)
    (paths.site / "index.html").write_bytes(PREVIOUS)
    paths.inputs_stamp.write_text("old inputs\n")
    paths.site_stamp.write_text("old site\n")

    log = []
    given = []  # the data each step was given: the build's one Loaded
    state = SimpleNamespace(
        log=log, given=given, sources=[], validate=0, figures=0, jupyter_book="ok", pdf=0, paths=paths
    )
    state.edit_during_build = False

    def step(entry, result=None):
        def run_step(data, *args):
            assert isinstance(data, Loaded)
            given.append(data)
            log.append(entry if isinstance(entry, str) else (*entry, *args))
            return result() if result else None

        return run_step

    monkeypatch.setattr(corpus, "validate_sources", lambda *args: list(state.sources))
    monkeypatch.setattr(reader, "write_pages", step("write_pages"))
    monkeypatch.setattr(citation, "write_sources_bib", step("write_sources_bib"))
    monkeypatch.setattr(cli, "validate", step(("validate",), lambda: state.validate))
    monkeypatch.setattr(cli, "write_vega_bundle", lambda *args: log.append(("write_vega_bundle", *args)))
    monkeypatch.setattr(cli, "write_figures", step(("write_figures",), lambda: state.figures))

    def export(data, directory):
        given.append(data)
        log.append(("export", directory))
        directory.mkdir(parents=True)
        (directory / "datapackage.json").write_text("{}")
        return directory / "datapackage.json"

    def run(command, **kwargs):
        log.append(("jupyter-book", command, kwargs))
        if state.edit_during_build:
            (tree / "data" / "zeta.csv").write_bytes(b"z,edited while the book was built\n")
        if state.jupyter_book in ("ok", "fail"):
            paths.staged.mkdir(parents=True)
            (paths.staged / "index.html").write_bytes(NEW)
            (paths.staging / "jupyter_execute").mkdir()
            (paths.staging / "jupyter_execute" / "page.ipynb").write_bytes(NEW)
        if state.jupyter_book == "fail":
            (paths.staged / "reports").mkdir()
            return SimpleNamespace(returncode=2)
        return SimpleNamespace(returncode=0)

    def make_pdf(target):
        log.append(("make_pdf", target))
        target.write_bytes(b"%PDF")
        return state.pdf

    monkeypatch.setattr(package, "export", export)
    monkeypatch.setattr(results, "save_derived", step("save_derived"))
    monkeypatch.setattr(cli.subprocess, "run", run)
    monkeypatch.setattr(cli, "make_pdf", make_pdf)
    return state


def assert_previous_site(project):
    paths = project.paths
    assert sorted(p.name for p in paths.site.iterdir()) == ["index.html"]
    assert (paths.site / "index.html").read_bytes() == PREVIOUS
    assert not paths.executed.exists(), "a failed build publishes no executed notebook"
    assert paths.inputs_stamp.read_text() == "old inputs\n"
    assert paths.site_stamp.read_text() == "old site\n"


def jupyter_book_command(staging: Path) -> list[str]:
    """The site's strict build into staging/html, reading into the doctrees the PDF's build reuses."""
    return [sys.executable, "-m", "analysis.sphinx_build", "html", str(staging / "html"), str(staging / "doctrees")]


def test_build_with_invalid_sources_writes_no_page(project, capsys):
    project.sources = ["data/sources/sources.yaml:3:1: broken"]
    assert cli.build() == 1
    assert project.log == [("validate",)]
    assert lines(capsys) == [f"[analysis] build stopped before any page was written; {UNCHANGED}"]
    assert_previous_site(project)


def test_build_with_nothing_changed_stops_at_once(project, capsys):
    project.paths.site_stamp.write_text(cli.inputs_fingerprint(cli.SITE_INPUTS) + "\n")
    assert cli.build() == 0
    assert project.log == ["write_pages", "write_sources_bib"]
    assert lines(capsys) == ["[analysis] nothing the site is built from has changed: _build/html is up to date"]


def test_build_stops_when_validation_fails(project, capsys):
    project.validate = 1
    assert cli.build() == 1
    assert project.log == ["write_pages", "write_sources_bib", ("validate",)]
    assert lines(capsys) == [f"[analysis] build stopped before any notebook ran; {UNCHANGED}"]
    assert_previous_site(project)


BUILDING = (
    f"[analysis] building the book on {len(os.sched_getaffinity(0))} core(s)"
    " (executes changed notebooks; strict: warnings are errors)"
)
SNAPSHOT_LINE = "[analysis] saved the derived tables for the pages' kernels (_build/derived)"
PACKAGE_LINE = "[analysis] wrote the data package into _build/extra/datapackage (published as /datapackage/)"


def test_a_failed_jupyter_book_leaves_the_previous_site(project, capsys):
    project.jupyter_book = "fail"
    assert cli.build() == 2
    assert [entry if isinstance(entry, str) else entry[0] for entry in project.log] == [
        "write_pages",
        "write_sources_bib",
        "validate",
        "save_derived",
        "export",
        "write_figures",
        "write_vega_bundle",
        "jupyter-book",
    ]
    assert lines(capsys) == [
        SNAPSHOT_LINE,
        PACKAGE_LINE,
        BUILDING,
        f"[analysis] build FAILED; {UNCHANGED}",
        "[analysis] notebook execution reports: _build/staging/html/reports",
    ]
    assert_previous_site(project)


def test_a_figure_that_cannot_be_drawn_stops_the_build_before_any_notebook_runs(project, capsys):
    project.figures = 1
    assert cli.build() == 1
    assert [entry if isinstance(entry, str) else entry[0] for entry in project.log][-2:] == ["export", "write_figures"]
    stopped = f"[analysis] build stopped before any notebook ran; {UNCHANGED}"
    assert lines(capsys) == [SNAPSHOT_LINE, PACKAGE_LINE, stopped]
    assert_previous_site(project)


def test_write_figures_draws_each_figure_and_says_how_long_it_took(tmp_path, monkeypatch, capsys, data):
    from analysis import downloads

    def write(data, label, directory):
        directory.mkdir(parents=True, exist_ok=True)
        png = directory / f"{label}.png"
        png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + (1234).to_bytes(4, "big") + bytes(8))
        return directory / f"{label}.svg", png

    monkeypatch.setattr(downloads, "labels", lambda: ["fig-a", "fig-b"])
    monkeypatch.setattr(downloads, "write", write)
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "fig-gone.png").write_bytes(b"stale")
    assert cli.write_figures(data, tmp_path / "figures") == 0
    out = lines(capsys)
    assert out[:3] == [
        "[analysis] drawing the 2 figures for download as SVG and PNG",
        "[analysis]   1/2 fig-a (PNG 1234 px wide)",
        "[analysis]   2/2 fig-b (PNG 1234 px wide)",
    ]
    assert re.fullmatch(r"\[analysis\] drew the figures' downloads in \d+\.\d s \(published as /figures/\)", out[3])
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == ["fig-a.png", "fig-b.png"]


def test_write_figures_names_a_figure_it_cannot_draw(tmp_path, monkeypatch, capsys, data):
    from analysis import downloads

    def write(data, label, directory):
        raise ValueError(f"analysis/exhibits.py: figure {label} has no title to draw on its downloads")

    monkeypatch.setattr(downloads, "labels", lambda: ["fig-a"])
    monkeypatch.setattr(downloads, "write", write)
    assert cli.write_figures(data, tmp_path / "figures") == 1
    assert lines(capsys)[-1] == "analysis/exhibits.py: figure fig-a has no title to draw on its downloads"


def test_a_jupyter_book_that_writes_no_site_fails(project, capsys):
    project.jupyter_book = "nothing"
    assert cli.build() == 1
    assert lines(capsys)[-1] == f"[analysis] build FAILED; {UNCHANGED}"
    assert not any(entry[0] == "make_pdf" for entry in project.log if isinstance(entry, tuple))
    assert_previous_site(project)


def test_a_failed_pdf_edition_leaves_the_previous_site(project, capsys):
    project.pdf = 1
    assert cli.build() == 1
    assert project.log[-1] == ("make_pdf", project.paths.staged / "book.pdf")
    assert lines(capsys)[-1] == f"[analysis] build FAILED at the PDF edition; {UNCHANGED}"
    assert_previous_site(project)


def test_inputs_edited_during_the_build_fail_it_and_leave_the_previous_site(project, capsys):
    """The saved tables and the pages could mix old and new data: nothing is published,
    and the old stamps make the next build start again from the data as it is then."""
    project.edit_during_build = True
    assert cli.build() == 1
    assert lines(capsys)[-2:] == [
        "[analysis] build FAILED: data, analysis, CITATION.cff or requirements changed during the build; run it again",
        f"[analysis] {UNCHANGED}",
    ]
    assert_previous_site(project)


def test_a_successful_build_replaces_the_site_and_writes_both_stamps(project, capsys):
    paths = project.paths
    (paths.cache / "db").parent.mkdir(parents=True)
    (paths.cache / "db").write_text("cache")
    (paths.package / "stale.csv").parent.mkdir(parents=True)
    (paths.package / "stale.csv").write_text("stale")
    (paths.staged / "stale.html").parent.mkdir(parents=True)
    (paths.staged / "stale.html").write_text("stale")
    assert cli.build() == 0
    assert project.log == [
        "write_pages",
        "write_sources_bib",
        ("validate",),
        "save_derived",
        ("export", paths.package),
        ("write_figures",),
        ("write_vega_bundle",),
        ("jupyter-book", jupyter_book_command(paths.staging), {"cwd": paths.root}),
        ("make_pdf", paths.staged / "book.pdf"),
    ]
    assert len(project.given) == 6 and all(data is project.given[0] for data in project.given)
    assert lines(capsys) == [
        SNAPSHOT_LINE,
        PACKAGE_LINE,
        "[analysis] data, analysis, CITATION.cff or requirements changed: clearing the notebook cache",
        BUILDING,
        "[analysis] site ready: _build/html/index.html",
    ]
    assert sorted(p.name for p in paths.site.iterdir()) == ["book.pdf", "index.html"]
    assert (paths.site / "index.html").read_bytes() == NEW
    assert (paths.executed / "page.ipynb").read_bytes() == NEW, "the site's executed notebooks go with it"
    assert not paths.staged.exists()
    assert not paths.cache.exists()
    assert sorted(p.name for p in paths.package.iterdir()) == ["datapackage.json"]
    assert paths.inputs_stamp.read_text() == cli.inputs_fingerprint() + "\n"
    assert paths.site_stamp.read_text() == cli.inputs_fingerprint(cli.SITE_INPUTS) + "\n"
    assert cli.inputs_fingerprint() != cli.inputs_fingerprint(cli.SITE_INPUTS)


def test_a_current_stamp_without_a_site_still_builds(project, capsys):
    paths = project.paths
    (paths.site / "index.html").unlink()
    paths.site.rmdir()
    paths.site_stamp.write_text(cli.inputs_fingerprint(cli.SITE_INPUTS) + "\n")
    assert cli.build() == 0
    assert (paths.site / "index.html").read_bytes() == NEW
    assert lines(capsys)[-1] == "[analysis] site ready: _build/html/index.html"
