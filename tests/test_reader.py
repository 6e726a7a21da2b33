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


def test_errata_are_shown_in_their_reading_and_the_text_stays_available():
    page = reader.document_html("CE-2024", coding.load_annotations())
    assert '<ins class="erratum" title="The extracted text reads “Al”">AI</ins> has the potential' in page
    assert "Albased" not in page.replace("reads “Albased”", "")


def test_coded_spans_are_marked_and_labelled():
    annotations = coding.load_annotations()
    row = annotations[annotations["document_id"] == "DU-2020"].iloc[0]
    page = reader.document_html("DU-2020", annotations)
    assert "<mark>" in page
    assert f"{row.code}: {row.stance}" in page


def test_text_from_data_is_escaped():
    (sentence,) = [s for s in corpus.load_document("CA-2019").sentences if "Bar Watch" in s.raw]
    annotations = pd.DataFrame(
        [
            {
                "document_id": "CA-2019",
                "sentence_id": sentence.id,
                "start": sentence.start,
                "end": sentence.end,
                "code": "<script>alert(1)</script>",
                "stance": "endorses",
            }
        ]
    )
    page = reader.document_html("CA-2019", annotations)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;: endorses" in page
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
