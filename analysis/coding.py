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
from pathlib import Path

import pandas as pd

from analysis import corpus
from analysis.datafiles import (
    DataError,
    Problem,
    check_table,
    load_yaml,
    locate,
    read_checked_yaml,
    read_rows,
    table_schema,
)
from analysis.paths import CODING_DIR

CODEBOOK = CODING_DIR / "codebook.yaml"
ANNOTATIONS = CODING_DIR / "annotations.csv"
ERRATA = CODING_DIR / "errata.csv"
STANCES = ("endorses", "implements", "describes", "questions")
THREATS = "threats"  # the two-level dimension: codes are families, each with named items


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    sentence: corpus.Sentence


# --- codebook ---------------------------------------------------------------


def read_codebook(path: Path = CODEBOOK) -> dict:
    return load_yaml(path.read_text(encoding="utf-8-sig"))


def validate_codebook(data, path: Path = CODEBOOK) -> list[Problem]:
    """Schema, unique ids, and example quotes found verbatim in their documents."""
    book, problems = read_checked_yaml(path, "codebook.schema.json", "codebook")
    if problems:
        return problems
    seen: set[str] = set()
    documents = set(data.documents)
    enforcement = {c["id"] for d in book["dimensions"] if d["id"] == "enforcement" for c in d["codes"]}

    def check(entry: dict, where: str, place: tuple) -> None:
        if entry["id"] in seen:
            problems.append(Problem(path, *locate(path, *place, "id"), f"{where}: duplicate id"))
        seen.add(entry["id"])
        example = entry["example"]
        if example["document"] not in documents:
            line, column = locate(path, *place, "example", "document")
            problems.append(Problem(path, line, column, f"{where}: unknown document {example['document']!r}"))
        elif not find_quote(data, example["document"], example["quote"]):
            line, column = locate(path, *place, "example", "quote")
            problems.append(Problem(path, line, column, f"{where}: example quote not found verbatim"))

    for d, dimension in enumerate(book["dimensions"]):
        for c, code in enumerate(dimension["codes"]):
            where = f"{dimension['id']}/{code['id']}"
            place = ("dimensions", d, "codes", c)
            check(code, where, place)
            if (dimension["id"] == THREATS) != ("items" in code):
                message = (
                    "every threats code lists its items"
                    if dimension["id"] == THREATS
                    else "only threats codes have items"
                )
                problems.append(Problem(path, *locate(path, *place, "id"), f"{where}: {message}"))
            for i, item in enumerate(code.get("items", [])):
                check(item, f"{where}/{item['id']}", (*place, "items", i))
                for k, equivalent in enumerate(item.get("enforcement_codes", [])):
                    if equivalent not in enforcement:
                        line, column = locate(path, *place, "items", i, "enforcement_codes", k)
                        problems.append(
                            Problem(
                                path, line, column, f"{where}/{item['id']}: {equivalent!r} is not an enforcement code"
                            )
                        )
    return problems


def _rules(entry: dict) -> dict:
    """The fields a code and a threat item share: label, rules, example and keywords."""
    return {
        "label": entry["label"],
        "short": entry["short"],
        "definition": entry["definition"],
        "include": " | ".join(entry["include"]),
        "exclude": " | ".join(entry["exclude"]),
        "example_document": entry["example"]["document"],
        "example_quote": entry["example"]["quote"],
        "keywords": "; ".join(entry["keywords"]),
    }


def codes(data) -> pd.DataFrame:
    """One row per code, in codebook order, with its dimension."""
    rows = []
    for dimension in data.codebook["dimensions"]:
        for code in dimension["codes"]:
            rows.append(
                {
                    "dimension": dimension["id"],
                    "dimension_label": dimension["label"],
                    "code": code["id"],
                    **_rules(code),
                    "added": code.get("added", "1.0.0"),
                }
            )
    return pd.DataFrame(rows)


def items(data) -> pd.DataFrame:
    """One row per threat item, in codebook order, with its family (``code``) and the
    enforcement codes that count as the same thing for 'first named'."""
    rows = []
    for dimension in data.codebook["dimensions"]:
        for code in dimension["codes"]:
            for item in code.get("items", []):
                label = item["label"]
                rows.append(
                    {
                        "dimension": dimension["id"],
                        "code": code["id"],
                        "family": code["short"],
                        "item": item["id"],
                        **_rules(item),
                        "enforcement_codes": " ".join(item.get("enforcement_codes", [])),
                        "in_text": label if item.get("proper_noun") else label[0].lower() + label[1:],
                    }
                )
    return pd.DataFrame(rows)


