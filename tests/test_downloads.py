"""Figures for slides: each figure of the registry is published as SVG and PNG with its
title, source note and the book's short citation drawn in, linked from its page with a
"Cite this figure" line. Expected texts are worked out here from CITATION.cff and the
registry, and the PNG's size is read from its header bytes, not through analysis.downloads."""

from __future__ import annotations

import dataclasses
import html
import os
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from analysis import downloads, exhibits
from analysis.paths import ROOT
from tests.test_precision import long_numbers

FIGURES = [label for label in exhibits.registry() if label.startswith("fig-")]
SVG_NS = "{http://www.w3.org/2000/svg}"


def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def short_citation() -> str:
    """The book's short citation as the downloads should carry it: title, version, year."""
    entry = cff()
    return f"{entry['title']}, version {entry['version']} ({str(entry['date-released'])[:4]})"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (signature, length, 'IHDR', then both sizes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "no PNG signature"
    assert data[12:16] == b"IHDR", "the first chunk is not IHDR"
    return struct.unpack(">II", data[16:24])


def svg_text(svg: str) -> str:
    """Every text drawn in the SVG (lines of a wrapped title joined), in one normalised string."""
    root = ET.fromstring(svg)
    pieces = [" ".join(element.itertext()) for element in root.iter(f"{SVG_NS}text")]
    return " ".join(" ".join(pieces).split())


def download_problems(data, site: Path, label: str) -> list[str]:
    """What is wrong with one figure's published SVG and PNG, each problem naming the file."""
    exhibit = exhibits.registry()[label]
    problems = []
    svg_file, png_file = site / "figures" / f"{label}.svg", site / "figures" / f"{label}.png"
    for path in (svg_file, png_file):
        if not path.is_file():
            problems.append(f"{path.relative_to(site)}: missing")
    if problems:
        return problems
    try:
        width, height = png_size(png_file.read_bytes())
    except AssertionError as error:
        return [f"{png_file.relative_to(site)}: not a PNG ({error})"]
    if width < 1200:
        problems.append(f"{png_file.relative_to(site)}: {width} px wide, under 1200")
    svg = svg_file.read_text(encoding="utf-8")
    try:
        drawn = svg_text(svg)
    except ET.ParseError as error:
        return [*problems, f"{svg_file.relative_to(site)}: not well-formed SVG ({error})"]
    for what, text in (("title", exhibit.title), ("note", exhibit.source_note(data)), ("citation", short_citation())):
        if not text or " ".join(text.split()) not in drawn:
            problems.append(f"{svg_file.relative_to(site)}: the {what} {text!r} is not drawn")
    if long_numbers(svg):
        problems.append(f"{svg_file.relative_to(site)}: numbers with more than 4 decimals: {long_numbers(svg)[:3]}")
    root = ET.fromstring(svg)
    svg_ratio = float(root.get("height")) / float(root.get("width"))
    if abs(height / width - svg_ratio) > 0.01:
        problems.append(f"{png_file.relative_to(site)}: not the SVG's drawing ({width}×{height} px)")
    return problems


def test_every_figure_has_a_title_for_its_downloads():
    untitled = [label for label in FIGURES if not exhibits.registry()[label].title.strip()]
    assert FIGURES and not untitled, untitled


def test_a_table_or_an_untitled_figure_is_refused_by_name(monkeypatch, data):
    table = next(label for label in exhibits.registry() if label.startswith("tbl-"))
    with pytest.raises(ValueError, match=f"{table} is a table"):
        downloads.draw(data, table)
    registry = exhibits.registry()
    untitled = {**registry, FIGURES[0]: dataclasses.replace(registry[FIGURES[0]], title="")}
    monkeypatch.setattr(exhibits, "registry", lambda: untitled)
    with pytest.raises(ValueError, match=f"figure {FIGURES[0]} has no title"):
        downloads.draw(data, FIGURES[0])


def test_a_drawing_that_is_not_a_png_is_refused():
    with pytest.raises(ValueError, match="not a PNG"):
        downloads.png_width(b"GIF89a" + bytes(30))


def test_the_note_is_wrapped_at_spaces_and_the_citation_is_the_books(data):
    exhibit = exhibits.registry()[FIGURES[0]]
    note, cite = downloads.footer(data, exhibit, width=300)
    assert " ".join(note) == " ".join(exhibit.source_note(data).split())
    assert len(note) > 1, "a 300 px figure's note takes more than one line"
    assert cite == f"{short_citation()} · {exhibit.label}"


@pytest.mark.drawing
def test_the_same_figure_is_drawn_to_the_same_bytes(data):
    label = FIGURES[0]
    assert downloads.draw(data, label) == downloads.draw(data, label)


@pytest.mark.build
@pytest.mark.parametrize("label", FIGURES)
def test_each_figure_is_published_as_svg_and_png_with_title_note_and_citation(site, label, data):
    assert not download_problems(data, site, label)


@pytest.mark.build
def test_the_download_check_names_what_is_wrong(site, tmp_path, data):
    """The check above can fail: a missing file, a narrow PNG and an SVG without its note."""
    label = FIGURES[0]
    figures = tmp_path / "figures"
    figures.mkdir()
    assert download_problems(data, tmp_path, label) == [
        f"figures/{label}.svg: missing",
        f"figures/{label}.png: missing",
    ]
    svg = (site / "figures" / f"{label}.svg").read_text(encoding="utf-8")
    last_word = exhibits.registry()[label].source_note(data).split()[-1]  # the note's last word
    (figures / f"{label}.svg").write_text(svg.replace(last_word, ""), encoding="utf-8")
    narrow = (site / "figures" / f"{label}.png").read_bytes()
    narrow = narrow[:16] + struct.pack(">I", 800) + narrow[20:]
    (figures / f"{label}.png").write_bytes(narrow)
    problems = download_problems(data, tmp_path, label)
    assert f"figures/{label}.png: 800 px wide, under 1200" in problems
    assert any(p.startswith(f"figures/{label}.svg: the note") for p in problems), problems
    (figures / f"{label}.png").write_bytes(b"not an image")
    assert download_problems(data, tmp_path, label)[0].startswith(f"figures/{label}.png: not a PNG")


@pytest.mark.build
@pytest.mark.parametrize("label", FIGURES)
def test_each_figure_page_links_its_three_downloads_and_cites_the_figure(site, label):
    """Plain links with the download attribute and a name, to files that exist; and a
    "Cite this figure" line with the permalink (page#label) and the edition."""
    exhibit = exhibits.registry()[label]
    page_path = site / "book" / f"{exhibit.chapter}.html"
    page = page_path.read_text(encoding="utf-8")
    expected = {
        f"../datapackage/figures/{label}.csv": "CSV",
        f"../figures/{label}.svg": "SVG",
        f"../figures/{label}.png": "PNG",
    }
    for href, kind in expected.items():
        link = re.search(rf'<a href="{re.escape(href)}"( download)?>([^<]*)</a>', page)
        assert link, f"{page_path.name}: no link to {href}"
        assert link.group(1), f"{page_path.name}: the link to {href} has no download attribute"
        assert kind in link.group(2) and "Download" in link.group(2), link.group(0)
        assert (page_path.parent / href).resolve().is_file(), href
    entry = cff()
    base = os.environ.get("BOOK_BASE_URL") or ""  # the deployment's address, when it passes one
    base = base if not base or base.endswith("/") else base + "/"
    lines = [html.unescape(m) for m in re.findall(r'<p class="cite-figure">(.*?)</p>', page, flags=re.S)]
    mine = [line for line in lines if f"#{label}" in line]
    assert len(mine) == 1, f"{page_path.name}: {len(mine)} 'Cite this figure' lines for {label}"
    line = re.sub(r"<[^>]+>", "", mine[0])
    assert line.startswith("Cite this figure:"), line
    assert f"“{exhibit.title}”" in line, line
    assert f"version {entry['version']}, {base}book/{exhibit.chapter}.html#{label}." in line, line


@pytest.mark.build
def test_no_table_gets_figure_downloads(site):
    for label, exhibit in exhibits.registry().items():
        if label.startswith("tbl-"):
            page = (site / "book" / f"{exhibit.chapter}.html").read_text(encoding="utf-8")
            assert f"figures/{label}.svg" not in page and f"#{label}." not in page, label
