"""Load and validate the codebook, errata and quote-anchored annotations.

An annotation names a document, a verbatim quote, a code and a stance
(W3C TextQuoteSelector style: prefix/suffix only where the quote is not unique).
Paragraph and sentence ids are never typed: they are derived here from where the
quote is found in its document. Every problem is reported as
``file:row:column: message``, so a maintainer can fix the data without a traceback.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from analysis import corpus
from analysis.datafiles import DataError, Problem, check_table, locate, read_checked_yaml, read_rows, table_schema
from analysis.paths import CODING_DIR

CODEBOOK = CODING_DIR / "codebook.yaml"
ANNOTATIONS = CODING_DIR / "annotations.csv"
ERRATA = CODING_DIR / "errata.csv"
STANCES = ("endorses", "implements", "describes", "questions")


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    sentence: corpus.Sentence


# --- codebook ---------------------------------------------------------------


def read_codebook(path: Path = CODEBOOK) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8-sig"))


def validate_codebook(path: Path = CODEBOOK) -> list[Problem]:
    """Schema, unique ids, and example quotes found verbatim in their documents."""
    book, problems = read_checked_yaml(path, "codebook.schema.json", "codebook")
    if problems:
        return problems
    seen: set[str] = set()
    documents = {d.id for d in corpus.load_documents()}
    for d, dimension in enumerate(book["dimensions"]):
        for c, code in enumerate(dimension["codes"]):
            where = f"{dimension['id']}/{code['id']}"
            place = ("dimensions", d, "codes", c)
            if code["id"] in seen:
                problems.append(Problem(path, *locate(path, *place, "id"), f"{where}: duplicate code id"))
            seen.add(code["id"])
            example = code["example"]
            if example["document"] not in documents:
                line, column = locate(path, *place, "example", "document")
                problems.append(Problem(path, line, column, f"{where}: unknown document {example['document']!r}"))
            elif not find_quote(example["document"], example["quote"]):
                line, column = locate(path, *place, "example", "quote")
                problems.append(Problem(path, line, column, f"{where}: example quote not found verbatim"))
    return problems


@cache
def codebook() -> dict:
    problems = validate_codebook()
    if problems:
        raise DataError(problems)
    return read_codebook()


def codes() -> pd.DataFrame:
    """One row per code, in codebook order, with its dimension."""
    rows = []
    for dimension in codebook()["dimensions"]:
        for code in dimension["codes"]:
            rows.append(
                {
                    "dimension": dimension["id"],
                    "dimension_label": dimension["label"],
                    "code": code["id"],
                    "label": code["label"],
                    "short": code["short"],
                    "definition": code["definition"],
                    "include": " | ".join(code["include"]),
                    "exclude": " | ".join(code["exclude"]),
                    "example_document": code["example"]["document"],
                    "example_quote": code["example"]["quote"],
                    "keywords": "; ".join(code["keywords"]),
                }
            )
    return pd.DataFrame(rows)


# --- errata -----------------------------------------------------------------


def validate_errata(path: Path = ERRATA) -> list[Problem]:
    documents = {d.id: d for d in corpus.load_documents()}
    problems = check_table(path, table_schema("errata", document_id=sorted(documents)))
    if problems:
        return problems
    for row_number, row in enumerate(read_rows(path), start=2):
        if not _errata_pattern(row["wrong"]).search(documents[row["document_id"]].text):
            problems.append(Problem(path, row_number, 2, f"{row['wrong']!r} does not occur in {row['document_id']}"))
    return problems


def _errata_pattern(wrong: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(wrong)}(?!\w)")


@cache
def errata() -> tuple[tuple[str, str, str], ...]:
    problems = validate_errata()
    if problems:
        raise DataError(problems)
    return tuple((r["document_id"], r["wrong"], r["reading"]) for r in read_rows(ERRATA))


def corrected(document_id: str, text: str) -> str:
    """The reading of a span: extraction faults replaced by their errata readings."""
    for doc, wrong, reading in errata():
        if doc == document_id:
            text = _errata_pattern(wrong).sub(reading, text)
    return text


def reading(document_id: str, quote: str) -> str:
    """How a verbatim quote reads on the page: markup removed, errata readings applied."""
    return corrected(document_id, corpus.clean(quote))


# --- quote anchoring --------------------------------------------------------


def _pattern(text: str) -> str:
    """Regex for a verbatim quote in which any run of whitespace matches any run."""
    return r"\s+".join(re.escape(token) for token in text.split())


def find_quote(document_id: str, quote: str, prefix: str = "", suffix: str = "") -> list[tuple[int, int]]:
    """Every (start, end) where the quote occurs, keeping only those preceded by
    ``prefix`` and followed by ``suffix`` when these are given."""
    text = corpus.load_document(document_id).text
    if not quote.split():
        return []
    pattern = re.compile(_pattern(quote))
    spans, position = [], 0
    while match := pattern.search(text, position):
        spans.append((match.start(), match.end()))
        position = match.start() + 1
    if prefix.strip():
        before = re.compile(_pattern(prefix) + r"\s*\Z")
        spans = [(s, e) for s, e in spans if before.search(text, max(0, s - 3 * len(prefix) - 50), s)]
    if suffix.strip():
        after = re.compile(r"\s*" + _pattern(suffix))
        spans = [(s, e) for s, e in spans if after.match(text, e)]
    return spans


def nearest(document_id: str, quote: str) -> tuple[str, str]:
    """The sentence most like the quote, for an error message: (id, text)."""
    best, best_ratio = None, -1.0
    target = " ".join(quote.split())
    for sentence in corpus.load_document(document_id).sentences:
        raw = " ".join(sentence.raw.split())
        matcher = difflib.SequenceMatcher(None, target, raw, autojunk=False)
        match = matcher.find_longest_match(0, len(target), 0, len(raw))
        begin = max(0, match.b - match.a - 10)
        window = raw[begin : begin + len(target) + 30]
        ratio = difflib.SequenceMatcher(None, target, window, autojunk=False).ratio()
        if ratio > best_ratio:
            best, best_ratio = (sentence.id, window), ratio
    return best


def anchor(document_id: str, quote: str, prefix: str = "", suffix: str = "") -> Anchor | str:
    """The quote's unique position and sentence, or the reason it has none."""
    spans = find_quote(document_id, quote, prefix, suffix)
    document = corpus.load_document(document_id)
    if not spans:
        sentence_id, text = nearest(document_id, quote)
        return f"quote not found verbatim in {document_id}; nearest is {sentence_id}: {text!r}"
    if len(spans) > 1:
        where = ", ".join(_sentence_at(document, s).id for s, _ in spans)
        return f"quote occurs {len(spans)} times in {document_id} ({where}); add a prefix or suffix"
    start, end = spans[0]
    sentence = _sentence_at(document, start)
    if end > sentence.end:
        last = _sentence_at(document, end - 1)
        return f"quote runs across sentences {sentence.id} and {last.id}; quote within one sentence"
    return Anchor(start, end, sentence)


