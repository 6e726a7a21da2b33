"""How to cite the book and its sources.

CITATION.cff is the one place the book's title, authors, version and release date
are kept: the "How to cite" page, each chapter's "cite this" line, each figure's
"cite this figure" line and downloads, and the BibTeX and APA forms are all made
from it. The sources' BibTeX entries are made from sources.yaml
(``write_sources_bib``), so a new source is in the bibliography with no edit; no
address is given because none is known.
"""

from __future__ import annotations

import re
from pathlib import Path

from analysis import corpus
from analysis.datafiles import load_yaml
from analysis.paths import ROOT

CITATION = ROOT / "CITATION.cff"
# Read by sphinxcontrib-bibtex (_config.yml) and published at the site's root
# (html_extra_path copies _build/extra into the site).
SOURCES_BIB = ROOT / "_build" / "extra" / "sources.bib"
BIBTEX_KEY = "policing_drugs"


def book(data) -> dict:
    """CITATION.cff, its title's count of sources taken from sources.yaml, so a source added
    as data is counted everywhere the book shows its title (``add-source`` also updates
    the file itself, which GitHub and Zenodo read)."""
    entry = load_yaml(CITATION.read_text(encoding="utf-8"))
    return {**entry, "title": titled_for(entry["title"], len(data.metadata["sources"]))}


SOURCE_COUNT = re.compile(r"\b(\w+) sources\b")  # "four sources" in the title


def titled_for(text: str, n_sources: int) -> str:
    """``text`` (CITATION.cff, or its title) with the title's count of sources set to ``n_sources``."""
    return SOURCE_COUNT.sub(corpus.counted(n_sources, "source"), text, count=1)


def retitle(n_sources: int, path: Path = CITATION) -> None:
    """Set the title's count of sources (``add-source``), keeping the file's comments and layout;
    a copy of the data without a citation file has no title to set."""
    if not path.is_file():
        return
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [titled_for(line, n_sources) if line.startswith("title:") else line for line in lines]
    path.write_text("".join(lines), encoding="utf-8")


def authors(entry: dict) -> list[str]:
    return [a.get("name") or f"{a['family-names']}, {a['given-names']}" for a in entry["authors"]]


def year(entry: dict) -> str:
    return str(entry["date-released"])[:4]


def bibtex(entry: dict) -> str:
    names = " and ".join("{" + name + "}" if "," not in name else name for name in authors(entry))
    return (
        f"@misc{{{BIBTEX_KEY},\n"
        f"  title = {{{entry['title']}}},\n"
        f"  author = {{{names}}},\n"
        f"  year = {{{year(entry)}}},\n"
        f"  version = {{{entry['version']}}},\n"
        f"  note = {{Version {entry['version']}, released {entry['date-released']}}}\n"
        "}"
    )


def apa(entry: dict) -> str:
    return f"{', '.join(authors(entry))}. ({year(entry)}). {entry['title']} (Version {entry['version']}) [Data set]."


def doi(entry: dict) -> str | None:
    """The edition's DOI, once Zenodo has minted it and it is recorded in CITATION.cff
    (``doi``, or an ``identifiers`` entry of type doi); None until then."""
    found = [entry["doi"]] if entry.get("doi") else []
    found += [i["value"] for i in entry.get("identifiers", []) if i.get("type") == "doi"]
    return str(found[0]) if found else None


def short(entry: dict) -> str:
    """The book in a few words, for the foot of a downloaded figure: title, version and year."""
    return f"{entry['title']}, version {entry['version']} ({year(entry)})"


def cite_line(page_title: str, page_path: str, entry: dict) -> str:
    """The 'cite this' line of a chapter: the book's citation, the chapter and its path."""
    return (
        f"{', '.join(authors(entry))} ({year(entry)}). “{page_title}”. In {entry['title']}, "
        f"version {entry['version']}, {page_path}."
    )


def forms_html(entry: dict) -> str:
    """The book's citation in BibTeX and APA form, for the "How to cite" page."""
    import html

    return (
        '<p class="cite-form-label">BibTeX</p>'
        f'<pre class="cite-form" tabindex="0" aria-label="BibTeX citation">{html.escape(bibtex(entry))}</pre>'
        f'<p class="cite-form-label">APA</p><p class="cite-form">{html.escape(apa(entry))}</p>'
    )


def _escape(value: str) -> str:
    return value.replace("&", r"\&").replace("%", r"\%").replace("#", r"\#")


def sources_bibtex(data) -> str:
    """One @misc entry per document, keyed by its id, from sources.yaml."""
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    entries = []
    for source in data.metadata["sources"]:
        for document in source["documents"]:
            date = str(document["date"])
            note = document["kind"][:1].upper() + document["kind"][1:]
            if document["event"] != "not stated":
                note += f". {document['event']}"
            if document["date_status"] == "inferred":
                note += f". Date inferred: {document['date_basis']}"
            fields = {
                "title": "{" + document["title"] + "}",  # braced: styles keep its capitals
                "author": "{" + document["publisher"] + "}",
                "year": date[:4],
                **({"month": months[int(date[5:7]) - 1]} if len(date) >= 7 else {}),
                "note": note,
            }
            body = ",\n".join(
                f"  {k} = {v}" if k == "month" else f"  {k} = {{{_escape(v)}}}" for k, v in fields.items()
            )
            entries.append(f"@misc{{{document['id']},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"


def write_sources_bib(data, path: Path = SOURCES_BIB) -> Path:
    text = sources_bibtex(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path
