"""Editions: what this edition's findings are, and exactly what moved since the last one.

Each released edition's findings are kept as small CSVs in data/editions/<version>/
(``snapshot`` writes them): the key findings, the index and indicator scores, the
pairwise orderings, the threat lists and the coding itself. The "What changed"
appendix compares this edition with the newest kept one and gives, for every
difference, its reason: a coding change (with the stance audit's rule, a reviewed
'not raised' cell or a reliability adjudication behind it) or a change of method
(a scoring rule added, threats compared at the item level).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from analysis import citation, coding, findings, results, review, threats
from analysis.datafiles import load_yaml, read_rows
from analysis.paths import DATA_DIR

EDITIONS_DIR = DATA_DIR / "editions"
TABLES = ("key_findings", "index_scores", "indicator_scores", "orderings", "threat_lists", "coding")
LISTS = {"new": threats.NEW, "persistent": threats.PERSISTENT, "early": threats.EARLY}


def snapshot(data) -> tuple[dict, dict[str, pd.DataFrame]]:
    """This edition's metadata and findings, in the shape kept for later editions."""
    key = findings.key_findings(data)
    scores, indicators, orders = [], [], []
    for index_id in results.index_ids(data):
        for r in results.index_table(data, index_id).itertuples():
            scores.append({"index": index_id, "source_id": r.source_id, "source": r.source, "score": r.score})
        for r in results.indicator_scores(data, index_id).itertuples():
            indicators.append(
                {
                    "index": index_id,
                    "source_id": r.source_id,
                    "indicator": r.indicator,
                    "indicator_label": r.indicator_label,
                    "score": int(r.score),
                }
            )
        for r in results.sensitivity(data, index_id)["pairs"].itertuples():
            orders.append(
                {
                    "index": index_id,
                    "higher_id": r.higher_id,
                    "higher": r.higher,
                    "lower_id": r.lower_id,
                    "lower": r.lower,
                    "robust": bool(r.robust),
                }
            )
    found = threats.patterns(results.threat_matrix(data, "item"), "item", "short")
    annotations = results.annotations(data)
    book = data.rubrics
    meta = {
        "version": str(citation.book(data)["version"]),
        "date-released": str(citation.book(data)["date-released"]),
        "codebook": data.codebook["version"],
        "rubrics": book["version"],
        "rules": [r["id"] for r in book["sensitivity"]["rules"]],
        "threats_level": "item",
    }
    tables = {
        "key_findings": pd.DataFrame({"finding": list(key), "text": [repr(v) for v in key.values()]}),
        "index_scores": pd.DataFrame(scores),
        "indicator_scores": pd.DataFrame(indicators),
        "orderings": pd.DataFrame(orders),
        "threat_lists": pd.DataFrame([{"list": k, "threats": "; ".join(found[p])} for k, p in LISTS.items()]),
        "coding": annotations[["sentence_id", "code", "item", "stance"]]
        .drop_duplicates()
        .sort_values(["sentence_id", "code", "item"], kind="stable")
        .reset_index(drop=True),
    }
    return meta, {name: results.published(table) for name, table in tables.items()}


