"""The PDF edition, for briefings: the whole book as one page (Sphinx's singlehtml
builder, from the doctrees the site's build read: nothing is executed twice), printed offline by headless
Chromium through Playwright. Charts are the static SVG drawn at build time, so they
print as they show; headings become the PDF's outline (bookmarks)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from analysis.datafiles import load_yaml

PDF_NAME = "book.pdf"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
MARGIN = {"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}  # of every printed A4 page


def chromium() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("google-chrome")


def single_page(root: Path, output: Path, doctrees: Path) -> Path | None:
    """Build the whole book as one HTML page from the doctrees the site's build read (so
    nothing is read or executed again); returns its page, or None on failure."""
    from analysis import sphinx_build

    result = subprocess.run(sphinx_build.command("singlehtml", output, doctrees), cwd=root)
    root_doc = load_yaml((root / "_toc.yml").read_text(encoding="utf-8"))["root"]
    page = output / f"{root_doc}.html"  # (index.html is the site's redirect)
    if result.returncode != 0 or not page.is_file():
        return None
    # The builder writes the page's links relative to its output folder, not to the
    # page's own subfolder: printed from there, it would have no styles or images.
    edition = output / "edition.html"
    shutil.copyfile(page, edition)
    return edition


def print_pdf(page: Path, target: Path, browser_path: str) -> None:
    """Print a local page to A4 PDF with its outline, as a reader's browser would."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        tab = browser.new_page()
        tab.route("http*://**", lambda route: route.abort())  # offline: nothing off the page's own files
        tab.goto(page.as_uri(), wait_until="load")
        tab.emulate_media(media="print")
        headings = tab.evaluate(HEADINGS_JS)
        tab.pdf(
            path=str(target),
            format="A4",
            print_background=True,
            outline=True,
            tagged=True,
            margin=MARGIN,
        )
        browser.close()
    retitle_outline(target, headings)


# The visible headings' text in document order (the '#' anchors left out): the
# outline Chromium writes has one entry per heading, in the same order.
HEADINGS_JS = """() => [...document.querySelectorAll("h1,h2,h3,h4,h5,h6,[role=heading]")]
  .filter(h => h.getClientRects().length)
  .map(h => { const c = h.cloneNode(true); c.querySelectorAll(".headerlink").forEach(a => a.remove());
              return c.textContent.replace(/\\s+/g, " ").trim(); })"""


def retitle_outline(path: Path, headings: list[str]) -> None:
    """Give each outline entry its heading's text. Chromium builds the entries from the
    printed lines, so a heading that wraps loses a space and some come out doubled."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=str(path))
    entries, stack = [], []
    outlines = writer.root_object.get("/Outlines")
    node = outlines.get_object().get("/First") if outlines else None
    while node is not None or stack:
        if node is None:
            node = stack.pop()
            continue
        item = node.get_object()
        entries.append(item)
        if "/Next" in item:
            stack.append(item["/Next"])
        node = item.get("/First")
    if len(entries) != len(headings):
        print(f"[analysis] PDF outline kept as Chromium wrote it ({len(entries)} entries, {len(headings)} headings)")
        return
    for item, title in zip(entries, headings, strict=True):
        item[NameObject("/Title")] = TextStringObject(title)
    with path.open("wb") as handle:
        writer.write(handle)
