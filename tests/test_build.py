"""The strict build: every page built, numbers glued, links resolved, nothing off-host."""

import html
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from analysis import cli, corpus, measures, sphinx_build
from analysis.paths import ROOT
from tests.conftest import toc_pages

pytestmark = pytest.mark.build


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.refs = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name):
                self.refs.append((tag, name, attrs[name]))


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_page_of_the_toc_is_built(site):
    missing = [page for page in toc_pages() if not (site / page).is_file()]
    assert not missing


def test_no_page_loads_anything_from_another_host(site):
    for page in site.rglob("*.html"):
        for tag, name, ref in parse(page).refs:
            if tag != "a" and urlsplit(ref).scheme in ("http", "https", ""):
                assert not urlsplit(ref).netloc, f"{page}: <{tag} {name}={ref}>"
    for asset in (site / "_static").rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", asset.read_text(encoding="utf-8")), asset


def test_internal_links_and_anchors_resolve(site):
    pages = {page: parse(page) for page in site.rglob("*.html") if "_static" not in page.parts}
    for page, links in pages.items():
        for tag, _name, ref in links.refs:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or ref.startswith(("mailto:", "data:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.exists(), f"{page.relative_to(site)}: <{tag}> {ref} is missing"
            if parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                assert parts.fragment in ids, f"{page.relative_to(site)}: anchor {ref} not found"


def test_numbers_in_the_introduction_are_glued_from_the_corpus(site, data):
    summary = measures.corpus_summary(corpus.documents_frame(data))
    text = re.sub(r"<[^>]+>", "", (site / "book" / "intro.html").read_text(encoding="utf-8"))
    text = " ".join(text.split())
    assert (
        f"The study covers {summary['sources']} sources in {summary['documents']} documents, "
        f"dated {summary['first']} to {summary['last']}, with {summary['words']:,} words in "
        f"{summary['sentences']:,} sentences, headings included."
    ) in text


def test_the_data_package_is_published_with_the_site(site):
    package = json.loads((site / "datapackage" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        assert (site / "datapackage" / resource["path"]).is_file()


def test_the_site_serves_its_own_vega_and_only_chart_pages_load_the_chart_loader(site):
    bundle = site / "_static" / "vega-bundle.js"
    assert bundle.stat().st_size > 100_000
    assert 'new URL("vega-bundle.js", document.currentScript.src)' in (site / "_static" / "charts.js").read_text()
    for page in toc_pages():
        text = (site / page).read_text(encoding="utf-8")
        assert ("_static/charts.js" in text) == ('class="book-chart"' in text), page
        assert "vega-bundle.js" not in text and "fontawesome" not in text, page
    assert "_static/charts.js" in (site / "book" / "sources.html").read_text(encoding="utf-8")


def test_every_page_has_a_description_and_no_script_blocks_the_first_paint(site):
    for page in toc_pages():
        text = (site / page).read_text(encoding="utf-8")
        if page == "index.html":  # the redirect to the introduction
            continue
        head = text.split("</head>", 1)[0]
        assert re.search(r'<meta (?=[^>]*name="description")[^>]*content="[^"]{20,}"', head), page
        if page == "search.html":  # the search page loads its index up front, to search it
            continue
        blocking = re.findall(r"<script(?![^>]*\b(?:defer|async|type=))[^>]*\bsrc=[^>]*>", head)
        # One exception: the colour mode must be set before the first paint (or a dark-mode
        # reader sees a flash of light), and the Content-Security-Policy allows no inline
        # script, so a tiny file blocks instead.
        blocking = [tag for tag in blocking if "_static/colour-mode.js" not in tag]
        assert not blocking, f"{page}: {blocking}"
    assert (site / "_static" / "colour-mode.js").stat().st_size < 1_000


def open_graph(site: Path, page: str) -> dict[str, str]:
    """A page's Open Graph tags, by property."""
    head = (site / page).read_text(encoding="utf-8").split("</head>", 1)[0]
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<meta property="(og:[a-z_]+)" content="([^"]*)"', head)
    }


def book_pages() -> list[str]:
    """The pages made from the book's documents (not the redirect, the index or the search page)."""
    return [page for page in toc_pages() if page not in ("index.html", "search.html", "genindex.html")]


def test_every_page_has_open_graph_tags_and_no_address_is_invented(site):
    """The local build does not know where the book will be published: no sitemap, whose
    addresses must be absolute, and og:url is the page's address within the site."""
    assert not (site / "sitemap.xml").exists()
    for page in book_pages():
        tags = open_graph(site, page)
        head = (site / page).read_text(encoding="utf-8").split("</head>", 1)[0]
        title = html.unescape(re.search(r"<title>(.*?)</title>", head, flags=re.S).group(1)).split(" — ")[0].strip()
        assert tags["og:title"] == title, page
        assert len(tags["og:description"]) >= 20 and tags["og:site_name"] and tags["og:type"] == "website", page
        assert tags["og:url"] == page, page


def test_with_the_published_address_the_sitemap_lists_every_page_and_og_url_is_absolute(site, tmp_path):
    """What the deployment builds (publish.yml passes BOOK_BASE_URL): the site's own doctrees
    written again, knowing its address."""
    base = "https://books.example.org/policing-drugs/"  # a reserved example domain, never published
    doctrees = shutil.copytree(cli.STAGING_DIR / "doctrees", tmp_path / "doctrees")
    result = subprocess.run(
        sphinx_build.command("html", tmp_path / "html", doctrees),
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "BOOK_BASE_URL": base},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    sitemap = (tmp_path / "html" / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.startswith("<?xml version='1.0' encoding='utf-8'?>")
    listed = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert listed == sorted(listed), "the same book gives the same sitemap"
    for page in book_pages():
        assert base + page in listed, f"{page} is not in sitemap.xml"
        assert open_graph(tmp_path / "html", page)["og:url"] == base + page


def test_a_notebook_execution_error_fails_the_strict_build(site, tmp_path):
    """Same config and flags as `make book`, on a copy whose notebook raises. The copy
    has the site's warm notebook cache and derived tables, as a maintainer's checkout
    has after a build, so only the changed page executes."""
    for name in ("_config.yml", "_toc.yml", "CITATION.cff", "book", "analysis", "data"):
        source = ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, tmp_path / name)
    for name in ("extra", ".jupyter_cache", "derived"):
        shutil.copytree(ROOT / "_build" / name, tmp_path / "_build" / name)
    page = tmp_path / "book" / "sources.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n```{code-cell} python\nraise RuntimeError('boom')\n```\n")
    result = subprocess.run(
        sphinx_build.command("html", tmp_path / "_build" / "html", tmp_path / "_build" / "doctrees"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "book/sources.md" in output, "the failing page is named"
    assert "RuntimeError: boom" in output, "and so is its cell's error"
    report = tmp_path / "_build" / "html" / "reports" / "build-error.log"
    assert "RuntimeError: boom" in report.read_text(encoding="utf-8"), "kept for CI to upload"


def _text(page: Path) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")).split())


def test_key_findings_open_the_introduction_glued_from_analysis(site, data):
    from analysis import findings

    text = _text(site / "book" / "intro.html").replace("’", "'")  # Sphinx's smart quotes
    key = findings.key_findings(data)
    assert 4 <= len(key) <= 6
    for value in key.values():
        expected = " ".join(html.escape(repr(value), quote=False).split())
        assert expected in text, expected[:80]
    assert text.index("Key findings") < text.index("The study covers")


def test_figures_and_tables_are_numbered_with_stable_labels(site):
    from analysis import exhibits

    for label, exhibit in exhibits.registry().items():
        page = (site / "book" / f"{exhibit.chapter}.html").read_text(encoding="utf-8")
        assert f'id="{label}"' in page, label
        number = re.search(rf'id="{label}".*?<span class="caption-number">(\w+)\.? ?\d+', page, flags=re.S)
        assert number and number.group(1) == ("Fig" if exhibit.is_figure else "Table"), label


def test_every_exhibit_csv_is_published_and_every_chart_link_resolves(site):
    from analysis import exhibits

    book = site / "book"
    for label in exhibits.registry():
        csv = (book / exhibits.csv_path(label)).resolve()
        assert csv.is_file(), csv
        header = csv.read_text(encoding="utf-8").splitlines()[0].split(",")
        if "evidence_url" not in header:
            continue
        import pandas as pd

        for url in pd.read_csv(csv)["evidence_url"].dropna().unique():
            path, anchor = url.split("#")
            assert f'id="{anchor}"' in (book / path).read_text(encoding="utf-8"), f"{label}: {url}"


def test_evidence_quotes_link_to_their_sentence_on_the_reader_page(site):
    page = (site / "book" / "evidence" / "enforcement.html").read_text(encoding="utf-8")
    links = re.findall(r'href="\.\./reader/([\w-]+)\.html#([\w-]+)"', page)
    assert len(links) > 100
    readers = {}
    for document, anchor in links:
        readers.setdefault(document, (site / "book" / "reader" / f"{document}.html").read_text(encoding="utf-8"))
        assert f'id="{anchor}"' in readers[document]


def test_the_publishing_workflow_calls_only_make_targets_that_exist():
    workflow = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    runs = [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]
    called = {target for run in runs for target in re.findall(r"\bmake\s+([\w-]+)", run)}
    targets = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), flags=re.M))
    assert called and called <= targets, called - targets


def test_the_site_extension_uses_only_public_sphinx_modules_and_overrides_whole_theme_blocks():
    """A theme or Sphinx upgrade should break loudly, not silently: no import of a private
    module (a name part starting with "_"), and templates that replace whole blocks
    rather than filter the theme's rendered text line by line."""
    import ast

    tree = ast.parse((ROOT / "book" / "_ext" / "offline_site.py").read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]
    private = [name for name in imported if any(part.startswith("_") for part in name.split("."))]
    assert not private, private
    for template in (ROOT / "book" / "_templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert ".split(" not in text and "super()" not in text, f"{template.name} filters the theme's output"
