"""Reader pages: every paragraph anchored, coded spans marked, errata shown, data escaped."""

import pandas as pd

from analysis import coding, corpus, reader


def test_every_paragraph_and_sentence_has_its_permanent_anchor():
    annotations = coding.load_annotations()
    for document in corpus.load_documents():
        page = reader.document_html(document.id, annotations)
        for paragraph in document.paragraphs:
            assert f'id="{paragraph.id}"' in page
            assert f'href="#{paragraph.id}"' in page
            for sentence in paragraph.sentences:
                assert f'id="{sentence.id}"' in page


def test_errata_readings_are_shown_beside_the_verbatim_text():
    page = reader.document_html("CE-2024", coding.load_annotations())
    assert '<span class="extracted">Al</span> <ins class="erratum">(read: AI)</ins> has the potential' in page
    assert '<span class="extracted">Albased</span> <ins class="erratum">(read: AI-based)</ins>' in page


def test_coded_spans_are_coloured_by_dimension_and_each_code_is_named_and_linked():
    annotations = coding.load_annotations()
    codes = coding.codes().set_index("code")
    row = annotations[(annotations["document_id"] == "DU-2020") & (annotations["dimension"] == "threats")].iloc[0]
    page = reader.document_html("DU-2020", annotations)
    sentence = page[page.index(f'id="{row.sentence_id}"') :].split("</span></span>")[0]
    assert '<mark class="dim-threats">' in sentence or '<mark class="dim-several">' in sentence
    label, short = codes.loc[row.code, "label"], codes.loc[row.code, "short"]
    href = f"../evidence/threats.html#ev-DU-{row.code}"
    assert f'href="{href}"' in sentence
    assert f'data-tip="{label}: {row.stance}"' in sentence
    assert f">{short} · {row.stance}</a>" in sentence
    assert f"{row.code}: {row.stance}" not in page, "no raw code ids on the page"
    legend = page[: page.index('<div class="reader">')]
    for dimension in coding.codes().drop_duplicates("dimension").itertuples():
        assert f'<mark class="dim-{dimension.dimension.replace("_", "-")}">{dimension.dimension_label}</mark>' in legend


def test_text_from_data_is_escaped():
    (sentence,) = [s for s in corpus.load_document("CA-2019").sentences if "Bar Watch" in s.raw]
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
    page = reader.document_html("CA-2019", annotations, codes)
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
