"""The PDF edition: the whole book, with an outline of its chapters, and every chart
printed in its chapter (its own labels are in that chapter's text, so the chart was drawn, not blank)."""

from __future__ import annotations

import html
import re

import pytest
import yaml
from pypdf import PdfReader

from analysis import charts, exhibits
from analysis.paths import ROOT

pytestmark = pytest.mark.build


def outline_entries(pdf: PdfReader, outline=None) -> list[tuple[str, int]]:
    """Every entry of the PDF's outline, in order: (title, whitespace made single; page)."""
    entries = []
    for item in pdf.outline if outline is None else outline:
        if isinstance(item, list):
            entries += outline_entries(pdf, item)
        else:
            entries.append((" ".join(item.title.split()), pdf.get_destination_page_number(item)))
    return entries


def chapter_titles(site) -> dict[str, str]:
    """Each page of the book (in reading order) and the title of its chapter, from its h1."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"] if "file" in c]
    pages += [p.relative_to(site).with_suffix("").as_posix() for p in sorted((site / "book/reader").glob("*.html"))]
    titles = {}
    for page in pages:
        heading = re.search(r'<h1>(.*?)<a class="headerlink"', (site / f"{page}.html").read_text(encoding="utf-8"))
        titles[page] = " ".join(html.unescape(re.sub(r"<[^>]+>", "", heading.group(1))).split())
    return titles


def chapter_text(pdf: PdfReader, site, chapter: str) -> str:
    """The text of one chapter's pages: from the page its outline entry points to, to the
    page where the next chapter starts (a chapter need not start a page; the first entry
    of a title is the chapter, later ones are a profile's sections)."""
    starts = {}
    for title, page in outline_entries(pdf):
        starts.setdefault(title, page)
    titles = chapter_titles(site)
    pages = list(titles)
    first = starts[titles[f"book/{chapter}"]]
    following = [starts[titles[p]] for p in pages[pages.index(f"book/{chapter}") + 1 :] if titles[p] in starts]
    last = min((s for s in following if s > first), default=len(pdf.pages) - 1)
    return " ".join(" ".join(pdf.pages[n].extract_text() for n in range(first, last + 1)).split())


def test_the_pdf_has_every_chapter_in_its_outline_and_enough_pages(site):
    pdf = PdfReader(site / "book.pdf")
    outline = [title for title, _ in outline_entries(pdf)]
    titles = chapter_titles(site).values()
    for title in titles:
        assert title in outline, f"{title!r} is not in the PDF outline"
    assert len(pdf.pages) >= len(titles) * 2, "every chapter takes at least a page"


def test_every_chart_is_drawn_in_its_chapter_of_the_pdf(site, data):
    pdf = PdfReader(site / "book.pdf")
    texts = {}
    for label, exhibit in exhibits.registry().items():
        if not exhibit.is_figure:
            continue
        if exhibit.chapter not in texts:
            texts[exhibit.chapter] = chapter_text(pdf, site, exhibit.chapter)
        text = texts[exhibit.chapter]
        svg = charts.embed_html(exhibit.make(data).to_dict())
        labels = {html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]{6,})</text>", svg)}
        assert labels, f"{label}: no text in its static SVG"
        missing = [t for t in labels if " ".join(t.split()) not in text]
        assert len(missing) < len(labels) / 2, f"{label}: most labels not in its chapter of the PDF: {missing[:5]}"
