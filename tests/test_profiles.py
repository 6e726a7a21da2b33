"""The briefing kit's pages: a generated profile per source, quotes to paste behind each
finding, profile links from every exhibit, and counts of sources and documents that
come from the metadata, never typed."""

from __future__ import annotations

import html
import io
import re
import time

import pandas as pd
import pytest
import yaml

from analysis import citation, coding, corpus, exhibits, pdf, profiles, quotes, results
from analysis.loaded import Loaded
from analysis.paths import ROOT, SOURCES_METADATA
from tests.conftest import METHOD_TABLES
from tests.test_browser import base_url, browser  # noqa: F401  (fixtures)


def metadata_sources() -> list[dict]:
    return yaml.safe_load(SOURCES_METADATA.read_text(encoding="utf-8"))["sources"]


# --- counts and the title -------------------------------------------------------------


def test_small_counts_are_written_in_words_and_large_ones_in_figures():
    assert corpus.counted(4, "source") == "four sources"
    assert corpus.counted(1, "document") == "one document"
    assert corpus.counted(0, "source") == "no sources"
    assert corpus.counted(10, "source") == "ten sources"
    assert corpus.counted(12, "document") == "12 documents"


def test_the_title_takes_its_count_of_sources_from_the_metadata(data):
    assert citation.titled_for("Policing drugs: four sources compared", 5) == "Policing drugs: five sources compared"
    assert citation.titled_for("A title without a count", 5) == "A title without a count"
    listed = len(metadata_sources())
    assert (
        citation.book(data)["title"]
        == f"Policing drugs: {['', 'one', 'two', 'three', 'four'][listed]} sources compared"
    )
    six = Loaded()
    six.metadata = {"sources": [{}] * 6}
    assert citation.book(six)["title"] == "Policing drugs: six sources compared"


def test_citation_cff_keeps_its_title_in_step_with_the_metadata(data):
    """GitHub and Zenodo read the file itself: its title must count what sources.yaml lists."""
    literal = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))["title"]
    assert literal == citation.book(data)["title"]


def test_retitle_changes_only_the_title_line(tmp_path):
    cff = tmp_path / "CITATION.cff"
    original = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    cff.write_text(original, encoding="utf-8")
    citation.retitle(7, cff)
    changed = [(a, b) for a, b in zip(original.splitlines(), cff.read_text().splitlines(), strict=True) if a != b]
    assert changed == [
        ('title: "Policing drugs: four sources compared"', 'title: "Policing drugs: seven sources compared"')
    ]


# --- generated pages ------------------------------------------------------------------


