"""Load the source documents and split them into paragraphs and natural sentences.

The texts are kept verbatim; every paragraph and sentence records its character
span in the raw text, so a quote found in the text maps back to a stable,
readable id such as ``CA-2019-p014-s02`` (document, paragraph 14, sentence 2).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from analysis.datafiles import Problem, locate, read_checked_yaml
from analysis.paths import SOURCES_METADATA

# A sentence may end in these characters (before any closing quote or bracket).
TERMINAL = ".?!"
# Abbreviations whose full stop does not end a sentence: those of these texts, and
# the common English ones a new source may bring (titles and ranks, months,
# references, company words). Lower case; matched on the word before the stop.
ABBREVIATIONS = {
    *("e.g.", "i.e.", "cf.", "mod.", "etc.", "vs.", "no.", "art.", "op.", "dr.", "mr.", "ms."),
    *("mrs.", "prof.", "rev.", "hon.", "gen.", "col.", "capt.", "lt.", "sgt.", "cpl.", "insp.", "supt."),
    *("det.", "cst.", "pc.", "st.", "jr.", "sr.", "no.", "nos.", "fig.", "figs.", "p.", "pp.", "para."),
    *("paras.", "vol.", "ch.", "sec.", "ed.", "eds.", "al.", "approx.", "est.", "dept.", "govt."),
    *("co.", "corp.", "inc.", "ltd.", "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep."),
    *("sept.", "oct.", "nov.", "dec."),
}
# Dotted initialisms such as U.S., U.N., E.U., I.N.C.B.
INITIALISM = re.compile(r"(?:\b[A-Za-z]\.){2,}$")
BULLET = re.compile(r"\s*(?:[-–•]|\d+\.)\s+")
# A numbered heading without '#', such as "3. Findings" or "2.4 Drugs online".
NUMBERED_HEADING = re.compile(r"\s*\d+(?:\.\d+)*\.?\s+[A-Z]")
# A heading marker or list marker that opens a paragraph.
LEADING = re.compile(r"^\s*(?:#+\s*|(?:[-–•]|\d+\.)\s+)")
# Inline markup of the extracted texts, removable piece by piece (a span may cut a pair).
INLINE_MARKUP = re.compile(r"</?(?:sup|sub|u|b|i|em|strong)>|\*\*|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|\]\(#?\)|\[")


@dataclass(frozen=True)
class Sentence:
    id: str
    document_id: str
    paragraph: int
    number: int
    start: int
    end: int
    raw: str
    text: str


@dataclass(frozen=True)
class Paragraph:
    id: str
    document_id: str
    number: int
    kind: str  # "heading", "item" (list item) or "text"
    start: int
    end: int
    text: str
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Document:
    id: str
    source_id: str
    path: Path
    text: str
    paragraphs: tuple[Paragraph, ...]

    @property
    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p.sentences]


def strip_markup(fragment: str, at_paragraph_start: bool = True) -> str:
    """Reading text of any piece of raw text: markup and an opening marker removed,
    whitespace runs made single spaces (ends kept, so pieces can be joined)."""
    text = LEADING.sub("", fragment) if at_paragraph_start else fragment
    return re.sub(r"\s+", " ", INLINE_MARKUP.sub("", text))


def clean(raw: str) -> str:
    """Reading text of a whole span."""
    return strip_markup(raw).strip()


def _heading_text(raw: str) -> str:
    """Reading text of a heading: its '#' marker goes, its section number stays."""
    return strip_markup(re.sub(r"^\s*#+\s*", "", raw), at_paragraph_start=False).strip()


def _lines(text: str):
    """Yield (start, end, line) for every line, ends excluding the newline."""
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line), line
        pos += len(line) + 1


def _blocks(text: str) -> list[tuple[int, int, list[tuple[int, int, str]]]]:
    """Group lines into blocks separated by blank lines."""
    blocks, current = [], []
    for start, end, line in _lines(text):
        if line.strip():
            current.append((start, end, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return [(b[0][0], b[-1][1], b) for b in blocks]


def _ends_sentence(fragment: str) -> bool:
    return fragment.rstrip().rstrip("\"”')*").endswith(tuple(TERMINAL + ":;"))


def _paragraph_spans(text: str) -> list[tuple[int, int, str]]:
    """Paragraph spans with their kind.

    A block of list items gives one paragraph per item (an indented line that
    does not start a new item continues the previous one). A block that stops
    mid-sentence and is followed by one starting in lower case is a page break
    inside a sentence, so the two are joined.
    """
    spans: list[list] = []
    for _, _, lines in _blocks(text):
        first = lines[0][2]
        if _is_numbered_heading(lines, text, spans):
            spans.append([lines[0][0], lines[0][1], "heading"])
            continue
        if BULLET.match(first):
            for start, end, line in lines:
                if BULLET.match(line) or not spans or spans[-1][2] != "item":
                    spans.append([start, end, "item"])
                else:
                    spans[-1][1] = end
            continue
        start, end = lines[0][0], lines[-1][1]
        if spans and first.strip()[:1].islower() and not _ends_sentence(text[spans[-1][0] : spans[-1][1]]):
            spans[-1][1] = end
            if spans[-1][2] == "heading":  # a "heading" that runs on is a sentence
                spans[-1][2] = "text"
            continue
        spans.append([start, end, _kind(text[start:end])])
    return [tuple(s) for s in spans]


def _is_numbered_heading(lines: list, text: str, spans: list[list]) -> bool:
    """A numbered line standing alone, short and without a full stop, that no lead-in
    (a paragraph ending in ':') or earlier list item introduces: a section heading."""
    line = lines[0][2]
    if len(lines) > 1 or not NUMBERED_HEADING.match(line) or _ends_sentence(line) or len(line.split()) > 12:
        return False
    if re.search(r"[.?!]\s", BULLET.sub("", line, count=1)):  # a numbered item of sentences
        return False
    introduced = spans and (spans[-1][2] == "item" or text[spans[-1][0] : spans[-1][1]].rstrip().endswith(":"))
    return not introduced


def _kind(block: str) -> str:
    stripped = block.strip()
    if stripped.startswith("#"):
        return "heading"
    if "\n" not in stripped and len(stripped.split()) <= 15 and not _ends_sentence(stripped):
        return "heading"
    return "text"


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split text[start:end] into natural sentences.

    A sentence ends at . ? or ! (plus any closing quote or bracket) followed by
    whitespace and an upper-case letter, digit, quote or bracket, unless the
    full stop belongs to an abbreviation (e.g., i.e., U.S., cf.).
    """
    spans, s = [], start
    marker = BULLET.match(text, start, end)
    body = marker.end() if marker else start
    for m in re.finditer(r"[.?!][\"”’')\]]*(?=\s+[\"“'(\[A-Z0-9])", text[body:end]):
        stop = body + m.end()
        token = text[s:stop].split()[-1] if text[s:stop].split() else ""
        word = token.rstrip("\"”’')]").lower()
        if word.lstrip("(\"“'") in ABBREVIATIONS or INITIALISM.search(word):
            continue
        spans.append((s, stop))
        s = stop
        while s < end and text[s].isspace():
            s += 1
    if text[s:end].strip():
        spans.append((s, end))
    return spans


