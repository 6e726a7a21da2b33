"""Reader pages: every paragraph anchored, coded spans marked, errata shown, data escaped."""

import inspect
import locale
import os
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from analysis import coding, corpus, reader, results
from analysis.loaded import Loaded
from analysis.paths import ROOT, SOURCES_METADATA


def test_every_paragraph_and_sentence_has_its_permanent_anchor(data):
    annotations = coding.load_annotations(data)
    for document in data.documents.values():
        page = reader.document_html(data, document.id, annotations)
        for paragraph in document.paragraphs:
            assert f'id="{paragraph.id}"' in page
            assert f'href="#{paragraph.id}"' in page
            for sentence in paragraph.sentences:
                assert f'id="{sentence.id}"' in page


def test_errata_readings_are_shown_beside_the_verbatim_text(data):
    page = reader.document_html(data, "CE-2024", coding.load_annotations(data))
    assert '<span class="extracted">Al</span> <ins class="erratum">(read: AI)</ins> has the potential' in page
    assert '<span class="extracted">Albased</span> <ins class="erratum">(read: AI-based)</ins>' in page


def test_coded_spans_are_coloured_by_dimension_and_each_code_is_named_and_linked(data):
    annotations = coding.load_annotations(data)
    codes = coding.codes(data).set_index("code")
    row = annotations[(annotations["document_id"] == "DU-2020") & (annotations["dimension"] == "threats")].iloc[0]
    page = reader.document_html(data, "DU-2020", annotations)
    sentence = page[page.index(f'id="{row.sentence_id}"') :].split("</span></span>")[0]
    assert '<mark class="dim-threats">' in sentence or '<mark class="dim-several">' in sentence
    label, short = codes.loc[row.code, "label"], codes.loc[row.code, "short"]
    href = f"../evidence/threats.html#ev-DU-{row.code}"
    assert f'href="{href}"' in sentence
    assert f'data-tip="{label}: {row.stance}"' in sentence
    assert f">{short} · {row.stance}</a>" in sentence
    assert f"{row.code}: {row.stance}" not in page, "no raw code ids on the page"
    legend = page[: page.index('<div class="reader">')]
    for dimension in coding.codes(data).drop_duplicates("dimension").itertuples():
        assert f'<mark class="dim-{dimension.dimension.replace("_", "-")}">{dimension.dimension_label}</mark>' in legend


def test_text_from_data_is_escaped(data):
    (sentence,) = [s for s in data.documents["CA-2019"].sentences if "Bar Watch" in s.raw]
    annotations = pd.DataFrame(
        [
            {
                "document_id": "CA-2019",
                "sentence_id": sentence.id,
                "start": sentence.start,
                "end": sentence.end,
                "code": "hostile",
                "stance": "<img src=x onerror=alert(1)>",
            }
        ]
    )
    codes = pd.DataFrame(
        [
            {
                "code": "hostile",
                "label": "<script>alert(1)</script>",
                "short": "<b>x</b>",
                "dimension": "threats",
                "dimension_label": "<i>Threats</i>",
            }
        ]
    )
    page = reader.document_html(data, "CA-2019", annotations, codes)
    assert "<script>" not in page and "<img" not in page and "<b>x" not in page and "<i>Threats" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;: &lt;img src=x onerror=alert(1)&gt;" in page
    assert "*Bar Watch*" not in page and "Bar Watch" in page


def test_codebook_cards_anchor_every_code_and_escape_text():
    from analysis import tables

    book = coding.read_codebook()
    for dimension in book["dimensions"]:
        html = tables.codebook_cards(book, dimension["id"]).data
        for code in dimension["codes"]:
            assert f'id="code-{code["id"]}"' in html
    book["dimensions"][0]["codes"][0]["definition"] = "<b>bold</b>"
    assert "&lt;b&gt;bold&lt;/b&gt;" in tables.codebook_cards(book, book["dimensions"][0]["id"]).data


# --- the generated pages (Markdown) -----------------------------------------------


