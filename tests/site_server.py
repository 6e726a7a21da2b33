"""Serve the built site on localhost the way static hosts do: text, JS, CSS, JSON
and SVG gzip-compressed when the browser asks for it. Used by the browser tests,
the page-weight budget and `make bench` (Lighthouse), so all three measure the
same thing."""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

COMPRESSIBLE = ("text/", "javascript", "json", "svg", "xml")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        content_type = self.guess_type(str(path))
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and wants_gzip and any(kind in content_type for kind in COMPRESSIBLE)):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on a free localhost port; yields the base URL."""
    handler = functools.partial(GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def record_transfers(page) -> Callable[[], dict]:
    """Record what ``page`` transfers from now on; the function returned sums it up so far:
    every byte (headers and encoded bodies), the URLs loaded, and whether the page has a
    chart (its budget differs)."""
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))

    def weight() -> dict:
        finished = list(requests)
        sizes = [r.sizes() for r in finished]
        total = sum(size["responseBodySize"] + size["responseHeadersSize"] for size in sizes)
        kind = "chart" if page.locator(".book-chart").count() else "text"
        return {"bytes": total, "kind": kind, "loaded": [r.url for r in finished]}

    return weight


def transferred_bytes(browser, url: str) -> dict:
    """What a fresh page load of ``url`` transfers (see ``record_transfers``)."""
    page = browser.new_page()
    weight = record_transfers(page)
    page.goto(url, wait_until="networkidle")
    loaded = weight()
    page.close()
    return loaded
