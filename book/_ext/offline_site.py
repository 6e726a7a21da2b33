"""Sphinx extension: keep the site self-contained, light and its console clean, and number tables.

- Pages with a chart get ``charts.js``, a small loader: charts arrive as static
  SVG drawn at build time, and the site's own Vega bundle (written by
  ``python -m analysis build`` into ``book/_static``) loads only when a reader
  points at a chart. Pages without a chart load no chart code at all. The
  comparison of two sources gets ``compare.js``, its pair picker, and no other page does.
- Every page carries a Content-Security-Policy (``CSP``) as a ``<meta>``: scripts only
  from the site's own files, none inline, no eval. The theme's inline scripts are files
  (see book/_templates), sphinx-thebe's page nodes are dropped, and an extension's
  inline script is left out with a warning, which fails the strict build.
- Every script file is deferred (``loading_method="defer"``), so no script blocks the
  first paint, and the extensions Jupyter Book always loads (sphinx-design,
  togglebutton, copybutton) keep their assets only on pages that use them. The theme's
  own script is one of these files (book/_templates/layout.html leaves it out of the
  blocks it overrides), so Sphinx versions it like the others.
- The published address: sphinxext-opengraph writes each page's description and Open
  Graph tags, and sphinx-sitemap writes ``sitemap.xml`` (see _config.yml). Absolute
  addresses need the published base URL, which only the deployment knows: it passes
  ``BOOK_BASE_URL``. Without it no sitemap is written (its addresses must be absolute)
  and ``og:url`` is the page's site-relative address: none is invented. The sitemap is
  sorted, as the parallel writers finish in any order. Sphinx's own pages (the index
  and the search page) have no document for the extension to describe; they get a
  description here.
- The book's title is CITATION.cff's, whose count of sources ``validate`` checks
  against sources.yaml: it becomes the site's title and the ``{{ book_title }}``
  substitution the introduction's heading uses. Pages with quotes to paste get
  ``quotes.js``, which reveals their copy buttons.
- Drops sphinx-thebe's assets. Jupyter Book 1 always loads sphinx-thebe; its
  setup runs once per read phase, and myst-nb triggers two, so every page
  declared ``const THEBE_JS_URL`` twice (a console error), and the script
  points at a CDN. This book has no live-code buttons, so none of it is needed.
  MathJax's assets go too: a CDN's script and an inline configuration, which the
  one-page builder of the PDF edition adds though the book has no maths.
- Each figure of the registry (analysis/exhibits.py) gets a "Cite this figure" line
  under its caption: the page's citation line for the figure, its permalink (the
  page's address and ``#label``) and the edition (version), from CITATION.cff.
- A ``{glue:figure}`` with ``:figclass: book-table`` is numbered as a table
  ("Table 3"), not a figure: glued HTML tables cannot sit in a ``{table}``
  directive, so the figure node is re-typed before numbers are assigned.
"""

import html
import os
import re
from pathlib import Path
from xml.etree import ElementTree

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

DESCRIPTION_LENGTH = 160  # what search engines show
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SPHINX_PAGES = {"genindex": "Index", "search": "Search"}  # pages Sphinx makes, by their <title>
# Every page's Content-Security-Policy, as a <meta> (a static host may add none): scripts
# and styles only from the site's own files, never inline or eval'd (charts.js turns off
# Vega's inline default styles; book.css styles the tooltip); images may be data: URIs
# (the theme's and book.css's icons). A <meta> policy cannot set frame-ancestors.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)
# The theme's inline scripts on every page, left out: they pass the page's name and the
# search-as-you-type switch to the theme's version switcher and search pop-up, both off.
THEME_INLINE = ("DOCUMENTATION_OPTIONS.pagename =", "DOCUMENTATION_OPTIONS.search_as_you_type =")
# Scripts only the pages that use them load: (marker in the page body, file in _static).
PAGE_SCRIPTS = [
    ('class="book-chart"', "charts.js"),
    ('class="paste-quote"', "quotes.js"),
    ('class="pair-compare"', "compare.js"),
]
# Assets of extensions Jupyter Book always loads, kept only on pages that use them:
# (words in the asset's file name or inline body, markers of use in the page body).
OPTIONAL_ASSETS = [
    (("design-tabs", "sphinx-design"), ('class="sd-',)),
    (("togglebutton", "toggleHint", "toggleOpenOnPrint"), ('class="toggle', "admonition dropdown")),
    (("copybutton", "clipboard", "pygments"), ('class="highlight',)),
]


class table_figure(nodes.figure):  # a docutils node class: lower case by convention
    """A glued table with a caption, numbered with the tables."""


class RetypeTableFigures(SphinxTransform):
    default_priority = 500

    def apply(self, **kwargs):
        for figure in list(self.document.findall(nodes.figure)):
            if "book-table" in figure["classes"] and not isinstance(figure, table_figure):
                replacement = table_figure(figure.rawsource, *figure.children, **figure.attributes)
                figure.replace_self(replacement)