def split_document(document_id: str, text: str) -> list[Paragraph]:
    """Split a raw document into numbered paragraphs and sentences (1-based)."""
    paragraphs = []
    for pnum, (pstart, pend, kind) in enumerate(_paragraph_spans(text), start=1):
        pid = f"{document_id}-p{pnum:03d}"
        spans = [(pstart, pend)] if kind == "heading" else _sentence_spans(text, pstart, pend)
        read = _heading_text if kind == "heading" else clean
        sentences = tuple(
            Sentence(
                id=f"{pid}-s{snum:02d}",
                document_id=document_id,
                paragraph=pnum,
                number=snum,
                start=s,
                end=e,
                raw=text[s:e],
                text=read(text[s:e]),
            )
            for snum, (s, e) in enumerate(spans, start=1)
        )
        paragraphs.append(Paragraph(pid, document_id, pnum, kind, pstart, pend, read(text[pstart:pend]), sentences))
    return paragraphs


def read_text(path: Path) -> str:
    """Read a source as UTF-8 exactly as stored (no newline translation)."""
    return path.read_bytes().decode("utf-8")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def document_of(sentence_id: str) -> str:
    """The document a sentence or paragraph id belongs to ('CA-2019-p014-s02' -> 'CA-2019')."""
    return sentence_id.rsplit("-p", 1)[0]


def word_count(text: str) -> int:
    """Whitespace-delimited words, as `wc -w` counts them."""
    return len(text.split())


