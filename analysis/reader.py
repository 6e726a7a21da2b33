"""Reader pages: every source document in full, paragraph by paragraph, with permanent
¶ anchors, coded spans coloured by dimension, each code named (label and stance, from
the codebook) and linked to its evidence, and extraction faults shown beside their
errata reading.

The pages are generated: ``write_pages`` writes one thin notebook per document listed
in sources.yaml into book/reader/ (and removes pages of documents no longer listed),
and ``_toc.yml`` takes them by a glob. Everything from the data is HTML-escaped; the
only markup is what this module writes.
"""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path

import pandas as pd

from analysis import coding, corpus, results
from analysis.paths import ROOT

PAGES_DIR = ROOT / "book" / "reader"
# The header of every generated page: a MyST notebook that Jupyter Book executes.
FRONT_MATTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""
PAGE = (
    FRONT_MATTER
    + """
(reader-{document_id})=
# {heading}

The full text of document `{document_id}` {{cite:p}}`{document_id}`, paragraph by
paragraph. This page is generated from `data/sources/sources.yaml`; do not edit it.
Each paragraph has a permanent anchor (the ¶ number) for citation, for example
"{document_id}, ¶12". Provenance: {{ref}}`data-provenance`.

```{{code-cell}} python
:tags: [remove-input]
from analysis import loaded, reader

reader.document_page(loaded.load(), "{document_id}")
```
"""
)


def dimension_class(dimension: str) -> str:
    return "dim-" + dimension.replace("_", "-")


def page_heading(data, document_id: str) -> str:
    """'<source label> <reference year>: <short title>'."""
    for source in data.metadata["sources"]:
        for document in source["documents"]:
            if document["id"] == document_id:
                short = document.get("short_title") or document["title"]
                return f"{source['label']} {document['reference_year']}: {short}"
    raise KeyError(document_id)


def write_pages(data, directory: Path = PAGES_DIR) -> list[Path]:
    """One page per listed document; a page is rewritten only when its text changes
    (so the notebook cache and file times stay put), and stale pages are removed."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for document in data.documents.values():
        path = directory / f"{document.id}.md"
        text = PAGE.format(document_id=document.id, heading=page_heading(data, document.id))
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    for stale in set(directory.glob("*.md")) - set(written):
        stale.unlink()
    return written


def legend(codes: pd.DataFrame) -> str:
    """The key to the colours and the code chips."""
    dimensions = codes.drop_duplicates("dimension")
    swatches = "".join(
        f'<li><mark class="{dimension_class(d.dimension)}">{html.escape(d.dimension_label)}</mark></li>'
        for d in dimensions.itertuples()
    )
    return (
        '<div class="reader-legend"><p>Coded spans are coloured by dimension:</p>'
        f'<ul class="reader-legend-list">{swatches}</ul>'
        "<p>After each coded sentence, a chip names each code and the source's stance; hover or focus it "
        "for the code's full label, and follow it to every quote behind that code. Words in "
        '<span class="extracted">this style</span> are extraction faults, with the errata reading '
        'beside them <ins class="erratum">(read: …)</ins>.</p></div>'
    )


def _with_errata(data, document_id: str, escaped: str) -> str:
    for doc, wrong, reading in data.errata:
        if doc == document_id:
            pattern = re.compile(rf"(?<!\w){re.escape(html.escape(wrong))}(?!\w)")
            replacement = (
                f'<span class="extracted">{html.escape(wrong)}</span> '
                f'<ins class="erratum">(read: {html.escape(reading)})</ins>'
            )
            escaped = pattern.sub(lambda _m, r=replacement: r, escaped)
    return escaped


def _chip(row, code_info: dict, source_id: str) -> str:
    info = code_info[row.code]
    label, stance = str(info["label"]), str(row.stance)
    href = "../" + results.evidence_url(info["dimension"], source_id, row.code)
    tip = f"{label}: {stance}"
    return (
        f'<a class="code-chip {dimension_class(info["dimension"])}" href="{html.escape(href, quote=True)}" '
        f'aria-label="{html.escape(tip + ". Every quote behind this code", quote=True)}" '
        f'data-tip="{html.escape(tip, quote=True)}">{html.escape(str(info["short"]))} · {html.escape(stance)}</a>'
    )


def _sentence_html(
    data, document_id: str, sentence, paragraph_start: int, mine: pd.DataFrame, code_info, source_id
) -> str:
    spans = [(r.start, r.end, code_info[r.code]["dimension"]) for r in mine.itertuples()]
    cuts = sorted(
        {sentence.start, sentence.end} | {p for s, e, _ in spans for p in (s, e) if sentence.start < p < sentence.end}
    )
    parts = []
    for a, b in itertools.pairwise(cuts):
        raw = sentence.raw[a - sentence.start : b - sentence.start]
        text = _with_errata(data, document_id, html.escape(corpus.strip_markup(raw, a == paragraph_start)))
        covering = list(dict.fromkeys(d for s, e, d in spans if s <= a and b <= e))
        if covering:
            style = dimension_class(covering[0]) if len(covering) == 1 else "dim-several"
            text = f'<mark class="{style}">{text}</mark>'
        parts.append(text)
    body = "".join(parts).strip()
    chips = "".join(_chip(r, code_info, source_id) for r in mine.itertuples())
    codes = f' <span class="codes">{chips}</span>' if chips else ""
    return f'<span class="sentence" id="{sentence.id}">{body}{codes}</span>'


def document_html(data, document_id: str, annotations: pd.DataFrame, codes: pd.DataFrame | None = None) -> str:
    """The whole document as HTML paragraphs, each with a ¶ permalink, after its legend."""
    codes = coding.codes(data) if codes is None else codes
    code_info = codes.set_index("code")[["label", "short", "dimension"]].to_dict("index")
    document = data.documents[document_id]
    mine = annotations[annotations["document_id"] == document_id]
    by_sentence = {sid: group for sid, group in mine.groupby("sentence_id", sort=False)}
    empty = mine.head(0)
    out = []
    for paragraph in document.paragraphs:
        number = paragraph.number
        sentences = " ".join(
            _sentence_html(
                data,
                document_id,
                s,
                paragraph.start,
                by_sentence.get(s.id, empty),
                code_info,
                document.source_id,
            )
            for s in paragraph.sentences
        )
        anchor = f'<a class="para-anchor" href="#{paragraph.id}" aria-label="Paragraph {number}">¶{number}</a>'
        out.append(f'<p class="reader-{paragraph.kind}" id="{paragraph.id}">{anchor} {sentences}</p>')
    return legend(codes) + '\n<div class="reader">\n' + "\n".join(out) + "\n</div>"


def document_page(data, document_id: str):
    """Display object for a reader page (the generated notebooks in book/reader/)."""
    from IPython.display import HTML

    return HTML(document_html(data, document_id, results.annotations(data)))