def _visit_table_figure(self, node):
    self.visit_figure(node)


def _depart_table_figure(self, node):
    self.depart_figure(node)


def _asset_text(asset) -> str:
    return f"{getattr(asset, 'filename', '') or ''} {asset.attributes.get('body', '')}"


def _wanted(asset, body: str) -> bool:
    text = _asset_text(asset)
    if "thebe" in text.lower() or "mathjax" in text.lower():  # a CDN's scripts (the book has no maths)
        return False
    for names, markers in OPTIONAL_ASSETS:
        if any(name in text for name in names):
            return any(marker in body for marker in markers)
    return True


def _add_script(app, pagename: str, filename: str, priority: int, deferred: bool, **attributes) -> None:
    """Add a script file to the page being written (called from html-page-context)."""
    if not filename:  # an inline script: the pages' Content-Security-Policy forbids it
        body = " ".join(attributes.get("body", "").split())[:80]
        if body.startswith(THEME_INLINE):
            return
        logger.warning(f"inline script left out (the Content-Security-Policy forbids it): {body}", location=pagename)
        return
    loading = "defer" if deferred and "async" not in attributes else None
    static = "://" not in filename and filename.startswith("_static/")
    name = filename.removeprefix("_static/") if static else filename
    app.add_js_file(name, priority=priority, loading_method=loading, **attributes)


