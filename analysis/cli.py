"""Command line: ``python -m analysis build | validate | export DIR | add-source FILE | sentences | suggest | sample |
unreviewed | snapshot``.

``validate`` runs every data check and prints ``file:row:column: message`` lines;
it exits non-zero when any check fails.

``build`` is what ``make book`` runs. When nothing it reads has changed since the
last successful build it stops at once. Otherwise it computes the derived tables once
for every page's kernel (results.save_derived), writes the site's own copy of
Vega, drops the notebook cache when any input under data/ or analysis/, or CITATION.cff, changed
(jupyter-cache keys on code cells only), writes the generated reader pages and
bibliography, the data package and each figure as SVG and PNG for download, and
runs the strict Jupyter Book build (analysis/sphinx_build.py: pages read on every
core) into a staging folder, then the PDF edition (book.pdf) beside it from the same
doctrees, so a failed build leaves the previous site intact.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import time
from pathlib import Path

from analysis import pdf, sphinx_build
from analysis.loaded import Loaded
from analysis.paths import ROOT

BUILD_DIR = ROOT / "_build"
SITE_DIR = BUILD_DIR / "html"
EXECUTED_DIR = BUILD_DIR / "executed"  # the published site's executed notebooks (the golden tests read them)
STAGING_DIR = BUILD_DIR / "staging"  # html/, single/ (the PDF's page) and the doctrees both read
CACHE_DIR = BUILD_DIR / ".jupyter_cache"
INPUTS_STAMP = BUILD_DIR / ".inputs.sha256"  # what the notebooks read or run
SITE_STAMP = BUILD_DIR / ".site-inputs.sha256"  # everything the site is built from
# What the pages' outputs are computed from: the cite and changes pages show CITATION.cff's
# version and DOI, and a package upgrade may change any number or drawing.
NOTEBOOK_INPUTS = ("data", "analysis", "CITATION.cff", "requirements.txt")
SITE_INPUTS = (*NOTEBOOK_INPUTS, "book", "_config.yml", "_toc.yml")
PACKAGE_DIR = BUILD_DIR / "extra" / "datapackage"  # html_extra_path copies _build/extra into the site
FIGURES_DIR = BUILD_DIR / "extra" / "figures"  # each figure as SVG and PNG, published as /figures/
VEGA_BUNDLE = ROOT / "book" / "_static" / "vega-bundle.js"


def progress(message: str) -> None:
    print(f"[analysis] {message}", flush=True)


def write_vega_bundle(path: Path = VEGA_BUNDLE) -> None:
    """Write Vega, Vega-Lite and vega-embed from the pinned vl-convert, wrapped so
    its top-level names stay private; it defines only window.vegaEmbed and friends."""
    import vl_convert

    text = "(function () {\n" + vl_convert.javascript_bundle() + "\n})();\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        progress(f"wrote {path.relative_to(ROOT)} ({len(text) // 1024} KiB)")


def inputs_fingerprint(names=NOTEBOOK_INPUTS) -> str:
    """Hash of the named files and folders under the project root (the generated Vega
    bundle and Python caches excluded)."""
    digest = hashlib.sha256()
    for name in names:
        top = ROOT / name
        for path in sorted(top.rglob("*")) if top.is_dir() else [top]:
            if path.is_file() and "__pycache__" not in path.parts and path != VEGA_BUNDLE:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _stamp(path: Path) -> str | None:
    return path.read_text().strip() if path.exists() else None


def drop_stale_cache() -> str:
    fingerprint = inputs_fingerprint()
    if _stamp(INPUTS_STAMP) != fingerprint and CACHE_DIR.exists():
        progress("data, analysis, CITATION.cff or requirements changed: clearing the notebook cache")
        shutil.rmtree(CACHE_DIR)
    return fingerprint


def build() -> int:
    from analysis import citation, corpus, profiles, reader

    started = inputs_fingerprint()  # before anything is read: what the tables and pages are made from
    data = Loaded()
    if corpus.validate_sources():  # the generated pages need valid sources metadata
        validate(data)
        progress("build stopped before any page was written; the previous site in _build/html is unchanged")
        return 1
    reader.write_pages(data)  # generated from sources.yaml, like the profiles and the bibliography
    profiles.write_pages(data)
    citation.write_sources_bib(data)
    site_fingerprint = inputs_fingerprint(SITE_INPUTS)
    if SITE_DIR.is_dir() and _stamp(SITE_STAMP) == site_fingerprint:
        progress("nothing the site is built from has changed: _build/html is up to date")
        return 0
    if validate(data) != 0:
        progress("build stopped before any notebook ran; the previous site in _build/html is unchanged")
        return 1
    from analysis import export as package
    from analysis import results

    results.save_derived(data, started)  # the derived tables, computed once here for every page's kernel
    progress("saved the derived tables for the pages' kernels (_build/derived)")
    shutil.rmtree(PACKAGE_DIR, ignore_errors=True)
    package.export(data, PACKAGE_DIR)
    progress(f"wrote the data package into {PACKAGE_DIR.relative_to(ROOT)} (published as /datapackage/)")
    if write_figures(data) != 0:
        progress("build stopped before any notebook ran; the previous site in _build/html is unchanged")
        return 1
    write_vega_bundle()
    fingerprint = drop_stale_cache()
    shutil.rmtree(STAGING_DIR, ignore_errors=True)
    cores = sphinx_build.cores()
    progress(f"building the book on {cores} core(s) (executes changed notebooks; strict: warnings are errors)")
    staged = STAGING_DIR / "html"
    result = subprocess.run(sphinx_build.command("html", staged, STAGING_DIR / "doctrees"), cwd=ROOT)
    if result.returncode != 0 or not staged.is_dir():
        reports = staged / "reports"
        progress("build FAILED; the previous site in _build/html is unchanged")
        if reports.is_dir():
            progress(f"notebook execution reports: {reports.relative_to(ROOT)}")
        return result.returncode or 1
    if make_pdf(staged / pdf.PDF_NAME) != 0:
        progress("build FAILED at the PDF edition; the previous site in _build/html is unchanged")
        return 1
    if inputs_fingerprint() != started:  # pages and saved tables may mix old and new inputs
        progress("build FAILED: data, analysis, CITATION.cff or requirements changed during the build; run it again")
        progress("the previous site in _build/html is unchanged")
        return 1
    shutil.rmtree(SITE_DIR, ignore_errors=True)
    staged.rename(SITE_DIR)
    shutil.rmtree(EXECUTED_DIR, ignore_errors=True)
    (STAGING_DIR / "jupyter_execute").rename(EXECUTED_DIR)
    INPUTS_STAMP.write_text(fingerprint + "\n")
    SITE_STAMP.write_text(site_fingerprint + "\n")
    progress(f"site ready: {SITE_DIR.relative_to(ROOT)}/index.html")
    return 0


def write_figures(data, directory: Path = FIGURES_DIR) -> int:
    """Draw each figure as SVG and PNG for slides (analysis/downloads.py), saying how long it took."""
    from analysis import downloads

    started = time.perf_counter()
    shutil.rmtree(directory, ignore_errors=True)
    labels = downloads.labels()
    progress(f"drawing the {len(labels)} figures for download as SVG and PNG")
    for number, label in enumerate(labels, 1):
        try:
            _, png = downloads.write(data, label, directory)
        except ValueError as problem:
            print(problem)
            return 1
        progress(f"  {number}/{len(labels)} {label} (PNG {downloads.png_width(png.read_bytes())} px wide)")
    elapsed = time.perf_counter() - started
    progress(f"drew the figures' downloads in {elapsed:.1f} s (published as /figures/)")
    return 0


def make_pdf(target: Path) -> int:
    """The PDF edition (published with the site as book.pdf)."""
    browser = pdf.chromium()
    if browser is None:
        progress("the PDF edition needs Chromium: apt-get install chromium (or set CHROMIUM)")
        return 1
    progress("building the PDF edition: the whole book as one page, printed by headless Chromium")
    page = pdf.single_page(ROOT, STAGING_DIR / "single", STAGING_DIR / "doctrees")
    if page is None:
        return 1
    pdf.print_pdf(page, target, browser)
    progress(f"wrote the PDF edition ({target.stat().st_size // 1024} KiB)")
    return 0


def validate(data, annotations: Path | None = None) -> int:
    """Run every data check; print problems as file:row:column: message."""
    from analysis import coding, corpus, indices

    progress("validating sources, codebook, rubrics, errata and annotations")
    problems = corpus.validate_sources()
    if not problems:
        problems += coding.validate_codebook(data) + coding.validate_errata(data)
    if not problems:
        problems += indices.validate_rubrics(coding.codes(data))
    if not problems:
        problems += coding.validate_annotations(data, annotations or coding.ANNOTATIONS)
    if not problems and annotations is None:
        progress("validating the reliability sample, codings and adjudication")
        problems += coding.validate_reliability(data)
    if not problems and annotations is None:
        from analysis import results, review

        progress("validating the stance audit and the review of 'not raised' cells")
        problems += review.validate_stance_audit(data)
        problems += review.check_zero_review_table(data) or review.validate_zero_review(
            data, results.salience_table(data), results.item_table(data)
        )
    for problem in problems:
        print(problem)
    if problems:
        progress(f"{len(problems)} problem(s) found")
        return 1
    progress("all data checks passed")
    return 0


def export(directory: Path) -> int:
    """Validate the data, then write the data package (CSV + datapackage.json)."""
    from analysis import export as package

    data = Loaded()
    if validate(data) != 0:
        progress("export stopped: fix the problems above first")
        return 1
    target = package.export(data, directory)
    progress(f"wrote {target}")
    return 0


def is_known(data, document_id: str) -> bool:
    """Whether sources.yaml lists the document; if not, say which ones it lists."""

    known = [d.id for d in data.documents.values()]
    if document_id not in known:
        print(f"unknown document {document_id!r}; known: {', '.join(known)}")
    return document_id in known


def suggest(document_id: str) -> int:
    """Print the keyword coder's candidate codes for one document: a starting point
    for coding a new source, never a substitute for reading every sentence."""
    from analysis import coding, measures

    data = Loaded()
    if not is_known(data, document_id):
        return 1
    text = {s.id: s.text for s in data.documents[document_id].sentences}
    candidates = measures.keyword_coding(data, coding.codes(data))
    for row in candidates[candidates["sentence_id"].isin(text.keys())].itertuples():
        print(f"{row.sentence_id}\t{row.code}\t{text[row.sentence_id]}")
    return 0


def sample(document_id: str) -> int:
    """Print the rows of reliability/sample.csv that the recorded rule draws for one
    document: what to add to the sample when a source is added."""
    from analysis import corpus, sampling

    data = Loaded()
    if not is_known(data, document_id):
        return 1
    for sentence_id in sampling.draw_sample(data):
        if corpus.document_of(sentence_id) == document_id:
            print(f"{sentence_id},{document_id}")
    return 0


def add_source(args: argparse.Namespace) -> int:
    """Add a document as data, then list its sentences with the keyword coder's
    candidate codes: the reading list for coding it."""
    from analysis import add_source as adding
    from analysis import coding, measures

    fields = {k: v for k, v in vars(args).items() if k not in ("command", "file", "document_id")}
    problems = adding.add_source(args.file, args.document_id, **fields)
    for problem in problems:
        print(problem)
    if problems:
        progress("nothing was written")
        return 1
    data = Loaded()  # the corpus as it is now, with the new document
    document = data.documents[args.document_id]
    progress(f"added {args.document_id}: data/sources/{document.path.name} and its entry in sources.yaml")
    candidates = measures.keyword_coding(data, coding.codes(data))
    codes_of = candidates.groupby("sentence_id")["code"].agg(", ".join).to_dict()
    for paragraph in document.paragraphs:
        for sentence in paragraph.sentences:
            hint = codes_of.get(sentence.id, "")
            print(f"{sentence.id}\t{paragraph.kind}\t{sentence.text}" + (f"\t[candidates: {hint}]" if hint else ""))
    progress(f"next: code every sentence in annotations.csv; then `python -m analysis sample {args.document_id}`")
    return 0


def snapshot() -> int:
    """Keep this edition's findings in data/editions/<version> (CITATION.cff's version), so
    the next edition's "What changed" page can compare against them."""
    from analysis import citation, editions

    data = Loaded()
    if validate(data) != 0:
        progress("snapshot stopped: fix the problems above first")
        return 1
    target = editions.EDITIONS_DIR / str(citation.book(data)["version"])
    if target.exists():
        progress(f"{target.relative_to(ROOT)} exists already: raise the version in CITATION.cff first")
        return 1
    editions.write_snapshot(data, target)
    progress(f"kept this edition's findings in {target.relative_to(ROOT)}")
    return 0


