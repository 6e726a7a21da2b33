"""Analysis package for the drug law enforcement comparison book: all logic lives here.

One setting for every process that imports it, above all the book's 26 notebook kernels:
jsonschema (which Altair and myst-nb's glue import) builds, on import, a grammar for an
optional check of IRI strings, from the rfc3987-syntax package that Jupyter's own tools
install. That costs most of a second per process, for a check nothing here makes (the
data's schemas use no "iri" format). Marking the optional module absent, which jsonschema
allows for, skips it; a process that has already imported it keeps it.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)