def test_write_pages_writes_one_profile_per_source_and_removes_stale_ones(tmp_path, data):
    (tmp_path / "XX.md").write_text("stale", encoding="utf-8")
    written = profiles.write_pages(data, tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{s['id']}.md" for s in metadata_sources())
    assert not (tmp_path / "XX.md").exists()
    first = {p: p.stat().st_mtime_ns for p in written}
    time.sleep(0.01)
    profiles.write_pages(data, tmp_path)
    assert {p: p.stat().st_mtime_ns for p in written} == first, "an unchanged page was rewritten"
    page = (tmp_path / "DU.md").read_text(encoding="utf-8")
    assert "(profile-DU)=" in page and "# Durham PCC: source profile" in page
    assert 'profiles.profile_page(loaded.load(), "DU")' in page


def test_the_table_of_contents_takes_the_generated_profiles():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    assert {"glob": "book/profiles/*"} in [c for part in toc["parts"] for c in part["chapters"]]
    assert profiles.PAGES_DIR == ROOT / "book" / "profiles"


# --- choosing quotes, on hand-made frames ----------------------------------------------


def quote_rows(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["source_id", "code", "stance", "sentence_id"])


def test_the_strongest_stance_wins_over_document_order(monkeypatch):
    data = Loaded()
    table = quote_rows(
        ("AA", "hr_x", "describes", "AA-p001-s01"),
        ("AA", "hr_x", "endorses", "AA-p002-s01"),
        ("AA", "hr_y", "implements", "AA-p003-s01"),
        ("AA", "hr_y", "implements", "AA-p004-s01"),
        ("BB", "hr_x", "implements", "BB-p001-s01"),
    )
    monkeypatch.setattr(results, "quotes", lambda data: table)
    assert quotes.strongest(data, "AA", ["hr_x", "hr_y"]) == ("AA-p003-s01", "implements")
    assert quotes.strongest(data, "AA", ["hr_x"]) == ("AA-p002-s01", "endorses")
    assert quotes.strongest(data, "AA", ["hr_z"]) == ("", "")
    assert quotes.strongest(data, "CC", ["hr_x"]) == ("", "")


def test_a_finding_shows_at_most_three_distinct_quotes_with_their_first_reason(monkeypatch):
    data = Loaded()
    shown = {}

    def fake_quotes_html(data, ids, prefix="", notes=None):
        shown["ids"], shown["notes"] = ids, notes
        return "<quotes>"

    monkeypatch.setattr(quotes, "quotes_html", fake_quotes_html)
    chosen = [("s1", "first"), ("s2", "second"), ("s1", "again"), ("", "none"), ("s3", "third"), ("s4", "fourth")]
    block = quotes.finding_html(data, chosen)
    assert shown == {"ids": ["s1", "s2", "s3"], "notes": ["first", "second", "third"]}
    assert block.startswith('<details class="finding-quotes"><summary>Quotes behind this finding (3)</summary>')
    assert "No quote" in quotes.finding_html(data, [("", "none")])


def test_a_quote_is_its_whole_sentence_as_the_reader_page_reads_it(data):
    """CE-2024 spells 'AI' as 'Al' (an extraction fault): the quote reads it as the errata say."""
    (sentence,) = [
        s for s in data.documents["CE-2024"].sentences if "Al has the potential" in s.text and "Al" in s.raw
    ][:1]
    q = quotes.quote(data, sentence.id)
    assert "AI has the potential" in q.text and "Al has" not in q.text
    assert q.reference == f"Council of Europe 2024: Law Enforcement Conference report, ¶{sentence.paragraph}"
    assert q.url("../") == f"../reader/CE-2024.html#{sentence.id}"


def test_key_quotes_are_three_to_five_of_the_sources_own_coded_sentences(data):
    annotations = coding.load_annotations(data)
    for source in metadata_sources():
        documents = {d["id"] for d in source["documents"]}
        chosen = profiles.key_quotes(data, source["id"])
        assert 3 <= len(chosen) <= 5, source["id"]
        assert len({s for s, _ in chosen}) == len(chosen)
        for sentence_id, note in chosen:
            assert corpus.document_of(sentence_id) in documents
            assert sentence_id in set(annotations["sentence_id"]) and note.endswith(".")


def test_each_findings_quote_carries_the_code_of_what_it_supports(data):
    """Second route: the leader of each source and its top code, from raw counts of coded sentences."""
    annotations = coding.load_annotations(data)
    body = {s.id for d in data.documents.values() for s in corpus.body_sentences(d)}
    source_of = {d["id"]: s["id"] for s in metadata_sources() for d in s["documents"]}
    enforcement = annotations[(annotations["dimension"] == "enforcement") & annotations["sentence_id"].isin(body)]
    counts = enforcement.assign(source_id=enforcement["document_id"].map(source_of))
    counts = counts.drop_duplicates(["sentence_id", "code"]).groupby(["source_id", "code"]).size()
    top = {source: group.droplevel(0).idxmax() for source, group in counts.groupby(level=0)}
    for sentence_id, _note in quotes.enforcement_leaders(data):
        source = source_of[corpus.document_of(sentence_id)]
        codes = set(annotations[annotations["sentence_id"] == sentence_id]["code"])
        assert top[source] in codes, (sentence_id, top[source])


# --- the built site ---------------------------------------------------------------------


def quote_blocks(page: str) -> list[tuple[str, str]]:
    """Each quote block's text and its reader link."""
    pattern = r'<figure class="paste-quote"><blockquote><p>“(.*?)”</p></blockquote><figcaption>.*?<a href="([^"]+)">'
    return [(html.unescape(text), href) for text, href in re.findall(pattern, page, flags=re.S)]


def test_every_pasted_quote_is_verbatim_and_links_to_its_sentence(site, data):
    sentences = {s.id: s for d in data.documents.values() for s in d.sentences}
    pages = [*sorted((site / "book" / "profiles").glob("*.html")), site / "book" / "intro.html"]
    pages += [site / "book" / f"{c}.html" for c in ("enforcement", "harm-reduction", "threats", "synthesis")]
    seen = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        blocks = quote_blocks(text)
        assert blocks, f"{page.name} shows no quote to paste"
        for quote, href in blocks:
            document_id, sentence_id = re.fullmatch(r"(?:\.\./)?reader/(.+)\.html#(.+)", href).groups()
            sentence = sentences[sentence_id]
            words = " ".join(data.documents[document_id].text.split())
            assert " ".join(sentence.raw.split()) in words, "the sentence is the document's own"
            assert quote == coding.reading(data, document_id, sentence.text), (page.name, sentence_id)
            reader_page = (site / "book" / "reader" / f"{document_id}.html").read_text(encoding="utf-8")
            assert f'id="{sentence_id}"' in reader_page
            seen += 1
    assert seen >= 25


def test_each_key_finding_offers_two_or_three_quotes(site):
    intro = (site / "book" / "intro.html").read_text(encoding="utf-8")
    findings_part = intro[intro.index('id="intro-key-findings"') : intro.index('id="intro-corpus"')]
    groups = findings_part.split('<details class="finding-quotes">')[1:]
    assert len(groups) == 5
    for group in groups:
        assert 2 <= len(quote_blocks(group.split("</details>")[0])) <= 3


def test_a_profile_shows_what_the_chapters_find_about_its_source(site, data):
    """Top priority by a second route (raw counts), closest source from the similarity table."""
    annotations = coding.load_annotations(data)
    codes = coding.codes(data).set_index("code")
    similarity = results.similarity(data)
    for source in metadata_sources():
        page = (site / "book" / "profiles" / f"{source['id']}.html").read_text(encoding="utf-8")
        assert f"{source['label']}: source profile" in page
        for document in source["documents"]:
            assert html.escape(document["title"]) in page
        mine = annotations[annotations["document_id"].isin([d["id"] for d in source["documents"]])]
        body = {s.id for d in source["documents"] for s in corpus.body_sentences(data.documents[d["id"]])}
        enforcement = mine[(mine["dimension"] == "enforcement") & mine["sentence_id"].isin(body)]
        top = enforcement.drop_duplicates(["sentence_id", "code"]).groupby("code").size().idxmax()
        section = page[page.index('id="profile-enforcement"') : page.index('id="profile-indices"')]
        first_item = section[section.index("<li>") : section.index("</li>")]
        assert f"ev-{source['id']}-{top}" in first_item and html.escape(codes.loc[top, "short"]) in first_item
        others = similarity[(similarity["source_a_id"] == source["id"]) & (similarity["source_b_id"] != source["id"])]
        closest = others.sort_values("cosine", ascending=False).iloc[0]
        assert "closest to <a href=" in page and f">{html.escape(closest.source_b)}: {closest.cosine:.2f}</a>" in page
        for heading in ("What it is", "Enforcement priorities", "Harm reduction and enforcement orientation"):
            assert f"<h2>{heading}</h2>" in page
        assert "Cite this page:" in page and "not raised</em>, not opposed" in page


def test_every_exhibit_that_names_a_source_links_to_its_profile(site):
    for label, exhibit in exhibits.registry().items():
        page = (site / "book" / f"{exhibit.chapter}.html").read_text(encoding="utf-8")
        shown = page[page.index(f'id="{label}"') :].split("</figure>")[0]
        if label in METHOD_TABLES:
            assert "Source profiles:" not in shown
            continue
        for source in metadata_sources():
            link = f'<a href="profiles/{source["id"]}.html">{html.escape(source["label"])}</a>'
            assert link in shown, (label, source["id"])


def test_the_introduction_lists_every_source_from_the_metadata(site):
    intro = (site / "book" / "intro.html").read_text(encoding="utf-8")
    corpus_part = intro[intro.index('id="intro-corpus"') :]
    for source in metadata_sources():
        assert f'<a href="profiles/{source["id"]}.html">{html.escape(source["label"])}</a>' in corpus_part
        for document in source["documents"]:
            assert html.escape(document["title"]) in corpus_part
    n = len(metadata_sources())
    assert f"<h1>Policing drugs: {corpus.counted(n, 'source')} compared" in intro


# --- in the browser -----------------------------------------------------------------------


@pytest.mark.browser
def test_a_profile_prints_on_at_most_two_a4_pages(browser, base_url):  # noqa: F811
    from pypdf import PdfReader

    page = browser.new_page()
    for source in metadata_sources():
        page.goto(base_url + f"book/profiles/{source['id']}.html", wait_until="load")
        printed = PdfReader(io.BytesIO(page.pdf(format="A4", margin=pdf.MARGIN)))
        assert len(printed.pages) <= 2, f"{source['id']} prints on {len(printed.pages)} pages"
        assert "Cite this page" in printed.pages[-1].extract_text()
    page.close()


@pytest.mark.browser
def test_the_copy_button_copies_the_quote_with_its_reference(browser, base_url):  # noqa: F811
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base_url + "book/profiles/DU.html", wait_until="load")
    figure = page.locator(".paste-quote").first
    quote = figure.locator("blockquote").inner_text().strip()
    reference = figure.locator("figcaption a").inner_text().strip()
    figure.locator("button.copy-quote").focus()
    page.keyboard.press("Enter")
    figure.locator(".copy-status").filter(has_text="Copied").wait_for(timeout=5_000)
    copied = page.evaluate("navigator.clipboard.readText()")
    address = figure.locator("figcaption a").evaluate("a => a.href")
    assert copied == f"{quote} ({reference}, {address})"
    assert re.search(r"/book/reader/DU-2020\.html#DU-2020-p\d{3}-s\d{2}\)$", copied)
    context.close()


@pytest.mark.browser
def test_without_javascript_quotes_are_plain_text_and_no_button_shows(browser, base_url):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "book/profiles/CE.html", wait_until="load")
    assert page.locator(".paste-quote blockquote").first.is_visible()
    assert page.locator("button.copy-quote:visible").count() == 0
    context.close()