def validate_sources(path: Path = SOURCES_METADATA) -> list[Problem]:
    """The metadata follows its schema, names each document once, and matches every
    text it lists (file present, UTF-8, sha256 and word count); no text is unlisted."""
    metadata, problems = read_checked_yaml(path, "sources.schema.json", "sources metadata")
    if problems:
        return problems
    seen: set[str] = set()
    listed: set[str] = set()
    for i, source in enumerate(metadata["sources"]):
        for j, doc in enumerate(source["documents"]):
            place = ("sources", i, "documents", j)
            if doc["id"] in seen:
                problems.append(Problem(path, *locate(path, *place, "id"), f"document id {doc['id']} is used twice"))
            seen.add(doc["id"])
            listed.add(doc["file"])
            text_path = path.parent / doc["file"]
            if not text_path.is_file():
                problems.append(Problem(path, *locate(path, *place, "file"), f"{doc['id']}: no file {text_path.name}"))
                continue
            try:
                text = read_text(text_path)
            except UnicodeDecodeError as error:
                line = text_path.read_bytes()[: error.start].count(b"\n") + 1
                problems.append(Problem(text_path, line, 1, f"{doc['id']}: the text is not UTF-8"))
                continue
            if sha256(text_path) != doc["sha256"]:
                message = f"{doc['id']}: sha256 of {text_path.name} is {sha256(text_path)}; texts must stay verbatim"
                problems.append(Problem(path, *locate(path, *place, "sha256"), message))
            if word_count(text) != doc["words"]:
                message = f"{doc['id']}: {text_path.name} has {word_count(text)} words"
                problems.append(Problem(path, *locate(path, *place, "words"), message))
    for text_path in sorted(path.parent.glob("*.txt")):
        if text_path.name not in listed:
            problems.append(Problem(text_path, 1, 1, f"{text_path.name} is not listed in {path.name}"))
    return problems


def body_sentences(document: Document) -> list[Sentence]:
    """The sentences that can carry a code: all but headings (the base of every share)."""
    return [s for p in document.paragraphs if p.kind != "heading" for s in p.sentences]


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def counted(n: int, noun: str) -> str:
    """'four sources', 'one document', '12 documents': a count as running text says it."""
    number = NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else f"{n:,}"
    return f"{number} {noun}{'' if n == 1 else 's'}"


def sources_frame(data):
    """One row per source, in time order (reference year, then metadata order): the
    unit every finding compares. A source's documents are pooled: words and
    sentences are summed, never averaged."""
    import pandas as pd

    documents = documents_frame(data)
    body = {d.id: len(body_sentences(d)) for d in data.documents.values()}
    rows = []
    for position, source in enumerate(data.metadata["sources"]):
        mine = documents[documents["source_id"] == source["id"]]
        rows.append(
            {
                "source_id": source["id"],
                "source": source["label"],
                "reference_year": int(mine["reference_year"].min()),
                "documents": " ".join(mine["document_id"]),
                "kinds": "; ".join(dict.fromkeys(mine["kind"])),
                "words": int(mine["words"].sum()),
                "sentences": int(mine["sentences"].sum()),
                "body_sentences": sum(body[i] for i in mine["document_id"]),
                "metadata_order": position,
            }
        )
    frame = pd.DataFrame(rows).sort_values(["reference_year", "metadata_order"], kind="stable")
    return frame.drop(columns="metadata_order").reset_index(drop=True)


def documents_frame(data):
    """One row per document: metadata plus counts measured on the text itself."""
    import pandas as pd

    sources = {s["id"]: s for s in data.metadata["sources"]}
    rows = []
    for document in data.documents.values():
        meta = next(d for d in sources[document.source_id]["documents"] if d["id"] == document.id)
        rows.append(
            {
                "document_id": document.id,
                "source_id": document.source_id,
                "source": sources[document.source_id]["label"],
                "title": meta["title"],
                "publisher": meta["publisher"],
                "kind": meta["kind"],
                "date": meta["date"],
                "date_status": meta["date_status"],
                "date_basis": meta["date_basis"],
                "event": meta["event"],
                "reference_year": meta["reference_year"],
                "words": word_count(document.text),
                "paragraphs": len(document.paragraphs),
                "sentences": len(document.sentences),
                "file": meta["file"],
                "sha256": meta["sha256"],
            }
        )
    return pd.DataFrame(rows)