def _sentence_at(document: corpus.Document, offset: int) -> corpus.Sentence:
    for sentence in document.sentences:
        if sentence.start <= offset < sentence.end:
            return sentence
    raise ValueError(f"offset {offset} of {document.id} lies in no sentence")


# --- annotations ------------------------------------------------------------

KEY = ("document_id", "quote", "prefix", "suffix", "code")


def validate_annotations(path: Path = ANNOTATIONS) -> list[Problem]:
    """Every check on the annotations file, as Problems (empty list: valid)."""
    code_dimension = {c.code: c.dimension for c in codes().itertuples()}
    documents = [d.id for d in corpus.load_documents()]
    schema = table_schema("annotations", document_id=documents, code=list(code_dimension), stance=list(STANCES))
    problems = check_table(path, schema)
    if problems:
        return problems
    column = {f["name"]: i for i, f in enumerate(schema["fields"], start=1)}
    first_row: dict[tuple, int] = {}
    for row_number, row in enumerate(read_rows(path), start=2):
        key = tuple(row[k] for k in KEY)
        if key in first_row:
            problems.append(Problem(path, row_number, column["code"], f"duplicate of row {first_row[key]}"))
            continue
        first_row[key] = row_number
        if row["quote"] != row["quote"].strip():
            problems.append(Problem(path, row_number, column["quote"], "quote has leading or trailing spaces"))
        if row["stance"] == "implements" and code_dimension[row["code"]] == "threats":
            problems.append(Problem(path, row_number, column["stance"], "'implements' is not used for threats codes"))
        result = anchor(row["document_id"], row["quote"], row["prefix"], row["suffix"])
        if isinstance(result, str):
            problems.append(Problem(path, row_number, column["quote"], result))
    return problems


def load_annotations(path: Path = ANNOTATIONS) -> pd.DataFrame:
    """Validated annotations with derived positions: sentence_id, paragraph_id, start, end, dimension."""
    problems = validate_annotations(path)
    if problems:
        raise DataError(problems)
    code_dimension = {c.code: c.dimension for c in codes().itertuples()}
    rows = []
    for row in read_rows(path):
        found = anchor(row["document_id"], row["quote"], row["prefix"], row["suffix"])
        rows.append(
            {
                **row,
                "dimension": code_dimension[row["code"]],
                "sentence_id": found.sentence.id,
                "paragraph_id": found.sentence.id.rsplit("-s", 1)[0],
                "start": found.start,
                "end": found.end,
            }
        )
    return pd.DataFrame(rows)


# --- reliability files --------------------------------------------------------

RELIABILITY_DIR = CODING_DIR / "reliability"
SAMPLE = RELIABILITY_DIR / "sample.csv"
FIRST_CODING = RELIABILITY_DIR / "first_coding.csv"
SECOND_CODING = RELIABILITY_DIR / "second_coding.csv"
ADJUDICATION = RELIABILITY_DIR / "adjudication.csv"
ABSENT = "absent"


