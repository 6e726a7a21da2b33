"""The GitHub workflows: a gate on every pull request and push that runs the same
command as local work (.ci/run -> make test) and keeps the execution reports and the
site when it fails; every action pinned by full commit SHA; read-only by default."""

from __future__ import annotations

import re

import yaml

from analysis import cli
from analysis.paths import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
WRITERS = {"publish": {"deploy"}, "release": {"release"}}  # the only jobs that may write, by workflow


def load(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def make_targets() -> set[str]:
    return set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), flags=re.M))


def test_every_action_is_pinned_by_a_full_commit_sha_and_names_its_version():
    assert {p.stem for p in WORKFLOWS} >= {"test", "publish"}
    for path in WORKFLOWS:
        uses = re.findall(r"^\s*-?\s*uses:\s*(\S+)(.*)$", path.read_text(encoding="utf-8"), flags=re.M)
        for action, rest in uses:
            assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", action), f"{path.name}: {action} is not pinned by SHA"
            assert re.match(r"\s+#\s*v\d+\.\d+\.\d+", rest), f"{path.name}: {action} does not say its version"


def test_workflows_only_read_except_the_jobs_that_publish():
    for path in WORKFLOWS:
        flow = load(path)
        assert flow["permissions"] == {"contents": "read"}, path.name
        for name, job in flow["jobs"].items():
            granted = job.get("permissions", {})
            writes = {scope for scope, level in granted.items() if level == "write"}
            if name not in WRITERS.get(path.stem, set()):
                assert not writes, f"{path.name}: job {name} may write {writes}"


def test_workflows_call_only_make_targets_that_exist():
    targets = make_targets()
    for path in WORKFLOWS:
        scripts = "\n".join(step.get("run", "") for job in load(path)["jobs"].values() for step in job["steps"])
        called = set(re.findall(r"\bmake\s+([\w-]+)", scripts))
        assert called <= targets, f"{path.name} calls {called - targets}"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^(if ! )?make test(; then)?$", ci, flags=re.M), ".ci/run must run the README's make test"


def test_the_gate_runs_the_tests_on_every_pull_request_and_push_and_keeps_reports_on_failure():
    flow = load(ROOT / ".github" / "workflows" / "test.yml")
    trigger = flow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in trigger and "push" in trigger and trigger["push"] is None, "every branch"
    (job,) = flow["jobs"].values()
    runs = [step for step in job["steps"] if "run" in step]
    assert [step["run"] for step in runs] == ["bash .ci/run"] and runs[0]["env"]["CI"] == "true"
    (kept,) = [step for step in job["steps"] if step.get("if") == "failure()"]
    assert kept["uses"].startswith("actions/upload-artifact@")
    paths = kept["with"]["path"].split()
    reports = (cli.STAGING_DIR / "html" / "reports").relative_to(ROOT)  # where a failed build leaves them
    assert f"{cli.SITE_DIR.relative_to(ROOT)}/" in paths and f"{reports.as_posix()}/" in paths


def locked(path) -> dict[str, tuple[str, int]]:
    """A pip-tools lock: each package's pinned version and how many hashes it lists."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#")]
    entries = re.split(r"\n(?=[A-Za-z0-9])", "\n".join(line for line in lines if line.strip()))
    found = {}
    for entry in entries:
        name, version = re.match(r"([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==(\S+)", entry).groups()
        found[name.lower().replace("_", "-")] = (version, entry.count("--hash=sha256:"))
    return found


def test_every_package_is_locked_with_its_hashes_and_the_direct_pins_agree():
    for lock, source in (
        (ROOT / "requirements.txt", ROOT / "requirements.in"),
        (ROOT / "tests" / "cffconvert" / "requirements.txt", ROOT / "tests" / "cffconvert" / "requirements.in"),
    ):
        packages = locked(lock)
        assert len(packages) > 10 and all(hashes >= 1 for _, hashes in packages.values()), lock.name
        direct = re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)$", source.read_text(encoding="utf-8"), flags=re.M)
        assert direct
        for name, version in direct:
            assert packages[name.lower()][0] == version, f"{lock}: {name} is not locked at {version}"
    major = int(locked(ROOT / "requirements.txt")["jupyter-book"][0].split(".")[0])
    assert major < 2, "the book is built with Jupyter Book 1"
    install = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert install.count("--require-hashes --no-deps -r") == 2 and "pip install --quiet --upgrade" not in install