# --- errata -----------------------------------------------------------------


def validate_errata(data, path: Path = ERRATA) -> list[Problem]:
    documents = data.documents
    problems = check_table(path, table_schema("errata", document_id=sorted(documents)))
    if problems:
        return problems
    for row_number, row in enumerate(read_rows(path), start=2):
        if not _errata_pattern(row["wrong"]).search(documents[row["document_id"]].text):
            problems.append(Problem(path, row_number, 2, f"{row['wrong']!r} does not occur in {row['document_id']}"))
    return problems


def _errata_pattern(wrong: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(wrong)}(?!\w)")


def read_errata(path: Path = ERRATA) -> tuple[tuple[str, str, str], ...]:
    return tuple((r["document_id"], r["wrong"], r["reading"]) for r in read_rows(path))


def corrected(data, document_id: str, text: str) -> str:
    """The reading of a span: extraction faults replaced by their errata readings."""
    for doc, wrong, reading in data.errata:
        if doc == document_id:
            text = _errata_pattern(wrong).sub(reading, text)
    return text


def reading(data, document_id: str, quote: str) -> str:
    """How a verbatim quote reads on the page: markup removed, errata readings applied."""
    return corrected(data, document_id, corpus.clean(quote))


# --- quote anchoring --------------------------------------------------------


def _pattern(text: str) -> str:
    """Regex for a verbatim quote in which any run of whitespace matches any run."""
    return r"\s+".join(re.escape(token) for token in text.split())


def find_quote(data, document_id: str, quote: str, prefix: str = "", suffix: str = "") -> list[tuple[int, int]]:
    """Every (start, end) where the quote occurs, keeping only those preceded by
    ``prefix`` and followed by ``suffix`` when these are given."""
    text = data.documents[document_id].text
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


def nearest(data, document_id: str, quote: str) -> tuple[str, str]:
    """The sentence most like the quote, for an error message: (id, text)."""
    best, best_ratio = None, -1.0
    target = " ".join(quote.split())
    for sentence in data.documents[document_id].sentences:
        raw = " ".join(sentence.raw.split())
        matcher = difflib.SequenceMatcher(None, target, raw, autojunk=False)
        match = matcher.find_longest_match(0, len(target), 0, len(raw))
        begin = max(0, match.b - match.a - 10)
        window = raw[begin : begin + len(target) + 30]
        ratio = difflib.SequenceMatcher(None, target, window, autojunk=False).ratio()
        if ratio > best_ratio:
            best, best_ratio = (sentence.id, window), ratio
    return best


def anchor(data, document_id: str, quote: str, prefix: str = "", suffix: str = "") -> Anchor | str:
    """The quote's unique position and sentence, or the reason it has none (found once
    per loaded data: the annotations, audit, review and reliability files quote the same)."""
    key = (document_id, quote, prefix, suffix)
    if key not in data.anchors:
        data.anchors[key] = _anchor(data, document_id, quote, prefix, suffix)
    return data.anchors[key]


def _anchor(data, document_id: str, quote: str, prefix: str, suffix: str) -> Anchor | str:
    spans = find_quote(data, document_id, quote, prefix, suffix)
    document = data.documents[document_id]
    if not spans:
        sentence_id, text = nearest(data, document_id, quote)
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

KEY = ("document_id", "quote", "prefix", "suffix", "code", "item")


def validate_annotations(data, path: Path = ANNOTATIONS) -> list[Problem]:
    """Every check on the annotations file, as Problems (empty list: valid)."""
    code_dimension = {c.code: c.dimension for c in codes(data).itertuples()}
    family = dict(zip(items(data)["item"], items(data)["code"], strict=True))
    documents = list(data.documents)
    schema = table_schema(
        "annotations", document_id=documents, code=list(code_dimension), item=list(family), stance=list(STANCES)
    )
    problems = check_table(path, schema)
    if problems:
        return problems
    column = {f["name"]: i for i, f in enumerate(schema["fields"], start=1)}
    first_row: dict[tuple, int] = {}
    stance_of: dict[tuple, tuple[str, int]] = {}
    for row_number, row in enumerate(read_rows(path), start=2):
        key = tuple(row[k] for k in KEY)
        if key in first_row:
            problems.append(Problem(path, row_number, column["code"], f"duplicate of row {first_row[key]}"))
            continue
        first_row[key] = row_number
        if row["quote"] != row["quote"].strip():
            problems.append(Problem(path, row_number, column["quote"], "quote has leading or trailing spaces"))
        threat = code_dimension[row["code"]] == THREATS
        if row["stance"] == "implements" and threat:
            problems.append(Problem(path, row_number, column["stance"], "'implements' is not used for threats codes"))
        if threat and family.get(row["item"]) != row["code"]:
            message = (
                f"{row['code']} needs one of its items"
                if not row["item"]
                else f"{row['item']} is not an item of {row['code']}"
            )
            problems.append(Problem(path, row_number, column["item"], message))
        elif not threat and row["item"]:
            problems.append(
                Problem(path, row_number, column["item"], f"only threats codes take an item, not {row['code']}")
            )
        result = anchor(data, row["document_id"], row["quote"], row["prefix"], row["suffix"])
        if isinstance(result, str):
            problems.append(Problem(path, row_number, column["quote"], result))
            continue
        unit = (result.sentence.id, row["code"])
        if unit in stance_of and stance_of[unit][0] != row["stance"]:
            other_stance, other_row = stance_of[unit]
            problems.append(
                Problem(
                    path,
                    row_number,
                    column["stance"],
                    f"{row['code']} on {unit[0]} is {other_stance!r} in row {other_row}: "
                    "one stance per code and sentence",
                )
            )
        stance_of.setdefault(unit, (row["stance"], row_number))
    return problems