def validate_reliability() -> list[Problem]:
    """The sample is what the recorded seed gives; both codings cover it; every
    disagreement is adjudicated once, and the final annotations follow each decision."""
    from analysis import sampling

    sentence_ids = [s.id for d in corpus.load_documents() for s in d.sentences]
    problems = check_table(SAMPLE, table_schema("sample", sentence_id=sentence_ids))
    if problems:
        return problems
    rows = read_rows(SAMPLE)
    sample = [r["sentence_id"] for r in rows]
    problems += _check_sample(rows, sampling.draw_sample())
    code_ids = list(codes()["code"])
    for path in (FIRST_CODING, SECOND_CODING):
        table = check_table(path, table_schema("sample_coding", sentence_id=sample, code=code_ids, stance=STANCES))
        problems += table or _check_sample_coding(path, sample)
    if problems:
        return problems
    first, second = sample_codes(FIRST_CODING), sample_codes(SECOND_CODING)
    disagreements = {key for key in first.keys() | second.keys() if first.get(key) != second.get(key)}
    choices = [*STANCES, ABSENT]
    table = check_table(
        ADJUDICATION,
        table_schema(
            "adjudication", sentence_id=sample, code=code_ids, first=choices, second=choices, decision=choices
        ),
    )
    if table:
        return problems + table
    final = {(r.sentence_id, r.code): r.stance for r in load_annotations().itertuples()}
    seen = set()
    for row_number, row in enumerate(read_rows(ADJUDICATION), start=2):
        key = (row["sentence_id"], row["code"])
        if key in seen:
            problems.append(Problem(ADJUDICATION, row_number, 2, f"{key} is adjudicated twice"))
        seen.add(key)
        if key not in disagreements:
            problems.append(
                Problem(ADJUDICATION, row_number, 2, f"{key}: the two codings agree; nothing to adjudicate")
            )
            continue
        recorded = (first.get(key, ABSENT), second.get(key, ABSENT))
        if (row["first"], row["second"]) != recorded:
            problems.append(Problem(ADJUDICATION, row_number, 3, f"{key}: the codings were {recorded}"))
        if final.get(key, ABSENT) != row["decision"]:
            problems.append(
                Problem(ADJUDICATION, row_number, 5, f"{key}: annotations.csv has {final.get(key, ABSENT)!r}")
            )
    for key in sorted(disagreements - seen):
        problems.append(Problem(ADJUDICATION, 0, 0, f"disagreement on {key} is not adjudicated"))
    sampled = set(sample)
    for key in sorted({k for k in final if k[0] in sampled} | first.keys()):
        if key not in disagreements and final.get(key, ABSENT) != first.get(key, ABSENT):
            problems.append(
                Problem(
                    ANNOTATIONS, 0, 0, f"{key}: both coders gave {first.get(key, ABSENT)!r}, the final coding differs"
                )
            )
    return problems


def _check_sample(rows: list[dict], drawn: list[str]) -> list[Problem]:
    """Each document's stored sample is the one the recorded rule draws (row order free)."""
    document_of = {s: corpus.document_of(s) for s in drawn}
    stored: dict[str, set[str]] = {}
    first_row: dict[str, int] = {}
    for row_number, row in enumerate(rows, start=2):
        document = corpus.document_of(row["sentence_id"])
        stored.setdefault(document, set()).add(row["sentence_id"])
        first_row.setdefault(document, row_number)
    problems = []
    for document in dict.fromkeys([*document_of.values(), *stored]):
        expected = {s for s in drawn if document_of[s] == document}
        if stored.get(document, set()) != expected:
            missing = sorted(expected - stored.get(document, set()))
            extra = sorted(stored.get(document, set()) - expected)
            message = (
                f"the sample of {document} is not the one the recorded seed and rule draw "
                f"(missing {', '.join(missing) or 'none'}; not drawn {', '.join(extra) or 'none'}); "
                f"`python -m analysis sample {document}` prints it"
            )
            problems.append(Problem(SAMPLE, first_row.get(document, 0), 1, message))
    return problems


def _check_sample_coding(path: Path, sample: list[str]) -> list[Problem]:
    problems, seen, rows_of = [], set(), {}
    for row_number, row in enumerate(read_rows(path), start=2):
        rows_of.setdefault(row["sentence_id"], []).append(row)
        key = (row["sentence_id"], row["code"])
        if key in seen:
            problems.append(Problem(path, row_number, 2, f"duplicate of an earlier row for {key}"))
        seen.add(key)
        if bool(row["code"]) != bool(row["stance"]):
            problems.append(Problem(path, row_number, 3, "code and stance go together: give both or neither"))
    for sentence_id in sample:
        rows = rows_of.get(sentence_id, [])
        if not rows:
            problems.append(
                Problem(path, 0, 1, f"{sentence_id} of the sample is not coded (use an empty code for none)")
            )
        elif len(rows) > 1 and any(not r["code"] for r in rows):
            problems.append(Problem(path, 0, 1, f"{sentence_id} has codes and also an empty 'no code' row"))
    return problems


def sample_codes(path: Path) -> dict[tuple[str, str], str]:
    """{(sentence_id, code): stance} of one coding of the sample."""
    return {(r["sentence_id"], r["code"]): r["stance"] for r in read_rows(path) if r["code"]}