def _listed_documents() -> list[tuple[dict, dict]]:
    """(source, document) pairs of sources.yaml, read with yaml directly (not through corpus)."""
    metadata = yaml.safe_load(SOURCES_METADATA.read_text(encoding="utf-8"))
    return [(source, document) for source in metadata["sources"] for document in source["documents"]]


def test_page_heading_is_source_label_reference_year_and_short_title(data):
    # Written out from sources.yaml by hand: documents of the first, a middle and the last source.
    assert reader.page_heading(data, "CA-2019") == "Canada 2019: Law Enforcement Roundtable on Drugs"
    assert (
        reader.page_heading(data, "CH-2013b") == "Chatham House/IDPC 2013: Modernising Drug Law Enforcement side event"
    )
    assert reader.page_heading(data, "CE-2024") == "Council of Europe 2024: Law Enforcement Conference report"
    for source, document in _listed_documents():
        expected = f"{source['label']} {document['reference_year']}: {document['short_title']}"
        assert reader.page_heading(data, document["id"]) == expected


def test_page_heading_falls_back_to_the_full_title_without_a_short_title():
    metadata = {
        "sources": [
            {"label": "Testland", "documents": [{"id": "TL-1999", "title": "Full title one", "reference_year": 1999}]},
            {
                "label": "Elsewhere",
                "documents": [
                    {"id": "EW-2001", "title": "Full title two", "short_title": "", "reference_year": 2001},
                    {"id": "EW-2002", "title": "Full title three", "short_title": "Short", "reference_year": 2002},
                ],
            },
        ]
    }
    data = Loaded()
    data.metadata = metadata
    assert reader.page_heading(data, "TL-1999") == "Testland 1999: Full title one"
    assert reader.page_heading(data, "EW-2001") == "Elsewhere 2001: Full title two"  # an empty short title too
    assert reader.page_heading(data, "EW-2002") == "Elsewhere 2002: Short"


def test_page_heading_of_an_unlisted_document_raises_key_error_naming_it(data):
    with pytest.raises(KeyError) as raised:
        reader.page_heading(data, "XX-1999")
    assert raised.value.args == ("XX-1999",)


# The whole page of CA-2019, written out by hand: a MyST notebook whose label and heading
# the chapters link to, the intro that cites the document, and one hidden code cell.
CA_2019_PAGE = """---
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

(reader-CA-2019)=
# Canada 2019: Law Enforcement Roundtable on Drugs

The full text of document `CA-2019` {cite:p}`CA-2019`, paragraph by
paragraph. This page is generated from `data/sources/sources.yaml`; do not edit it.
Each paragraph has a permanent anchor (the ¶ number) for citation, for example
"CA-2019, ¶12". Provenance: {ref}`data-provenance`.

```{code-cell} python
:tags: [remove-input]
from analysis import loaded, reader

reader.document_page(loaded.load(), "CA-2019")
```
"""


def test_write_pages_writes_one_page_per_listed_document_into_a_new_folder(tmp_path, data):
    directory = tmp_path / "book" / "reader"  # neither folder exists yet
    written = reader.write_pages(data, directory)
    listed = _listed_documents()
    assert written == [directory / f"{document['id']}.md" for _, document in listed]
    assert sorted(p.name for p in directory.iterdir()) == sorted(f"{d['id']}.md" for _, d in listed)
    assert (directory / "CA-2019.md").read_text(encoding="utf-8") == CA_2019_PAGE
    for source, document in listed:
        lines = (directory / f"{document['id']}.md").read_text(encoding="utf-8").splitlines()
        assert lines[12] == f"(reader-{document['id']})="
        assert lines[13] == f"# {source['label']} {document['reference_year']}: {document['short_title']}"
        assert f'reader.document_page(loaded.load(), "{document["id"]}")' in lines


