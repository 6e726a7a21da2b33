"""Editions citable for good: a pushed tag v<version> builds the book with `make book`
and attaches the zipped site and its PDF to the release (.github/workflows/release.yml);
Zenodo mints the release's DOI from CITATION.cff and the tag, so they must agree."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from analysis import citation
from analysis.paths import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
CFFCONVERT = ROOT / ".venv" / "cffconvert" / "bin" / "cffconvert"


def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def runs(job: dict) -> str:
    return "\n".join(step["run"] for step in job["steps"] if "run" in step)


def test_a_pushed_version_tag_triggers_the_release():
    trigger = workflow()[True]  # YAML 1.1 reads the key `on` as true
    assert trigger == {"push": {"tags": ["v*"]}}


def test_only_the_release_job_may_write_and_every_action_is_pinned_by_sha():
    flow = workflow()
    assert flow["permissions"] == {"contents": "read"}
    writers = [name for name, job in flow["jobs"].items() if job.get("permissions", {}).get("contents") == "write"]
    assert writers == ["release"], writers
    for name, job in flow["jobs"].items():
        assert "permissions" in job, f"job {name} states no permissions"
        if name != "release":
            assert job["permissions"] == {"contents": "read"}, name
    uses = re.findall(r"^\s*-?\s*uses:\s*(\S+)(.*)$", WORKFLOW.read_text(encoding="utf-8"), flags=re.M)
    assert uses
    for action, rest in uses:
        assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", action), f"{action} is not pinned by a full commit SHA"
        assert re.match(r"\s+#\s*v\d+\.\d+\.\d+", rest), f"{action} does not say which version it pins"


def test_the_build_calls_make_book_and_the_release_attaches_the_zipped_site_and_the_pdf():
    flow = workflow()
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w-]+):", makefile, flags=re.M))
    every_run = "\n".join(runs(job) for job in flow["jobs"].values())
    called = set(re.findall(r"\bmake\s+([\w-]+)", every_run))
    assert called == {"book"} and called <= targets, called
    build = runs(flow["jobs"]["build"])
    assert "apt-get install" in build and " chromium" in build, "the PDF edition needs Debian's Chromium"
    release = runs(flow["jobs"]["release"])
    assert flow["jobs"]["release"]["needs"] == "build"
    assert "gh release create" in release and "gh release upload" in release
    assert ".zip" in release and ".pdf" in release


def step_script(name: str) -> str:
    (step,) = [s for s in workflow()["jobs"]["build"]["steps"] if s.get("name") == name]
    return step["run"]


@pytest.mark.subprocess
def test_the_zip_step_packs_the_built_site_and_the_pdf_under_the_tags_name(tmp_path):
    """Run the workflow's own step on a small stand-in for _build/html."""
    site = tmp_path / "_build" / "html"
    (site / "book").mkdir(parents=True)
    (site / "index.html").write_text("<p>home</p>", encoding="utf-8")
    (site / "book" / "intro.html").write_text("<p>intro</p>", encoding="utf-8")
    (site / "book.pdf").write_bytes(b"%PDF-1.7 stand-in")
    env = {**os.environ, "GITHUB_REF_NAME": "v9.8.7", "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    result = subprocess.run(["bash", "-e", "-c", step_script("Zip the site")], cwd=tmp_path, env=env, text=True)
    assert result.returncode == 0
    with zipfile.ZipFile(tmp_path / "policing-drugs-v9.8.7-html.zip") as archive:
        assert {"html/index.html", "html/book/intro.html", "html/book.pdf"} <= set(archive.namelist())
    assert (tmp_path / "policing-drugs-v9.8.7.pdf").read_bytes() == b"%PDF-1.7 stand-in"
    uploaded = workflow()["jobs"]["build"]["steps"][-1]["with"]["path"].splitlines()
    assert uploaded == ["policing-drugs-${{ github.ref_name }}-html.zip", "policing-drugs-${{ github.ref_name }}.pdf"]


def _tag_check() -> str:
    return step_script("The tag is the version in CITATION.cff")


@pytest.mark.subprocess
def test_the_tag_check_accepts_only_v_and_the_version_in_citation_cff():
    version = str(cff()["version"])
    major, minor, patch = version.split(".")

    def check(tag: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "GITHUB_REF_NAME": tag}
        return subprocess.run(["bash", "-e", "-c", _tag_check()], cwd=ROOT, env=env, capture_output=True, text=True)

    assert check(f"v{version}").returncode == 0, check(f"v{version}").stdout
    for wrong in (f"v{major}.{minor}.{int(patch) + 1}", version, f"v{major}x{minor}x{patch}", f"v{version}.1"):
        result = check(wrong)
        assert result.returncode != 0, f"tag {wrong} was accepted for version {version}"
        assert f"tag {wrong} is not v followed by the version in CITATION.cff" in result.stdout


def test_no_zenodo_json_overrides_citation_cff():
    """Zenodo reads .zenodo.json instead of CITATION.cff when both exist: the book keeps one place."""
    assert not (ROOT / ".zenodo.json").exists()


def test_what_zenodo_reads_from_citation_cff_is_the_books_citation():
    """Zenodo's reading of CITATION.cff: a title of at least 3 characters, and each author's
    name (an entity's `name`, or 'family, given'). The names must be the ones the site cites."""
    entry = cff()
    assert len(entry["title"]) >= 3
    creators = []
    for author in entry["authors"]:
        name = author.get("name") or ", ".join(p for p in (author.get("family-names"), author.get("given-names")) if p)
        assert name, f"an author of CITATION.cff has no name Zenodo can read: {author}"
        creators.append(name)
    assert creators == citation.authors(entry)
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(entry["version"])), "the version the tag must carry"


@pytest.mark.subprocess
def test_cffconverts_zenodo_metadata_agree_with_citation_cff():
    """A second route: cffconvert's conversion of CITATION.cff to Zenodo metadata."""
    if not CFFCONVERT.exists():
        message = f"{CFFCONVERT} not found: `make test` installs it"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run(
        [str(CFFCONVERT), "-i", str(ROOT / "CITATION.cff"), "-f", "zenodo"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    zenodo = json.loads(result.stdout)
    entry = cff()
    assert zenodo["title"] == entry["title"]
    assert zenodo["version"] == str(entry["version"])
    assert [c["name"] for c in zenodo["creators"]] == [a["name"] for a in entry["authors"]]
    assert zenodo["publication_date"] == str(entry["date-released"])
