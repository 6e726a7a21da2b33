"""Sphinx extension: keep the site self-contained and its console clean, and number tables.

- Adds the site's own Vega/Vega-Lite/vega-embed bundle (written by
  ``python -m analysis build`` into ``book/_static``) to every page.
- Drops sphinx-thebe's assets. Jupyter Book 1 always loads sphinx-thebe; its
  setup runs once per read phase, and myst-nb triggers two, so every page
  declared ``const THEBE_JS_URL`` twice (a console error), and the script
  points at a CDN. This book has no live-code buttons, so none of it is needed.
- A ``{glue:figure}`` with ``:figclass: book-table`` is numbered as a table
  ("Table 3"), not a figure: glued HTML tables cannot sit in a ``{table}``
  directive, so the figure node is re-typed before numbers are assigned.
"""

from docutils import nodes
from sphinx.transforms import SphinxTransform


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


def _is_thebe(asset) -> bool:
    text = f"{getattr(asset, 'filename', '') or ''} {asset.attributes.get('body', '')}"
    return "thebe" in text.lower()


def _drop_thebe(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def setup(app):
    app.add_js_file("vega-bundle.js")
    app.add_css_file("book.css")
    app.connect("html-page-context", _drop_thebe)
    app.add_enumerable_node(table_figure, "table", html=(_visit_table_figure, _depart_table_figure))
    app.add_transform(RetypeTableFigures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