def test_write_pages_rewrites_only_changed_pages_and_removes_stale_ones(tmp_path, data):
    directory = tmp_path / "reader"
    reader.write_pages(data, directory)
    old = 1_000_000_000 * 10**9  # a file time in 2001, in ns: a rewrite would move it to now
    unchanged, edited = directory / "CA-2019.md", directory / "DU-2020.md"
    edited.write_text("edited by hand\n", encoding="utf-8")
    for path in (unchanged, edited):
        os.utime(path, ns=(old, old))
    (directory / "XX-1999.md").write_text("a document no longer listed\n", encoding="utf-8")
    (directory / "notes.txt").write_text("not a page\n", encoding="utf-8")

    written = reader.write_pages(data, directory)  # the folder exists now: no error

    assert unchanged.stat().st_mtime_ns == old, "an unchanged page is not rewritten"
    assert edited.stat().st_mtime_ns != old
    assert edited.read_text(encoding="utf-8").splitlines()[13] == "# Durham PCC 2020: drugs briefing"
    assert not (directory / "XX-1999.md").exists()
    assert (directory / "notes.txt").read_text(encoding="utf-8") == "not a page\n"
    assert sorted(p.name for p in directory.glob("*.md")) == sorted(p.name for p in written)


def test_pages_go_where_the_table_of_contents_takes_them():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    globs = [c["glob"] for part in toc["parts"] for c in part["chapters"] if "glob" in c]
    assert "book/reader/*" in globs
    assert reader.PAGES_DIR == ROOT / "book" / "reader"
    assert inspect.signature(reader.write_pages).parameters["directory"].default == reader.PAGES_DIR


# --- the page's HTML, on a small hand-made document ---------------------------------

# Three paragraphs: a '#' heading, a list item of two sentences, a text paragraph of two.
FAKE_TEXT = (
    "# Al in policing\n"
    "\n"
    "- First item with R&D and Al tools. Second sentence <here> overlaps.\n"
    "\n"
    "Prices fell - sharply, said the report. Also no codes here.\n"
)
FAKE_ERRATA = (
    ("ZZ-2000", "Al", "AI"),
    ("OTHER-2000", "Prices", "Costs"),  # another document's: never applied here
    ("ZZ-2000", "R&D", "R & D"),
)
# How the erratum "Al" shows: the verbatim word, then its reading.
AL = '<span class="extracted">Al</span> <ins class="erratum">(read: AI)</ins>'
# Two dimensions; enforcement has two codes. Labels, a code id and a dimension label hold HTML.
FAKE_CODES = pd.DataFrame(
    [
        ("enforcement", "Enforcement priorities", "e1", 'Street-level "crackdowns"', "crackdowns"),
        ("enforcement", "Enforcement priorities", "e2", "Supply disruption", "supply"),
        ("harm_reduction", "Harm reduction & safety", 'h"1', "Naloxone <kits>", "naloxone"),
    ],
    columns=["dimension", "dimension_label", "code", "label", "short"],
)
LEGEND_PROSE = (
    "<p>After each coded sentence, a chip names each code and the source's stance; hover or focus it "
    "for the code's full label, and follow it to every quote behind that code. Words in "
    '<span class="extracted">this style</span> are extraction faults, with the errata reading '
    'beside them <ins class="erratum">(read: …)</ins>.</p></div>'
)
FAKE_LEGEND = (
    '<div class="reader-legend"><p>Coded spans are coloured by dimension:</p><ul class="reader-legend-list">'
    '<li><mark class="dim-enforcement">Enforcement priorities</mark></li>'
    '<li><mark class="dim-harm-reduction">Harm reduction &amp; safety</mark></li></ul>' + LEGEND_PROSE
)


def _annotation(sentence_id: str, quote: str, code: str, stance: str, after: str = "") -> dict:
    start = FAKE_TEXT.index(quote, FAKE_TEXT.index(after))  # found by plain str.index (from `after` on)
    return {
        "document_id": "ZZ-2000",
        "sentence_id": sentence_id,
        "start": start,
        "end": start + len(quote),
        "code": code,
        "stance": stance,
    }