def unreviewed() -> int:
    """Print every 'not raised' cell that data/coding/zero_review.csv does not review yet,
    with the keyword coder's candidate sentences: the reading list for the review."""
    from analysis import coding, measures, results, review

    data = Loaded()
    done = review.reviewed(data)
    candidates = measures.keyword_coding(data, coding.codes(data))
    cells = sorted(review.zero_cells(results.salience_table(data), results.item_table(data)) - done.keys())
    sources = results.sources(data).set_index("source_id")["documents"]
    for source_id, code, item in cells:
        documents = tuple(f"{d}-p" for d in sources[source_id].split())
        mine = candidates[(candidates["code"] == code) & candidates["sentence_id"].str.startswith(documents)]
        print(f"{source_id}\t{code}\t{item}\tcandidates: {' '.join(mine['sentence_id']) or 'none'}")
    progress(f"{len(cells)} 'not raised' cell(s) not yet reviewed")
    return 0


def list_sentences() -> int:
    """Print every sentence with its id: the reading list for coders."""
    data = Loaded()
    for document in data.documents.values():
        for paragraph in document.paragraphs:
            for sentence in paragraph.sentences:
                print(f"{sentence.id}\t{paragraph.kind}\t{sentence.text}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="build the site into _build/html (strict)")
    check = commands.add_parser("validate", help="check all data; print file:row:column: message lines")
    check.add_argument("--annotations", type=Path, help="check this annotations file instead of the project's")
    out = commands.add_parser("export", help="write the data package (datapackage.json + CSV) into DIR")
    out.add_argument("directory", type=Path)
    commands.add_parser("sentences", help="list every sentence with its id (tab-separated)")
    hint = commands.add_parser("suggest", help="keyword-coder candidate codes for one document")
    hint.add_argument("document_id")
    add = commands.add_parser("add-source", help="add a document: copy its text, write its metadata, list it")
    add.add_argument("file", type=Path, help="the document's text, UTF-8")
    add.add_argument("--id", dest="document_id", required=True, help="document id, e.g. XX-2025 (source XX)")
    for name in ("title", "publisher", "kind", "date", "date-basis"):
        add.add_argument(f"--{name}", required=True)
    add.add_argument("--date-status", choices=["stated", "inferred"], required=True)
    add.add_argument("--short-title", help="title of its reader page after label and year (default: --kind)")
    add.add_argument("--event", default="not stated")
    add.add_argument("--reference-year", type=int, help="the year the document speaks of (default: its date's)")
    add.add_argument("--source-label", help="short label of a new source, e.g. 'Scotland'")
    add.add_argument("--source-name", help="full name of a new source's body")
    draw = commands.add_parser("sample", help="the reliability sample rows (sample.csv) of one document")
    draw.add_argument("document_id")
    commands.add_parser("unreviewed", help="'not raised' cells that zero_review.csv does not review yet")
    commands.add_parser("snapshot", help="keep this edition's findings in data/editions/<version>")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return validate(Loaded(), args.annotations)
    if args.command == "export":
        return export(args.directory)
    if args.command == "add-source":
        return add_source(args)
    if args.command in ("suggest", "sample"):
        return {"suggest": suggest, "sample": sample}[args.command](args.document_id)
    return {"build": build, "sentences": list_sentences, "unreviewed": unreviewed, "snapshot": snapshot}[args.command]()
