"""Each figure as a file for slides: SVG and PNG, drawn at build time by vl-convert.

A slide shows a figure without the page around it, so the drawing carries what the
page would have said: the figure's title above it, and beneath it the exhibit's source
note and the book's short citation (title, version and year, from CITATION.cff) with
the figure's label, by which the reader finds it again. The PNG is rendered from the
same SVG, at least ``PNG_MIN_WIDTH`` pixels wide. Both are deterministic: the SVG's ids
and long decimals are made as for the page's charts (``charts.static_svg``).
"""

from __future__ import annotations

import html
import json
import math
import re
import struct
import textwrap
from pathlib import Path

import vl_convert

from analysis import charts, citation, exhibits

PNG_MIN_WIDTH = 1200  # pixels: sharp on a projected slide
TITLE_SIZE, NOTE_SIZE = 18, 12  # font sizes, in the chart's pixels
NOTE_CHAR_WIDTH = 0.5  # an Arial character's mean width, in ems: to wrap the note to the chart's width
NOTE_MIN_CHARACTERS = 60


def labels() -> list[str]:
    """Every figure of the registry, in the order the chapters show them."""
    return [label for label, exhibit in exhibits.registry().items() if exhibit.is_figure]


def footer(data, exhibit: exhibits.Exhibit, width: float, entry: dict | None = None) -> tuple[list[str], str]:
    """The note, wrapped to about ``width`` pixels, and the citation line beneath the figure."""
    cite = f"{citation.short(entry or citation.book(data))} · {exhibit.label}"
    characters = max(NOTE_MIN_CHARACTERS, len(cite), int(width / (NOTE_SIZE * NOTE_CHAR_WIDTH)))
    note = textwrap.wrap(exhibit.source_note(data), characters, break_long_words=False, break_on_hyphens=False)
    return note, cite


def _without_links(value):
    """The spec without its marks' links: on a slide, or in a file saved elsewhere, the
    page's relative evidence links lead nowhere."""
    if isinstance(value, dict):
        return {k: _without_links(v) for k, v in value.items() if k not in ("href", "cursor")}
    if isinstance(value, list):
        return [_without_links(v) for v in value]
    return value


def _size(svg: str) -> tuple[float, float]:
    found = re.match(r'<svg[^>]* width="([\d.]+)" height="([\d.]+)"', svg)
    if found is None:
        raise ValueError("vl-convert drew an SVG without its width and height")
    return float(found.group(1)), float(found.group(2))


def slide_spec(data, label: str, entry: dict | None = None) -> dict:
    """The figure's Vega-Lite spec with its title above and its note and citation below."""
    exhibit = exhibits.registry()[label]
    if not exhibit.is_figure:
        raise ValueError(f"analysis/exhibits.py: {label} is a table, not a figure: it has no drawing to download")
    if not exhibit.title:
        raise ValueError(f"analysis/exhibits.py: figure {label} has no title to draw on its downloads")
    spec = _without_links(exhibit.make(data).to_dict())
    width, _ = _size(vl_convert.vegalite_to_svg(spec))
    note, cite = footer(data, exhibit, width, entry)
    top = {key: spec.pop(key) for key in ("$schema", "config", "datasets", "description") if key in spec}
    spec["title"] = {"text": exhibit.title, "anchor": "start", "frame": "bounds", "fontSize": TITLE_SIZE, "offset": 14}
    return {
        **top,
        "vconcat": [spec],
        "title": {
            "text": note,
            "subtitle": cite,
            "orient": "bottom",
            "anchor": "start",
            "frame": "bounds",
            "offset": 18,
            "fontSize": NOTE_SIZE,
            "fontWeight": "normal",
            "color": "#222",
            "subtitleFontSize": NOTE_SIZE,
            "subtitleColor": "#444",
            "subtitlePadding": 4,
        },
        "padding": 16,
        "background": "white",
    }


def png_width(png: bytes) -> int:
    """A PNG's width, read from its header (IHDR), the first chunk after the signature."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG: no PNG signature and IHDR header")
    return struct.unpack(">I", png[16:20])[0]


def _titled(svg: str, title: str, description: str) -> str:
    """The SVG with its title and text description as ``<title>`` and ``<desc>``, which
    screen readers and file browsers show."""
    head = svg.index(">") + 1
    return f"{svg[:head]}<title>{html.escape(title)}</title><desc>{html.escape(description)}</desc>{svg[head:]}"


def draw(data, label: str, entry: dict | None = None) -> tuple[str, bytes]:
    """The figure as SVG text and PNG bytes."""
    spec = slide_spec(data, label, entry)
    payload = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    svg = charts.static_svg(payload, f"{label}-download")
    svg = _titled(svg, exhibits.registry()[label].title, spec.get("description", ""))
    width, _ = _size(svg)
    scale = math.ceil(PNG_MIN_WIDTH / width * 100) / 100
    png = vl_convert.svg_to_png(svg, scale=scale)
    if png_width(png) < PNG_MIN_WIDTH:
        raise ValueError(f"{label}: the PNG came out {png_width(png)} px wide, under {PNG_MIN_WIDTH}")
    return svg, png


def write(data, label: str, directory: Path, entry: dict | None = None) -> tuple[Path, Path]:
    """Write ``label.svg`` and ``label.png`` into ``directory``."""
    svg, png = draw(data, label, entry)
    directory.mkdir(parents=True, exist_ok=True)
    svg_file, png_file = directory / f"{label}.svg", directory / f"{label}.png"
    svg_file.write_text(svg, encoding="utf-8")
    png_file.write_bytes(png)
    return svg_file, png_file
