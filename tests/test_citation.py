"""Citing: CITATION.cff is valid and the one source of the version; the How to cite
page, each chapter's "cite this" line and the bibliography follow it and sources.yaml."""

from __future__ import annotations

import html
import os
import re
import subprocess

import pytest
import yaml
from pybtex.database import parse_string

from analysis import citation
from analysis.loaded import Loaded
from analysis.paths import ROOT

CFFCONVERT = ROOT / ".venv" / "cffconvert" / "bin" / "cffconvert"


def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


@pytest.mark.subprocess
def test_citation_cff_is_valid_by_cffconvert():
    if not CFFCONVERT.exists():
        message = f"{CFFCONVERT} not found: `make test` installs it"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run([str(CFFCONVERT), "--validate", "-i", str(ROOT / "CITATION.cff")], capture_output=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_site_is_titled_as_citation_cff(site):
    """The site's title (every page's <title> and the sidebar) is CITATION.cff's, not _config.yml's."""
    title = html.escape(cff()["title"])
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["title"] != cff()["title"], "the config's placeholder is replaced at build time"
    for page in ("book/intro.html", "book/sources.html", "book/profiles/CA.html"):
        text = (site / page).read_text(encoding="utf-8")
        assert re.search(rf"<title>[^<]*&#8212; {re.escape(title)}</title>", text), page


def test_bibtex_and_apa_carry_the_version_and_date_of_citation_cff(data):
    entry = cff()
    book = citation.book(data)
    (key, parsed), *_ = parse_string(citation.bibtex(book), "bibtex").entries.items()
    assert key == citation.BIBTEX_KEY
    assert parsed.fields["version"] == entry["version"]
    assert parsed.fields["title"] == entry["title"]
    assert f"(Version {entry['version']}) [Data set]." in citation.apa(book)
    assert citation.apa(book).startswith(f"{entry['authors'][0]['name']}. ({str(entry['date-released'])[:4]}).")


def test_sources_bibtex_has_one_entry_per_document_from_sources_yaml(data):
    parsed = parse_string(citation.sources_bibtex(data), "bibtex").entries
    listed = [d for s in data.metadata["sources"] for d in s["documents"]]
    assert list(parsed) == [d["id"] for d in listed]
    for document in listed:
        fields = parsed[document["id"]].fields
        assert fields["title"].replace("\\#", "#") == "{" + document["title"] + "}"
        assert fields["year"] == str(document["date"])[:4]
        assert "url" not in {k.lower() for k in fields}, "no address is known, so none is given"


@pytest.mark.build
def test_the_site_shows_the_version_and_a_cite_this_line_on_every_chapter(site):
    entry = cff()
    cite_page = (site / "book/appendix/cite.html").read_text(encoding="utf-8")
    assert f"version {entry['version']} of the book, released" in " ".join(cite_page.split())
    assert html.escape(f"version = {{{entry['version']}}}") in cite_page
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    chapters = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"] if "file" in c]
    for chapter in chapters:
        if chapter == "book/appendix/cite":
            continue
        page = (site / f"{chapter}.html").read_text(encoding="utf-8")
        line = re.search(r'<p class="cite-this">(.*?)</p>', page, flags=re.S)
        assert line, f"{chapter} has no cite-this line"
        assert f"version {entry['version']}, {chapter}.html" in html.unescape(line.group(1)), chapter


@pytest.mark.build
def test_the_bibliography_lists_every_document_and_each_reader_page_cites_its_own(site, data):
    bibliography = html.unescape((site / "book/appendix/bibliography.html").read_text(encoding="utf-8"))
    for source in data.metadata["sources"]:
        for document in source["documents"]:
            assert document["title"] in " ".join(bibliography.split()), document["id"]
            page = (site / f"book/reader/{document['id']}.html").read_text(encoding="utf-8")
            link = r'<a class="reference internal" href="../appendix/bibliography.html#id\d+"[^>]*>([^<]*)'
            cited = re.search(link, page)
            assert cited and cited.group(1).startswith(document["publisher"]), document["id"]


def test_the_editions_doi_is_read_from_citation_cff_once_recorded():
    entry = {k: v for k, v in cff().items() if k not in ("doi", "identifiers")}
    assert citation.doi(entry) is None
    assert citation.doi({**entry, "doi": "10.0000/example.1"}) == "10.0000/example.1"
    identifiers = [{"type": "url", "value": "https://example.org"}, {"type": "doi", "value": "10.0000/example.2"}]
    assert citation.doi({**entry, "identifiers": identifiers}) == "10.0000/example.2"


@pytest.mark.build
def test_the_cite_page_tells_an_edition_from_the_latest_version(site):
    """The difference in plain words, with this edition's version and its DOI as CITATION.cff records it."""
    entry = cff()
    page = (site / "book/appendix/cite.html").read_text(encoding="utf-8")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "An edition or the latest version" in text
    recorded = entry.get("doi") or next((i["value"] for i in entry.get("identifiers", []) if i["type"] == "doi"), None)
    expected = f"its DOI is {recorded}" if recorded else "no DOI has been minted for it yet"
    assert f"For this edition, {expected} ." in text or f"For this edition, {expected}." in text, expected
    assert f"such as version {entry['version']} ." in text or f"such as version {entry['version']}." in text
    assert "In a briefing, cite the edition" in text
    assert "The latest version is this website" in text


# A hand-made CITATION.cff entry: two authors, one a group, one a person.
ENTRY = {
    "title": "Policing drugs: four sources compared",
    "authors": [{"name": "The project contributors"}, {"family-names": "Doe", "given-names": "Jane"}],
    "version": "2.1.0",
    "date-released": "2027-03-04",
}


def test_every_form_of_the_books_citation_worked_out_by_hand():
    assert citation.authors(ENTRY) == ["The project contributors", "Doe, Jane"]
    assert citation.bibtex(ENTRY) == (
        "@misc{policing_drugs,\n"
        "  title = {Policing drugs: four sources compared},\n"
        "  author = {{The project contributors} and Doe, Jane},\n"
        "  year = {2027},\n"
        "  version = {2.1.0},\n"
        "  note = {Version 2.1.0, released 2027-03-04}\n"
        "}"
    )
    assert citation.apa(ENTRY) == (
        "The project contributors, Doe, Jane. (2027). Policing drugs: four sources compared (Version 2.1.0) [Data set]."
    )
    assert citation.short(ENTRY) == "Policing drugs: four sources compared, version 2.1.0 (2027)"
    assert citation.cite_line("Emerging threats", "book/threats.html", ENTRY) == (
        "The project contributors, Doe, Jane (2027). “Emerging threats”. "
        "In Policing drugs: four sources compared, version 2.1.0, book/threats.html."
    )
    forms = citation.forms_html({**ENTRY, "title": "Drugs & <law>"})
    assert "title = {Drugs &amp; &lt;law&gt;}" in forms and "Drugs &amp; &lt;law&gt; (Version 2.1.0)" in forms
    assert "<law>" not in forms


def test_the_titles_count_of_sources_follows_the_data():
    assert citation.titled_for(ENTRY["title"], 5) == "Policing drugs: five sources compared"
    assert citation.titled_for(ENTRY["title"], 1) == "Policing drugs: one source compared"
    assert citation.titled_for("four sources, then two sources", 3) == "three sources, then two sources"


def test_retitle_rewrites_the_title_line_only_and_skips_a_missing_file(tmp_path):
    path = tmp_path / "CITATION.cff"
    text = '# its four sources\ntitle: "Policing drugs: four sources compared"\nabstract: four sources\n'
    path.write_text(text, encoding="utf-8")
    citation.retitle(6, path)
    assert path.read_text(encoding="utf-8") == text.replace("Policing drugs: four", "Policing drugs: six")
    citation.retitle(6, tmp_path / "missing.cff")
    assert not (tmp_path / "missing.cff").exists()


def test_each_documents_bibtex_entry_worked_out_by_hand(tmp_path):
    documents = [
        {
            "id": "XX-2021",
            "title": "Review #3: 50% & more",
            "publisher": "A Body",
            "kind": "review",
            "event": "not stated",
            "date": "2021-12",
            "date_status": "inferred",
            "date_basis": "Its figures end in 2021.",
        },
        {
            "id": "XX-2019a",
            "title": "Notes",
            "publisher": "B",
            "kind": "event notes",
            "event": "Side event, Vienna",
            "date": "2019-01-15",
            "date_status": "stated",
            "date_basis": "Dated on its cover.",
        },
        {
            "id": "XX-2019b",
            "title": "Summary",
            "publisher": "C",
            "kind": "summary",
            "event": "not stated",
            "date": "2019",
            "date_status": "stated",
            "date_basis": "Dated on its cover.",
        },
    ]
    data = Loaded()
    data.metadata = {"sources": [{"documents": documents[:2]}, {"documents": documents[2:]}]}
    expected = (
        "@misc{XX-2021,\n"
        "  title = {{Review \\#3: 50\\% \\& more}},\n"
        "  author = {{A Body}},\n"
        "  year = {2021},\n"
        "  month = dec,\n"
        "  note = {Review. Date inferred: Its figures end in 2021.}\n"
        "}\n\n"
        "@misc{XX-2019a,\n"
        "  title = {{Notes}},\n"
        "  author = {{B}},\n"
        "  year = {2019},\n"
        "  month = jan,\n"
        "  note = {Event notes. Side event, Vienna}\n"
        "}\n\n"
        "@misc{XX-2019b,\n"
        "  title = {{Summary}},\n"
        "  author = {{C}},\n"
        "  year = {2019},\n"
        "  note = {Summary}\n"
        "}\n"
    )
    assert citation.sources_bibtex(data) == expected
    target = tmp_path / "extra" / "sources.bib"
    assert citation.write_sources_bib(data, target) == target and target.read_text(encoding="utf-8") == expected
    written = target.stat().st_mtime_ns
    citation.write_sources_bib(data, target)
    assert target.stat().st_mtime_ns == written, "an unchanged file is not written again"