FAKE_ANNOTATIONS = pd.DataFrame(
    [
        _annotation("ZZ-2000-p002-s01", "Al tools", "e1", "endorses"),  # mid-sentence, with an erratum inside
        _annotation("ZZ-2000-p002-s01", "Al", "e2", "describes", after="Al tools"),  # overlaps e1: the same dimension
        _annotation("ZZ-2000-p002-s02", "Second sentence", 'h"1', "questions"),  # at the sentence's start
        _annotation("ZZ-2000-p002-s02", "sentence <here> overlaps.", "e1", "implements"),  # to its end
        _annotation("ZZ-2000-p003-s01", "Prices fell", "e2", "endorses"),
        {  # another document's: not on this page
            "document_id": "OTHER-2000",
            "sentence_id": "OTHER-2000-p001-s01",
            "start": 0,
            "end": 5,
            "code": "e1",
            "stance": "endorses",
        },
    ]
)


@pytest.fixture
def fake_data() -> Loaded:
    """A small world: its one document ZZ-2000 (source ZZ) is FAKE_TEXT, with FAKE_ERRATA as the errata."""
    paragraphs = tuple(corpus.split_document("ZZ-2000", FAKE_TEXT))
    data = Loaded()
    data.documents = {"ZZ-2000": corpus.Document("ZZ-2000", "ZZ", Path("zz.txt"), FAKE_TEXT, paragraphs)}
    data.errata = FAKE_ERRATA
    return data


def chip_html(dimension_class: str, href: str, tip: str, text: str) -> str:
    return (
        f'<a class="code-chip {dimension_class}" href="{href}" aria-label="{tip}. Every quote behind this code" '
        f'data-tip="{tip}">{text}</a>'
    )


def test_dimension_class_is_dim_and_the_dimension_with_hyphens():
    assert reader.dimension_class("threats") == "dim-threats"
    assert reader.dimension_class("harm_reduction") == "dim-harm-reduction"
    assert reader.dimension_class("a_b_c") == "dim-a-b-c"


def test_legend_has_one_swatch_per_dimension_in_codebook_order_and_escapes_labels():
    assert reader.legend(FAKE_CODES) == FAKE_LEGEND


def test_code_chip_names_the_code_and_stance_and_links_to_its_evidence_escaped():
    code_info = FAKE_CODES.set_index("code")[["label", "short", "dimension"]].to_dict("index")
    row = SimpleNamespace(code='h"1', stance="it's <so>")
    # The evidence page of the code's dimension, anchored on source and code; quotes escaped in attributes.
    assert reader._chip(row, code_info, "ZZ") == chip_html(
        "dim-harm-reduction",
        "../evidence/harm-reduction.html#ev-ZZ-h&quot;1",
        "Naloxone &lt;kits&gt;: it&#x27;s &lt;so&gt;",
        "naloxone · it&#x27;s &lt;so&gt;",
    )
    row = SimpleNamespace(code="e1", stance="endorses")
    assert reader._chip(row, code_info, "CA") == chip_html(
        "dim-enforcement",
        "../evidence/enforcement.html#ev-CA-e1",
        "Street-level &quot;crackdowns&quot;: endorses",
        "crackdowns · endorses",
    )


def test_errata_are_marked_as_whole_words_of_their_own_document_only(fake_data):
    # The text comes in escaped, so an erratum with '&' is found in its escaped form.
    escaped = "Al and R&amp;D; Also Al, not Alps or Prices"
    assert reader._with_errata(fake_data, "ZZ-2000", escaped) == (
        f'{AL} and <span class="extracted">R&amp;D</span> <ins class="erratum">(read: R &amp; D)</ins>; '
        f"Also {AL}, not Alps or Prices"
    )
    assert reader._with_errata(fake_data, "YY-2000", escaped) == escaped


# The document written out by hand, sentence by sentence, from FAKE_TEXT and FAKE_ANNOTATIONS.
E1 = ("dim-enforcement", "../evidence/enforcement.html#ev-ZZ-e1", "Street-level &quot;crackdowns&quot;")
E2 = ("dim-enforcement", "../evidence/enforcement.html#ev-ZZ-e2", "Supply disruption")
H1 = ("dim-harm-reduction", "../evidence/harm-reduction.html#ev-ZZ-h&quot;1", "Naloxone &lt;kits&gt;")