def load_annotations(data, path: Path = ANNOTATIONS) -> pd.DataFrame:
    """Validated annotations with derived positions: sentence_id, paragraph_id, start, end, dimension."""
    problems = validate_annotations(data, path)
    if problems:
        raise DataError(problems)
    code_dimension = {c.code: c.dimension for c in codes(data).itertuples()}
    rows = []
    for row in read_rows(path):
        found = anchor(data, row["document_id"], row["quote"], row["prefix"], row["suffix"])
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
# One folder per round of the blind second coding (round-1, round-2, ...). The final
# coding follows the latest round's adjudication; earlier rounds are kept as the record
# of the codebook version they tested.
ROUNDS = sorted(RELIABILITY_DIR.glob("round-*"), key=lambda p: int(p.name.split("-")[1]))
CURRENT_ROUND = ROUNDS[-1] if ROUNDS else RELIABILITY_DIR / "round-1"
FIRST_CODING = CURRENT_ROUND / "first_coding.csv"
SECOND_CODING = CURRENT_ROUND / "second_coding.csv"
ADJUDICATION = CURRENT_ROUND / "adjudication.csv"
ABSENT = "absent"


def round_files(folder: Path) -> tuple[Path, Path, Path]:
    """A round's first coding, second coding and adjudication."""
    if folder == CURRENT_ROUND:  # the module's paths, which tests may point elsewhere
        return FIRST_CODING, SECOND_CODING, ADJUDICATION
    return folder / "first_coding.csv", folder / "second_coding.csv", folder / "adjudication.csv"


def validate_reliability(data) -> list[Problem]:
    """The sample is what the recorded seed gives; in every round both codings cover it
    and every disagreement is adjudicated once, as the codings recorded it; the final
    annotations follow each decision of the latest round, and where its two coders
    agreed, the final coding is theirs."""
    from analysis import sampling

    sentence_ids = [s.id for d in data.documents.values() for s in d.sentences]
    problems = check_table(SAMPLE, table_schema("sample", sentence_id=sentence_ids))
    if problems:
        return problems
    rows = read_rows(SAMPLE)
    sample = [r["sentence_id"] for r in rows]
    problems += _check_sample(rows, sampling.draw_sample(data))
    final = {(r.sentence_id, r.code, r.item): r.stance for r in load_annotations(data).itertuples()}
    for folder in ROUNDS:
        problems += _check_round(data, folder, sample, final if folder == CURRENT_ROUND else None)
    return problems


