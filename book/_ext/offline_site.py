"""Sphinx extension: keep the site self-contained, light and its console clean, and number tables.

- Pages with a chart get ``charts.js``, a small loader: charts arrive as static
  SVG drawn at build time, and the site's own Vega bundle (written by
  ``python -m analysis build`` into ``book/_static``) loads only when a reader
  points at a chart. Pages without a chart load no chart code at all.
- Every script file is deferred, so no script blocks the first paint, and the
  extensions Jupyter Book always loads (sphinx-design, togglebutton, copybutton)
  keep their assets only on pages that use them.
- Each page gets a ``<meta name="description">`` from its first paragraph.
- Drops sphinx-thebe's assets. Jupyter Book 1 always loads sphinx-thebe; its
  setup runs once per read phase, and myst-nb triggers two, so every page
  declared ``const THEBE_JS_URL`` twice (a console error), and the script
  points at a CDN. This book has no live-code buttons, so none of it is needed.
- A ``{glue:figure}`` with ``:figclass: book-table`` is numbered as a table
  ("Table 3"), not a figure: glued HTML tables cannot sit in a ``{table}``
  directive, so the figure node is re-typed before numbers are assigned.
"""

import html

from docutils import nodes
from sphinx.builders.html._assets import _JavaScript
from sphinx.transforms import SphinxTransform

DESCRIPTION_LENGTH = 160  # what search engines show
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
    if "thebe" in text.lower():
        return False
    for names, markers in OPTIONAL_ASSETS:
        if any(name in text for name in names):
            return any(marker in body for marker in markers)
    return True


def _deferred(asset):
    if not asset.filename or "defer" in asset.attributes or "async" in asset.attributes:
        return asset
    return _JavaScript(asset.filename, priority=asset.priority, **asset.attributes, defer="defer")


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


def _lighten_page(app, pagename, templatename, context, doctree):
    """Drop thebe and unused extensions' assets, defer every script file, add the chart
    loader where a chart is, and describe the page for search engines and link previews."""
    body = context.get("body", "")
    context["css_files"] = [asset for asset in context.get("css_files", []) if _wanted(asset, body)]
    scripts = [asset for asset in context.get("script_files", []) if _wanted(asset, body)]
    if pagename != "search":  # the search page's own scripts run at once and need doctools first
        scripts = [_deferred(asset) for asset in scripts]
    if 'class="book-chart"' in body:
        scripts.append(_JavaScript("_static/charts.js", priority=900, defer="defer"))
    context["script_files"] = scripts
    if doctree is not None:
        description = _description(doctree)
    else:  # pages Sphinx makes itself: the index and the search page
        what = {"genindex": "The index", "search": "Search"}.get(pagename, pagename)
        description = (
            f"{what} of the book {context.get('docstitle', '')}, which compares sources on drug law enforcement."
        )
    if description:
        context["metatags"] = context.get("metatags", "") + (
            f'\n<meta name="description" content="{html.escape(description, quote=True)}" />'
        )


def setup(app):
    app.add_css_file("book.css")
    app.connect("html-page-context", _lighten_page)
    app.add_enumerable_node(table_figure, "table", html=(_visit_table_figure, _depart_table_figure))
    app.add_transform(RetypeTableFigures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