def fake_chip(code: tuple[str, str, str], short: str, stance: str) -> str:
    dimension_class, href, label = code
    return chip_html(dimension_class, href, f"{label}: {stance}", f"{short} · {stance}")


def fake_paragraph(number: int, kind: str, *sentences: str) -> str:
    pid = f"ZZ-2000-p{number:03d}"
    anchor = f'<a class="para-anchor" href="#{pid}" aria-label="Paragraph {number}">¶{number}</a>'
    return f'<p class="reader-{kind}" id="{pid}">{anchor} ' + " ".join(sentences) + "</p>"


# The heading: its '#' marker dropped, the erratum shown, no codes.
P1_S1 = f'<span class="sentence" id="ZZ-2000-p001-s01">{AL} in policing</span>'
# The list item's '- ' marker dropped; "Al" is coded twice in one dimension, " tools" once.
P2_S1 = (
    '<span class="sentence" id="ZZ-2000-p002-s01">First item with '
    '<span class="extracted">R&amp;D</span> <ins class="erratum">(read: R &amp; D)</ins> and '
    f'<mark class="dim-enforcement">{AL}</mark><mark class="dim-enforcement"> tools</mark>. '
    f'<span class="codes">{fake_chip(E1, "crackdowns", "endorses")}{fake_chip(E2, "supply", "describes")}</span>'
    "</span>"
)
# Two dimensions overlap on "sentence"; the second span runs to the sentence's end.
P2_S2 = (
    '<span class="sentence" id="ZZ-2000-p002-s02"><mark class="dim-harm-reduction">Second </mark>'
    '<mark class="dim-several">sentence</mark><mark class="dim-enforcement"> &lt;here&gt; overlaps.</mark> '
    f'<span class="codes">{fake_chip(H1, "naloxone", "questions")}{fake_chip(E1, "crackdowns", "implements")}</span>'
    "</span>"
)
# " - sharply" is no list marker in mid-paragraph; OTHER-2000's erratum ("Prices") is not applied.
P3_S1 = (
    '<span class="sentence" id="ZZ-2000-p003-s01"><mark class="dim-enforcement">Prices fell</mark>'
    f' - sharply, said the report. <span class="codes">{fake_chip(E2, "supply", "endorses")}</span></span>'
)
P3_S2 = '<span class="sentence" id="ZZ-2000-p003-s02">Also no codes here.</span>'
FAKE_HTML = (
    FAKE_LEGEND
    + '\n<div class="reader">\n'
    + fake_paragraph(1, "heading", P1_S1)
    + "\n"
    + fake_paragraph(2, "item", P2_S1, P2_S2)
    + "\n"
    + fake_paragraph(3, "text", P3_S1, P3_S2)
    + "\n</div>"
)


def test_document_html_marks_spans_by_dimension_names_codes_and_shows_errata(fake_data):
    assert reader.document_html(fake_data, "ZZ-2000", FAKE_ANNOTATIONS, FAKE_CODES) == FAKE_HTML


def test_document_page_shows_the_document_with_the_coding_and_codebook(fake_data, monkeypatch):
    monkeypatch.setattr(results, "annotations", lambda data: FAKE_ANNOTATIONS)
    monkeypatch.setattr(coding, "codes", lambda data: FAKE_CODES)
    assert reader.document_page(fake_data, "ZZ-2000").data == FAKE_HTML


@pytest.fixture
def ascii_locale():
    """A locale whose text encoding is not UTF-8 (here the C locale's ASCII), as on a machine
    set to a legacy encoding: files opened without an explicit encoding would use it."""
    previous = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, previous)


def test_pages_are_written_and_compared_as_utf8_whatever_the_locale(tmp_path, ascii_locale, data):
    directory = tmp_path / "reader"
    reader.write_pages(data, directory)  # the page holds '¶', which ASCII cannot encode
    assert (directory / "CA-2019.md").read_bytes().decode("utf-8") == CA_2019_PAGE
    reader.write_pages(data, directory)  # reads the existing pages back to compare them
    assert (directory / "CA-2019.md").read_bytes().decode("utf-8") == CA_2019_PAGE
