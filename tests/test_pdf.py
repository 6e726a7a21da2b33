"""The PDF edition: the whole book, with an outline of its chapters, and every chart
printed (its own labels are in the PDF's text, so the chart was drawn, not blank)."""

from __future__ import annotations

import html
import re

import pytest
import yaml
from pypdf import PdfReader

from analysis import charts, exhibits
from analysis.paths import ROOT

pytestmark = pytest.mark.build


def outline_titles(outline) -> list[str]:
    titles = []
    for item in outline:
        titles += outline_titles(item) if isinstance(item, list) else [item.title]
    return titles


def chapter_titles(site) -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"] if "file" in c]
    pages += [p.relative_to(site).with_suffix("").as_posix() for p in sorted((site / "book/reader").glob("*.html"))]
    titles = []
    for page in pages:
        heading = re.search(r'<h1>(.*?)<a class="headerlink"', (site / f"{page}.html").read_text(encoding="utf-8"))
        titles.append(" ".join(html.unescape(re.sub(r"<[^>]+>", "", heading.group(1))).split()))
    return titles


def test_the_pdf_has_every_chapter_in_its_outline_and_enough_pages(site):
    pdf = PdfReader(site / "book.pdf")
    outline = [" ".join(t.split()) for t in outline_titles(pdf.outline)]
    titles = chapter_titles(site)
    for title in titles:
        assert title in outline, f"{title!r} is not in the PDF outline"
    assert len(pdf.pages) >= len(titles) * 2, "every chapter takes at least a page"


def test_every_chart_is_drawn_in_the_pdf(site, data):
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(site / "book.pdf").pages).split())
    for label, exhibit in exhibits.registry().items():
        if not exhibit.is_figure:
            continue
        svg = charts.embed_html(exhibit.make(data).to_dict())
        labels = {html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]{6,})</text>", svg)}
        assert labels, f"{label}: no text in its static SVG"
        missing = [t for t in labels if " ".join(t.split()) not in text]
        assert len(missing) < len(labels) / 2, f"{label}: most of its labels are not in the PDF: {missing[:5]}"