def _description(doctree) -> str:
    """The page's first real paragraph (or its title and first words), cut to what search engines show."""
    paragraphs = [" ".join(p.astext().split()) for p in doctree.findall(nodes.paragraph)]
    text = next((p for p in paragraphs if len(p) > 40), None)
    if text is None:
        title = doctree.next_node(nodes.title)
        text = " ".join(part for part in [title.astext() + "." if title else "", *paragraphs[:1]] if part)
    if len(text) > DESCRIPTION_LENGTH:
        text = text[: DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return text


def _describe(app, doctree):
    """The page's description, as its ``<meta name="description">`` (a docutils meta node,
    what the meta directive makes) and its ``og:description`` (a page field, which
    sphinxext-opengraph takes instead of the text it gathers itself, which runs words
    into the links beside them: "the codebook( Enfor...")."""
    description = _description(doctree)
    doctree.insert(0, nodes.meta("", name="description", content=description))
    app.env.metadata[app.env.docname]["og:description"] = html.escape(description, quote=False)


def _lighten_page(app, pagename, templatename, context, doctree):
    """Drop thebe and unused extensions' assets, defer every script file, add the chart
    loader where a chart is, and describe the page for search engines and link previews."""
    # sphinxcontrib-bibtex writes a role="list" holding role="doc-biblioentry" items,
    # which axe flags (a list needs listitems; doc-biblioentry is deprecated).
    body = context.get("body", "").replace('role="doc-biblioentry"', 'role="listitem"')
    context["body"] = body
    context["css_files"] = [asset for asset in context.get("css_files", []) if _wanted(asset, body)]
    # The page's scripts are the builder's list for this page: emptied and re-added through
    # the public app.add_js_file (Sphinx's way to add a file to one page), deferred, so
    # none blocks the first paint. The search page's own scripts (written by the theme's
    # template) run at once and need doctools first, so its scripts keep their loading.
    scripts = context["script_files"]
    kept = [asset for asset in scripts if _wanted(asset, body)]
    scripts.clear()
    for asset in kept:
        _add_script(app, pagename, asset.filename, asset.priority, deferred=pagename != "search", **asset.attributes)
    for marker, name in PAGE_SCRIPTS:
        if marker in body:
            _add_script(app, pagename, f"_static/{name}", 900, deferred=True)
    if pagename == "search":
        _add_script(app, pagename, "_static/search-focus.js", 900, deferred=True)
    context["metatags"] = f'\n<meta http-equiv="Content-Security-Policy" content="{CSP}" />' + context.get(
        "metatags", ""
    )
    if doctree is None:  # pages Sphinx makes itself (the index, the search page): no document to describe
        what = {"genindex": "The index", "search": "Search"}.get(pagename, pagename)
        context["title"] = context.get("title") or SPHINX_PAGES.get(pagename, "")
        book = context.get("docstitle", "")
        description = f"{what} of the book {book}, which compares sources on drug law enforcement."
        context["metatags"] += f'\n<meta name="description" content="{html.escape(description, quote=True)}" />'
    if doctree is not None and pagename.startswith("book/") and pagename != "book/appendix/cite":
        context["body"] = body + _cite_this(app, pagename, context)


def _cite_this(app, pagename: str, context: dict) -> str:
    """The page's "cite this" line, from CITATION.cff (see the How to cite page)."""
    from analysis import citation

    title = html.unescape(re.sub(r"<[^>]+>", "", context.get("title", "")))
    address = app.config.html_baseurl + app.builder.get_target_uri(pagename)
    how = app.builder.get_relative_uri(pagename, "book/appendix/cite")
    line = citation.cite_line(title, address, app.config.book_citation)
    return (
        f'<p class="cite-this"><strong>Cite this page:</strong> {html.escape(line)} '
        f'<a href="{html.escape(how, quote=True)}">How to cite</a></p>'
    )


def _drop_thebe_nodes(app, doctree, docname):
    """sphinx-thebe appends to every page its configuration and an inline
    ``<script>kernelName = …</script>``, which the Content-Security-Policy blocks
    (a console error); the book has no live code, so both raw nodes go."""
    for raw in list(doctree.findall(nodes.raw)):
        text = raw.astext().strip()
        if text.startswith(('<script type="text/x-thebe-config">', "<script>kernelName")):
            raw.parent.remove(raw)


def _cite_figures(app, doctree, docname):
    """A "Cite this figure" line under each registered figure's caption: the book's
    citation with the figure's title and permalink (``page#label``), as for a page."""
    if app.builder.format != "html":
        return
    from analysis import citation, exhibits

    figures = {label: e for label, e in exhibits.registry().items() if e.is_figure}
    for figure in doctree.findall(nodes.figure):
        if isinstance(figure, table_figure):
            continue
        for label in set(figure["ids"]) & set(figures):
            address = app.config.html_baseurl + app.builder.get_target_uri(docname) + "#" + label
            line = citation.cite_line(figures[label].title, address, app.config.book_citation)
            figure += nodes.raw(
                "",
                f'<p class="cite-figure"><strong>Cite this figure:</strong> {html.escape(line)}</p>',
                format="html",
            )


def _published_address(app, config):
    """The deployment's BOOK_BASE_URL (or html_baseurl) for the sitemap, og:url and the
    "cite this" lines; without one, sphinx-sitemap's warning that it writes no sitemap
    is expected, not an error of the strict build."""
    base = os.environ.get("BOOK_BASE_URL") or config.html_baseurl or ""
    base = base if not base or base.endswith("/") else base + "/"
    config.html_baseurl = config.ogp_site_url = base
    if not base:
        config.suppress_warnings = [*config.suppress_warnings, "sitemap.configuration"]


def _sort_sitemap(app, exception):
    """sphinx-sitemap lists pages as the parallel writers finish them: sort by address,
    so the same book gives the same file."""
    sitemap = Path(app.outdir, app.config.sitemap_filename)
    if exception is not None or not sitemap.exists():
        return
    tree = ElementTree.parse(sitemap)
    urls = tree.getroot()
    urls[:] = sorted(urls, key=lambda url: url.findtext(f"{{{SITEMAP_NS}}}loc"))
    ElementTree.register_namespace("", SITEMAP_NS)
    tree.write(sitemap, xml_declaration=True, encoding="utf-8", method="xml")


def _title_from_citation(app, config):
    from analysis import citation
    from analysis.loaded import Loaded

    config.book_citation = citation.book(Loaded())  # its title counts the sources
    title = config.book_citation["title"]
    config.html_title = config.project = title
    config.myst_substitutions = {**config.myst_substitutions, "book_title": title}


def _multitoc_reads_in_parallel(app):
    """sphinx-external-toc always loads sphinx-multitoc-numbering, which does not say whether
    it is safe to read pages in parallel, so Sphinx would read (and execute) them one at a
    time. It only renumbers sections once every page is read, in the main process: safe."""
    app.extensions["sphinx_multitoc_numbering"].parallel_read_safe = True


def setup(app):
    app.add_css_file("book.css")
    app.add_config_value("book_citation", {}, "html")  # CITATION.cff, set at config-inited
    app.connect("config-inited", _title_from_citation)
    app.connect("html-page-context", _lighten_page, priority=900)  # after the themes add their scripts
    app.connect("config-inited", _published_address)
    app.connect("doctree-read", _describe, priority=900)  # after Sphinx collects the page's fields
    app.connect("build-finished", _sort_sitemap, priority=900)  # after sphinx-sitemap writes it (500)
    # The theme's script, left out of layout.html's blocks, as a deferred file like the others.
    app.add_js_file("scripts/pydata-sphinx-theme.js", priority=800, loading_method="defer")
    app.connect("doctree-resolved", _cite_figures)
    app.connect("doctree-resolved", _drop_thebe_nodes, priority=900)  # after sphinx-thebe's (500)
    app.add_enumerable_node(table_figure, "table", html=(_visit_table_figure, _depart_table_figure))
    app.add_transform(RetypeTableFigures)
    app.connect("builder-inited", _multitoc_reads_in_parallel)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
