"""Per-module figures of the last `make mutate` run: how many planted bugs the fast tests kill.

mutmut prints one total for the whole package; the target (at least 85% killed) is per
module, so this reads mutmut's own records (mutants/analysis/*.py.meta) and prints a
table. A mutant with no test that reaches it counts as not killed; one whose tests run
out of time (mutmut's CPU limit, many times their normal time) counts as killed, as in
mutmut. `.venv/bin/mutmut results` lists the survivors and `mutmut show NAME` shows one.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from mutmut.stats import status_by_exit_code

from analysis.paths import ROOT

META_DIR = ROOT / "mutants" / "analysis"
TARGET = 0.85
# The modules the target applies to (issue 17: the comparison, the citation and adding
# a source); every other module of analysis/ is reported too.
TARGET_MODULES = (
    "salience",
    "indices",
    "threats",
    "synthesis",
    "results",
    "findings",
    "exhibits",
    "tables",
    "evidence",
    "citation",
    "add_source",
)
KILLED = ("killed", "timeout", "caught by type check")
COLUMNS = ("mutants", "killed", "timeout", "survived", "no tests", "other", "killed %")


def main() -> int:
    metas = sorted(META_DIR.glob("*.py.meta"))
    if not metas:
        print(f"no mutmut results in {META_DIR}: run `make mutate` first", file=sys.stderr)
        return 1
    print(f"{'module':<12}" + "".join(f"{c:>10}" for c in COLUMNS))
    below = []
    for meta in metas:
        module = meta.name.removesuffix(".py.meta")
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        counts = Counter(status_by_exit_code[code] for code in codes.values())
        if counts["not checked"] == len(codes):
            continue  # left out of this run (MUTANTS), or a module with nothing to mutate
        killed = sum(counts[s] for s in KILLED)
        other = len(codes) - killed - counts["survived"] - counts["no tests"]
        share = killed / len(codes)
        cells = (len(codes), killed, counts["timeout"], counts["survived"], counts["no tests"], other)
        print(f"{module:<12}" + "".join(f"{c:>10}" for c in cells) + f"{share:>10.1%}")
        if module in TARGET_MODULES and share < TARGET:
            below.append(module)
    if below:
        print(f"below the {TARGET:.0%} target: {', '.join(below)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
