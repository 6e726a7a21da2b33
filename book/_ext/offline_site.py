"""Sphinx extension: keep the site self-contained and its console clean.

- Adds the site's own Vega/Vega-Lite/vega-embed bundle (written by
  ``python -m analysis build`` into ``book/_static``) to every page.
- Drops sphinx-thebe's assets. Jupyter Book 1 always loads sphinx-thebe; its
  setup runs once per read phase, and myst-nb triggers two, so every page
  declared ``const THEBE_JS_URL`` twice (a console error), and the script
  points at a CDN. This book has no live-code buttons, so none of it is needed.
"""


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
    return {"parallel_read_safe": True, "parallel_write_safe": True}