def write_snapshot(data, directory: Path) -> Path:
    """Keep this edition's findings in ``directory`` (data/editions/<version>/)."""
    meta, tables = snapshot(data)
    directory.mkdir(parents=True, exist_ok=True)
    header = (
        "# An edition's findings, kept so that later editions can say exactly what moved\n"
        '# (the "What changed" appendix). Written by `python -m analysis snapshot`; never edited by hand.\n'
    )
    (directory / "edition.yaml").write_text(header + yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    for name, table in tables.items():
        table.to_csv(directory / f"{name}.csv", index=False, lineterminator="\n")
    return directory


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def previous(current: str, folder: Path = EDITIONS_DIR) -> Path | None:
    """The newest kept edition older than ``current``."""
    kept = [p for p in folder.iterdir() if (p / "edition.yaml").exists()] if folder.exists() else []
    older = [p for p in kept if _version(p.name) < _version(current)]
    return max(older, key=lambda p: _version(p.name)) if older else None


def load(directory: Path) -> tuple[dict, dict[str, pd.DataFrame]]:
    meta = load_yaml((directory / "edition.yaml").read_text(encoding="utf-8"))
    tables = {name: pd.DataFrame(read_rows(directory / f"{name}.csv")) for name in TABLES}
    return meta, tables


# --- what changed, and why -----------------------------------------------------------


def coding_changes(data, old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Every coded unit (a code, and for a threat its item, on a sentence) whose stance
    changed, or that was added or removed, with why. Items are compared only when both
    editions coded them (an edition of codebook 1 had none)."""
    with_items = "item" in old.columns and (old["item"].fillna("") != "").any()
    key = ["sentence_id", "code", "item"] if with_items else ["sentence_id", "code"]
    before = old.drop_duplicates(key).set_index(key)["stance"]
    after = new.drop_duplicates(key).set_index(key)["stance"]
    audit = {(r["sentence_id"], r["code"]): r for r in read_rows(review.STANCE_AUDIT)}
    missed = {(r["source_id"], r["code"]) for r in read_rows(review.ZERO_REVIEW) if r["decision"] == review.MISSED}
    adjudicated = {(r["sentence_id"], r["code"]) for r in read_rows(coding.ADJUDICATION)}
    added_in = coding.codes(data).set_index("code")["added"]
    source_of = _source_of_sentence(data)
    rows = []
    for unit in sorted(set(before.index) | set(after.index)):
        was, now = before.get(unit, "absent"), after.get(unit, "absent")
        if was == now:
            continue
        sentence, code = unit[0], unit[1]
        pair = (sentence, code)
        if pair in audit and audit[pair]["new_stance"] == now and audit[pair]["old_stance"] == was:
            why = f"the stance audit ({audit[pair]['rule']})"
        elif was == "absent" and (source_of[sentence], code) in missed:
            why = "the review of a 'not raised' cell"
        elif pair in adjudicated:
            why = f"the reliability adjudication ({coding.CURRENT_ROUND.name.replace('-', ' ')})"
        elif was == "absent" and added_in[code] != "1.0.0":
            why = f"a code new in codebook {added_in[code]}"
        else:
            why = "recoding"
        item = unit[2] if with_items else ""
        rows.append(
            {
                "sentence_id": sentence,
                "source_id": source_of[sentence],
                "code": code,
                "item": item,
                "old": was,
                "new": now,
                "why": why,
            }
        )
    return pd.DataFrame(rows, columns=["sentence_id", "source_id", "code", "item", "old", "new", "why"])


def _source_of_sentence(data) -> dict[str, str]:
    documents = results.sources(data).assign(documents=lambda t: t["documents"].str.split()).explode("documents")
    source_of_document = dict(zip(documents["documents"], documents["source_id"], strict=True))
    return {s.id: source_of_document[d.id] for d in data.documents.values() for s in d.sentences}


def _explain(changes: pd.DataFrame, source_id: str, codes: list[str]) -> str:
    mine = changes[(changes["source_id"] == source_id) & changes["code"].isin(codes)]
    return "; ".join(f"{r.sentence_id} {r.code}: {r.old} → {r.new}, by {r.why}" for r in mine.itertuples())


def _robust(row: dict) -> str:
    return "robust" if str(row["robust"]) == "True" else "not robust"


def changes(
    data, old_meta: dict, old: dict[str, pd.DataFrame], new_meta: dict, new: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    """One row per finding that differs between two editions: what, old value, new value, why."""
    coded = coding_changes(data, old["coding"], new["coding"])
    rubric = data.rubrics
    codes_of = {(i["id"], ind["id"]): ind["codes"] for i in rubric["indices"] for ind in i["indicators"]}
    added_rules = [r for r in new_meta["rules"] if r not in old_meta["rules"]]
    index_label = {i["id"]: i["label"].lower() for i in rubric["indices"]}
    names = dict(zip(new["index_scores"]["source_id"], new["index_scores"]["source"], strict=False))
    labels = dict(zip(new["indicator_scores"]["indicator"], new["indicator_scores"]["indicator_label"], strict=False))
    rows = []

    def add(kind: str, what: str, was: str, now: str, why: str) -> None:
        rows.append({"kind": kind, "what": what, "old": was, "new": now, "why": why or "see the other rows"})

    old_ind = old["indicator_scores"].set_index(["index", "source_id", "indicator"])["score"].astype(int)
    new_ind = new["indicator_scores"].set_index(["index", "source_id", "indicator"])["score"].astype(int)
    for key in new_ind.index:
        if key in old_ind.index and old_ind[key] != new_ind[key]:
            index_id, source_id, indicator = key
            what = f"{names[source_id]}: {labels[indicator]} ({index_label[index_id]})"
            why = _explain(coded, source_id, codes_of[(index_id, indicator)])
            add("indicator score", what, str(old_ind[key]), str(new_ind[key]), why)
    old_idx = old["index_scores"].set_index(["index", "source_id"])["score"].astype(float)
    new_idx = new["index_scores"].set_index(["index", "source_id"])["score"].astype(float)
    for key in new_idx.index:
        if key in old_idx.index and round(old_idx[key]) != round(new_idx[key]):
            index_id, source_id = key
            moved = [i for (x, s, i) in new_ind.index if (x, s) == key and old_ind.get((x, s, i)) != new_ind[(x, s, i)]]
            why = f"indicator scores changed: {', '.join(labels[m] for m in moved)}" if moved else ""
            what = f"{names[source_id]}: {index_label[index_id]} (0–100)"
            add("index score", what, f"{old_idx[key]:.0f}", f"{new_idx[key]:.0f}", why)
    old_pairs = {
        (r["index"], frozenset((r["higher_id"], r["lower_id"]))): r for r in old["orderings"].to_dict("records")
    }
    for r in new["orderings"].to_dict("records"):
        before = old_pairs.get((r["index"], frozenset((r["higher_id"], r["lower_id"]))))
        if before is None:
            continue
        was = f"{before['higher']} above {before['lower']} ({_robust(before)})"
        now = f"{r['higher']} above {r['lower']} ({_robust(r)})"
        if was != now:
            why = []
            if added_rules and _robust(before) == "robust" and _robust(r) == "not robust":
                why.append(f"robustness now also tested under the {findings.join(added_rules)} scoring rules")
            if any(
                round(old_idx[(r["index"], x)]) != round(new_idx[(r["index"], x)])
                for x in (r["higher_id"], r["lower_id"])
            ):
                why.append("the index scores changed (see the index score rows)")
            what = f"{index_label[r['index']]}: {names[r['higher_id']]} and {names[r['lower_id']]}"
            add("ordering", what, was, now, "; ".join(why))
    old_lists = dict(zip(old["threat_lists"]["list"], old["threat_lists"]["threats"].fillna(""), strict=True))
    for r in new["threat_lists"].itertuples():
        was, now = old_lists.get(r.list, ""), r.threats
        if was != now:
            if old_meta.get("threats_level") != new_meta.get("threats_level"):
                why = (
                    "threats now compared at the level of named items, and an enforcement priority counts as naming one"
                )
            else:
                threat_codes = list(coding.codes(data).query("dimension == @coding.THREATS")["code"])
                why = "; ".join(_explain(coded, s, threat_codes) for s in names if _explain(coded, s, threat_codes))
            add("threat list", f"threats {LISTS[r.list]}", was or "none", now or "none", why)
    old_key = dict(zip(old["key_findings"]["finding"], old["key_findings"]["text"], strict=True))
    for r in new["key_findings"].itertuples():
        if old_key.get(r.finding) != r.text:
            why = "rewritten in plain words; its figures follow the rows above"
            if r.finding == "similarity" and old_meta.get("threats_level") != new_meta.get("threats_level"):
                why = (
                    "profiles now compared over the named threats (items), not their families; rewritten in plain words"
                )
            if r.finding == "threats" and old_meta.get("threats_level") != new_meta.get("threats_level"):
                why = (
                    "threats now compared at the level of named items (see the threat lists); rewritten in plain words"
                )
            add("key finding", r.finding.replace("_", " "), old_key.get(r.finding, "(none)"), r.text, why)
    for finding in set(old_key) - set(new["key_findings"]["finding"]):
        add("key finding", finding.replace("_", " "), old_key[finding], "(dropped)", "no longer a key finding")
    new_pairs = {(r["index"], frozenset((r["higher_id"], r["lower_id"]))) for r in new["orderings"].to_dict("records")}
    for key, r in old_pairs.items():
        if key not in new_pairs:
            add(
                "ordering",
                f"{r['index']}: {r['higher']} and {r['lower']}",
                f"{r['higher']} above {r['lower']}",
                "(no longer compared)",
                "a source or an index was removed",
            )
    for key in set(old_ind.index) - set(new_ind.index):
        add("indicator score", " / ".join(key), str(old_ind[key]), "(dropped)", "the indicator or source was removed")
    return pd.DataFrame(rows, columns=["kind", "what", "old", "new", "why"])


def what_changed(data, folder: Path = EDITIONS_DIR) -> tuple[dict | None, pd.DataFrame, pd.DataFrame]:
    """(previous edition's metadata, the changed findings, the coding changes) against the newest kept edition."""
    new_meta, new = snapshot(data)
    before = previous(new_meta["version"], folder)
    if before is None:
        return (
            None,
            pd.DataFrame(columns=["kind", "what", "old", "new", "why"]),
            coding_changes(data, new["coding"], new["coding"]),
        )
    old_meta, old = load(before)
    return old_meta, changes(data, old_meta, old, new_meta, new), coding_changes(data, old["coding"], new["coding"])


def change_figures(data, before: dict | None, changed: pd.DataFrame, recoded: pd.DataFrame) -> dict[str, object]:
    """The 'What changed' page's numbers and sentences."""
    counts = changed["kind"].value_counts(sort=False).sort_values(ascending=False, kind="stable")
    kinds = [f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items()]
    verb = "differs" if len(changed) == 1 else "differ"
    why = recoded["why"].value_counts(sort=False).sort_values(ascending=False, kind="stable")
    units = len(recoded)
    return {
        "now": str(citation.book(data)["version"]),
        "before": before["version"] if before else "none",
        "changes": findings.Phrase(f"{findings.join(kinds)} {verb}" if kinds else "nothing differs"),
        "recoded": findings.Phrase(
            f"{units} coded unit{'s' if units != 1 else ''} (a code on a sentence) changed"
            + (": " + findings.join([f"{n} through {reason}" for reason, n in why.items()]) if units else "")
            + "."
        ),
    }
