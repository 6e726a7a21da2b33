"""Reader pages: a document's paragraphs with permanent ¶ anchors, coded spans
highlighted, and extraction faults shown in their errata reading.

Everything from the data is HTML-escaped; the only markup is what this module writes.
"""

from __future__ import annotations

import html
import itertools
import re

import pandas as pd

from analysis import coding, corpus


def _with_errata(document_id: str, escaped: str) -> str:
    for doc, wrong, reading in coding.errata():
        if doc == document_id:
            pattern = re.compile(rf"(?<!\w){re.escape(html.escape(wrong))}(?!\w)")
            title = html.escape(f"The extracted text reads “{wrong}”", quote=True)
            replacement = f'<ins class="erratum" title="{title}">{html.escape(reading)}</ins>'
            escaped = pattern.sub(lambda _m, r=replacement: r, escaped)
    return escaped


def _sentence_html(document_id: str, sentence: corpus.Sentence, paragraph_start: int, spans, labels) -> str:
    cuts = sorted(
        {sentence.start, sentence.end} | {p for s, e in spans for p in (s, e) if sentence.start < p < sentence.end}
    )
    parts = []
    for a, b in itertools.pairwise(cuts):
        text = _with_errata(
            document_id,
            html.escape(
                corpus.strip_markup(sentence.raw[a - sentence.start : b - sentence.start], a == paragraph_start)
            ),
        )
        parts.append(f"<mark>{text}</mark>" if any(s <= a and b <= e for s, e in spans) else text)
    body = "".join(parts).strip()
    codes = ""
    if labels:
        codes = ' <span class="codes">[' + html.escape("; ".join(labels)) + "]</span>"
    return f'<span class="sentence" id="{sentence.id}">{body}{codes}</span>'


def document_html(document_id: str, annotations: pd.DataFrame) -> str:
    """The whole document as HTML paragraphs, each with a ¶ permalink."""
    document = corpus.load_document(document_id)
    mine = annotations[annotations["document_id"] == document_id]
    spans = {sid: list(zip(g["start"], g["end"], strict=True)) for sid, g in mine.groupby("sentence_id")}
    labels = {sid: [f"{r.code}: {r.stance}" for r in g.itertuples()] for sid, g in mine.groupby("sentence_id")}
    out = []
    for paragraph in document.paragraphs:
        number = paragraph.number
        sentences = " ".join(
            _sentence_html(document_id, s, paragraph.start, spans.get(s.id, []), labels.get(s.id, []))
            for s in paragraph.sentences
        )
        anchor = f'<a class="para-anchor" href="#{paragraph.id}" aria-label="Paragraph {number}">¶{number}</a>'
        out.append(f'<p class="reader-{paragraph.kind}" id="{paragraph.id}">{anchor} {sentences}</p>')
    return '<div class="reader">\n' + "\n".join(out) + "\n</div>"


def document_page(document_id: str):
    """Display object for a reader page (used by the thin notebooks in book/reader/)."""
    from IPython.display import HTML

    return HTML(document_html(document_id, coding.load_annotations()))