def _check_round(data, folder: Path, sample: list[str], final: dict | None) -> list[Problem]:
    first_path, second_path, adjudication = round_files(folder)
    if final is None and first_path.exists():
        # an earlier round covers the sample of its own time: the documents it coded
        coded = {corpus.document_of(r["sentence_id"]) for r in read_rows(first_path) if r.get("sentence_id")}
        sample = [s for s in sample if corpus.document_of(s) in coded]
    code_ids, item_ids = list(codes(data)["code"]), list(items(data)["item"])
    problems = []
    for path in (first_path, second_path):
        schema = table_schema("sample_coding", sentence_id=sample, code=code_ids, item=item_ids, stance=STANCES)
        problems += check_table(path, schema) or _check_sample_coding(data, path, sample, round_has_items(folder))
    if problems:
        return problems
    first, second = sample_codes(data.rows(first_path)), sample_codes(data.rows(second_path))
    disagreements = {key for key in first.keys() | second.keys() if first.get(key) != second.get(key)}
    choices = [*STANCES, ABSENT]
    table = check_table(
        adjudication,
        table_schema(
            "adjudication",
            sentence_id=sample,
            code=code_ids,
            item=item_ids,
            first=choices,
            second=choices,
            decision=choices,
        ),
    )
    if table:
        return table
    seen = set()
    for row_number, row in enumerate(read_rows(adjudication), start=2):
        key = (row["sentence_id"], row["code"], row["item"])
        if key in seen:
            problems.append(Problem(adjudication, row_number, 2, f"{_unit(key)} is adjudicated twice"))
        seen.add(key)
        if key not in disagreements:
            problems.append(
                Problem(adjudication, row_number, 2, f"{_unit(key)}: the two codings agree; nothing to adjudicate")
            )
            continue
        recorded = (first.get(key, ABSENT), second.get(key, ABSENT))
        if (row["first"], row["second"]) != recorded:
            problems.append(Problem(adjudication, row_number, 4, f"{_unit(key)}: the codings were {recorded}"))
        if final is not None and final.get(key, ABSENT) != row["decision"]:
            problems.append(
                Problem(adjudication, row_number, 6, f"{_unit(key)}: annotations.csv has {final.get(key, ABSENT)!r}")
            )
    for key in sorted(disagreements - seen):
        problems.append(Problem(adjudication, 0, 0, f"disagreement on {_unit(key)} is not adjudicated"))
    if final is None:
        return problems
    sampled = set(sample)
    for key in sorted({k for k in final if k[0] in sampled} | first.keys()):
        if key not in disagreements and final.get(key, ABSENT) != first.get(key, ABSENT):
            problems.append(
                Problem(
                    ANNOTATIONS,
                    0,
                    0,
                    f"{_unit(key)}: both coders gave {first.get(key, ABSENT)!r}, the final coding differs",
                )
            )
    return problems


def round_codebook(folder: Path) -> str:
    """The codebook version a round was coded with (protocol.yaml)."""
    from analysis import sampling

    (entry,) = [r for r in sampling.rounds() if r["folder"] == folder.name]
    return entry["codebook"]


def round_has_items(folder: Path) -> bool:
    """Whether a round was coded with two-level threats (codebook 2 or later)."""
    return int(round_codebook(folder).split(".")[0]) >= 2


def _unit(key: tuple[str, str, str]) -> str:
    """A (sentence, code, item) unit as messages name it: the item only where there is one."""
    return str(key if key[2] else key[:2])


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


def _check_sample_coding(data, path: Path, sample: list[str], with_items: bool) -> list[Problem]:
    """One row per (sentence, code, item); code, item and stance together (items only
    from rounds coded with two-level threats); every sampled sentence coded."""
    family = dict(zip(items(data)["item"], items(data)["code"], strict=True))
    problems, seen, rows_of = [], set(), {}
    for row_number, row in enumerate(read_rows(path), start=2):
        rows_of.setdefault(row["sentence_id"], []).append(row)
        key = (row["sentence_id"], row["code"], row["item"])
        if key in seen:
            problems.append(Problem(path, row_number, 2, f"duplicate of an earlier row for {_unit(key)}"))
        seen.add(key)
        if bool(row["code"]) != bool(row["stance"]):
            problems.append(Problem(path, row_number, 4, "code and stance go together: give both or neither"))
        threat = row["code"].startswith("thr_")
        if with_items and threat and family.get(row["item"]) != row["code"]:
            message = (
                f"{row['item']} is not an item of {row['code']}"
                if row["item"]
                else f"{row['code']} needs one of its items"
            )
            problems.append(Problem(path, row_number, 3, message))
        elif row["item"] and not (with_items and threat):
            problems.append(Problem(path, row_number, 3, f"no item is coded with {row['code'] or 'no code'}"))
    for sentence_id in sample:
        rows = rows_of.get(sentence_id, [])
        if not rows:
            problems.append(
                Problem(path, 0, 1, f"{sentence_id} of the sample is not coded (use an empty code for none)")
            )
        elif len(rows) > 1 and any(not r["code"] for r in rows):
            problems.append(Problem(path, 0, 1, f"{sentence_id} has codes and also an empty 'no code' row"))
    return problems


def sample_codes(rows: list[dict]) -> dict[tuple[str, str, str], str]:
    """{(sentence_id, code, item): stance} of one coding's rows of the sample (item empty
    for codes other than threats)."""
    return {(r["sentence_id"], r["code"], r.get("item", "")): r["stance"] for r in rows if r["code"]}
