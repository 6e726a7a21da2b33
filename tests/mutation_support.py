"""What the tests' process needs under `make mutate` (called from conftest's pytest_configure).

mutmut runs each mutant's tests in a process forked from its own, which has already run
the whole suite once. Nothing of the data carries over (each test under `make mutate`
gets a Loaded of its own: conftest's ``data`` fixture), but vl-convert hangs in a forked
process (its threads do not survive a fork), so charts are drawn by a small server
process started before the forks: a chart the suite has already drawn is reused, any
other is sent to the server.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Client
from pathlib import Path

DRAWING_SERVER = """
import sys, threading
from multiprocessing.connection import Listener
import vl_convert

listener = Listener(sys.argv[1], authkey=sys.argv[2].encode())

def serve():
    while True:
        try:
            with listener.accept() as connection:
                try:
                    connection.send(("svg", vl_convert.vegalite_to_svg(connection.recv())))
                except (EOFError, OSError):
                    pass
                except Exception as error:
                    connection.send(("error", str(error)))
        except OSError:
            pass

threading.Thread(target=serve, daemon=True).start()
sys.stdin.read()  # until mutmut's process ends
"""


def prepare() -> None:
    """Set up this process for `make mutate` (mutmut's own process, or a mutant's forked one)."""
    import vl_convert

    if hasattr(vl_convert.vegalite_to_svg, "drawn"):
        return  # mutmut's process set this up before forking
    draw, drawn = vl_convert.vegalite_to_svg, {}
    address = str(Path(tempfile.mkdtemp()) / "draw.sock")
    key = secrets.token_hex(16)
    server = subprocess.Popen([sys.executable, "-c", DRAWING_SERVER, address, key], stdin=subprocess.PIPE)

    def vegalite_to_svg(payload, *args, **kwargs):
        if args or kwargs:
            return draw(payload, *args, **kwargs)
        spec = payload if isinstance(payload, str) else json.dumps(payload, sort_keys=True)  # a spec or its JSON
        if spec not in drawn:
            if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
                drawn[spec] = draw(payload)  # mutmut's own process: safe here
            else:
                return _draw_by_server(address, key, payload)
        return drawn[spec]

    vegalite_to_svg.drawn = drawn
    vegalite_to_svg.server = server
    vl_convert.vegalite_to_svg = vegalite_to_svg


def _draw_by_server(address: str, key: str, payload: str | dict) -> str:
    for _ in range(300):  # the server may still be starting
        try:
            connection = Client(address, authkey=key.encode())
            break
        except (FileNotFoundError, ConnectionRefusedError):
            time.sleep(0.1)
    else:
        raise RuntimeError(f"the chart-drawing server at {address} did not start")
    with connection:
        connection.send(payload)
        kind, value = connection.recv()
    if kind == "error":
        raise ValueError(value)
    return value
