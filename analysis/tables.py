"""Publication tables: DataFrames with reader-facing column names, and their HTML."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML


def present(frame: pd.DataFrame, columns: dict) -> pd.DataFrame:
    """A reader-facing table: each label takes a column of ``frame`` by name, or a function of it."""
    return pd.DataFrame(
        {label: frame[source] if isinstance(source, str) else source(frame) for label, source in columns.items()}
    ).reset_index(drop=True)


def sources_table(documents: pd.DataFrame) -> pd.DataFrame:
    """The corpus at a glance: one row per document, dates marked stated or inferred."""
    return present(
        documents,
        {
            "Document": "document_id",
            "Source": "source",
            "Source url": lambda t: "profiles/" + t["source_id"] + ".html",
            "Title": "title",
            "Kind": "kind",
            "Date": lambda t: t["date"] + " (" + t["date_status"] + ")",
            "Words": "words",
            "Sentences": "sentences",
        },
    )


def html_table(table: pd.DataFrame, caption: str = "", table_id: str = "", name: str = "") -> HTML:
    """Accessible, deterministic HTML: column headers, text escaped, a ``<caption>`` when
    given. A column ``X url`` turns the cells of column ``X`` into links and is not shown.
    On a phone each row stacks into label: value lines (see book.css). The table sits in
    a keyboard-scrollable region named ``name`` (default: the caption)."""
    import html

    shown = [c for c in table.columns if not str(c).endswith(" url")]
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in shown)
    body = []
    for row in table.itertuples(index=False):
        values = dict(zip(table.columns, row, strict=True))
        cells = []
        for column in shown:
            text = html.escape(_cell(values[column]))
            url = values.get(f"{column} url")
            if isinstance(url, str) and url:
                text = f'<a href="{html.escape(url, quote=True)}">{text}</a>'
            cells.append(f'<td data-label="{html.escape(str(column), quote=True)}">{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    ident = f' id="table-{html.escape(table_id, quote=True)}"' if table_id else ""
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    name = html.escape(name or caption or "Table", quote=True)
    return HTML(
        f'<div class="table-scroll" role="region" aria-label="{name}" tabindex="0">'
        f'<table{ident} class="book-table">{title}'
        f"<thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(body) + "\n</tbody></table></div>"
    )


def _cell(value) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _alpha(value) -> str:
    return "not defined" if value is None or value != value else f"{value:.2f}"


def _share(value) -> str:
    """A share as a whole percentage, the book's one precision for shares."""
    return "not defined" if value is None or value != value else f"{value:.0%}"


DIMENSION_LABELS = {
    "enforcement": "Enforcement priorities",
    "harm_reduction": "Harm reduction",
    "threats": "Emerging threats",
}


def codebook_summary(codes: pd.DataFrame) -> pd.DataFrame:
    grouped = codes.groupby("dimension", sort=False)
    summary = pd.DataFrame({"dimension": list(grouped.groups), "codes": grouped.size().to_list()})
    summary["labels"] = grouped["label"].apply("; ".join).to_list()
    return present(
        summary,
        {"Dimension": lambda t: t["dimension"].map(DIMENSION_LABELS), "Codes": "codes", "Code labels": "labels"},
    )


def coverage_table(coverage: pd.DataFrame) -> pd.DataFrame:
    return present(
        coverage,
        {
            "Document": "document_id",
            "Sentences": "sentences",
            "Headings": "headings",
            "Coded sentences": "coded",
            "Share coded": lambda t: t["share_coded"].map(_share),
            "Share of non-headings coded": lambda t: t["share_of_non_headings_coded"].map(_share),
        },
    )


def sample_table(sample: pd.DataFrame) -> pd.DataFrame:
    return present(
        sample,
        {
            "Document": "document_id",
            "Sentences": "sentences",
            "Sampled": "sampled",
            "Share sampled": lambda t: t["share"].map(_share),
        },
    )


def reliability_table(reliability: pd.DataFrame) -> pd.DataFrame:
    """Alpha per dimension (and, where coded, on the threat items) for every round, newest first."""
    dims = reliability[reliability["level"] != "code"]
    return present(
        dims,
        {
            "Round": "round",
            "Dimension": lambda t: [
                DIMENSION_LABELS[d] + (": named items" if level == "items" else "")
                for d, level in zip(t["dimension"], t["level"], strict=True)
            ],
            "Sentences": "sentences",
            "Units (sentence × code)": "units",
            "Coded by first": "first_coder_positives",
            "Coded by second": "second_coder_positives",
            "Coded by both": "agreed_positives",
            "α": lambda t: t["alpha"].map(_alpha),
            "Reading": "reading",
            "Stance α (units)": lambda t: [
                "" if units is pd.NA else f"{_alpha(alpha)} ({units})"
                for alpha, units in zip(t["stance_alpha"], t["stance_units"], strict=True)
            ],
        },
    )


def code_reliability_table(reliability: pd.DataFrame, min_positives: int = 3) -> pd.DataFrame:
    """Per-code alpha of the latest round, for codes that at least one coder used
    ``min_positives`` times in the sample."""
    rows = reliability[(reliability["level"] == "code") & (reliability["round"] == reliability["round"].iloc[0])]
    rows = rows[rows[["first_coder_positives", "second_coder_positives"]].max(axis=1) >= min_positives]
    return present(
        rows,
        {
            "Code": "code",
            "Coded by first": "first_coder_positives",
            "Coded by second": "second_coder_positives",
            "Coded by both": "agreed_positives",
            "α": lambda t: t["alpha"].map(_alpha),
            "Reading": "reading",
        },
    )


def keyword_table(agreement: pd.DataFrame) -> pd.DataFrame:
    return present(
        agreement,
        {
            "Dimension": lambda t: t["dimension"].map(DIMENSION_LABELS),
            "Human codes": "human_codes",
            "Keyword codes": "keyword_codes",
            "Both": "true_positives",
            "Precision": lambda t: t["precision"].map(_share),
            "Recall": lambda t: t["recall"].map(_share),
        },
    )


def errata_table(data) -> pd.DataFrame:
    from analysis import coding

    errata = pd.DataFrame(data.rows(coding.ERRATA))
    return present(errata, {"Document": "document_id", "Text reads": "wrong", "Read as": "reading", "Why": "reason"})


def adjudication_table(summary: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Settled": summary["decision"], "Disagreements": summary["disagreements"]})


def _sentence_changes(frame: pd.DataFrame, old: str, new: str, why: str, from_appendix: bool) -> pd.DataFrame:
    """Changed codings, each sentence linked to its reader page."""
    from analysis import corpus, results

    prefix = "../" if from_appendix else ""
    return present(
        frame,
        {
            "Sentence": "sentence_id",
            "Sentence url": lambda t: [prefix + results.reader_url(corpus.document_of(s), s) for s in t["sentence_id"]],
            "Code": lambda t: [
                f"{c} ({i})" if i else c for c, i in zip(t["code"], t.get("item", [""] * len(t)), strict=True)
            ],
            "Was": old,
            "Now": new,
            "Why": why,
        },
    )


def audit_changes(audit: pd.DataFrame) -> pd.DataFrame:
    """The stance audit's changes: each sentence, code, old and new stance, and why (rule: reason)."""
    changed = audit[audit["new_stance"] != audit["old_stance"]]
    changed = changed.assign(why=changed["rule"] + ": " + changed["reason"])
    return _sentence_changes(changed, "old_stance", "new_stance", "why", from_appendix=False)


def review_summary(reviews: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Per source: 'not raised' cells reviewed, confirmed, and found missed."""
    from analysis import review

    label = dict(zip(sources["source_id"], sources["source"], strict=True))
    rows = []
    for source_id in sources["source_id"]:
        mine = reviews[reviews["source_id"] == source_id]
        rows.append(
            {
                "Source": label[source_id],
                "Cells reviewed": len(mine),
                "Not raised, confirmed": int((mine["decision"] == review.NOT_RAISED).sum()),
                "Missed, now coded": int((mine["decision"] == review.MISSED).sum()),
            }
        )
    return pd.DataFrame(rows)


KEY_FINDING = "key finding"


def edition_changes(changes: pd.DataFrame) -> pd.DataFrame:
    """The 'What changed' table: every score, ordering and threat list that differs from
    the previous edition (key findings, being prose, are listed apart)."""
    short = changes[changes["kind"] != KEY_FINDING]
    return present(short, {"Kind": "kind", "Finding": "what", "Was": "old", "Now": "new", "Why": "why"})


def key_finding_changes(changes: pd.DataFrame) -> HTML:
    """Each key finding that changed, old and new text one under the other (escaped)."""
    import html

    rows = changes[changes["kind"] == KEY_FINDING]
    items = [
        f"<dt>{html.escape(r.what.capitalize())}</dt><dd><p><strong>Was:</strong> {html.escape(r.old)}</p>"
        f"<p><strong>Now:</strong> {html.escape(r.new)}</p><p><em>Why:</em> {html.escape(r.why)}</p></dd>"
        for r in rows.itertuples()
    ]
    return HTML('<dl class="key-finding-changes">' + "".join(items) + "</dl>" if items else "<p>None.</p>")


def coding_changes(changes: pd.DataFrame) -> pd.DataFrame:
    """Every coded (sentence, code) that changed since the previous edition, and why."""
    return _sentence_changes(changes, "old", "new", "why", from_appendix=True)


def html_list(items: list[str]) -> HTML:
    """An ordered HTML list with every item escaped."""
    import html

    return HTML("<ol>\n" + "\n".join(f"<li>{html.escape(item)}</li>" for item in items) + "\n</ol>")


def stances_table(book: dict) -> pd.DataFrame:
    return pd.DataFrame({"Stance": list(book["stances"]), "Meaning": list(book["stances"].values())})


def changelog_table(book: dict) -> pd.DataFrame:
    return present(pd.DataFrame(book["changelog"]), {"Version": "version", "Date": "date", "Changes": "changes"})


def package_table(resources: dict) -> HTML:
    """The data package's files, each linked to its CSV (escaped; links are site-relative)."""
    import html

    rows = "\n".join(
        f'<tr><td><a href="../../datapackage/{name}.csv">{name}.csv</a></td><td>{len(table):,}</td>'
        f"<td>{html.escape(description)}</td></tr>"
        for name, (table, _key, description) in resources.items()
    )
    return HTML(
        '<table class="book-table"><caption>Files of the data package</caption>'
        "<thead><tr><th>File</th><th>Rows</th><th>Contents</th></tr></thead>"
        f"<tbody>\n{rows}\n</tbody></table>"
    )


def provenance_table(documents: pd.DataFrame) -> pd.DataFrame:
    return present(
        documents,
        {
            "Document": "document_id",
            "Publisher": "publisher",
            "Kind": "kind",
            "Date": "date",
            "Date is": "date_status",
            "Basis": "date_basis",
            "Event": "event",
            "SHA-256": lambda t: t["sha256"].str.slice(0, 12) + "…",
        },
    )


def codebook_cards(book: dict, dimension: str) -> HTML:
    """Each code of a dimension as a card with a permanent anchor (#code-<id>); a threats
    code's named items as cards beneath it (#item-<id>). All text escaped."""
    import html

    def items(rules):
        return "<ul>" + "".join(f"<li>{html.escape(rule)}</li>" for rule in rules) + "</ul>"

    def card(entry: dict, anchor: str, extra: str = "") -> str:
        example = entry["example"]
        same = entry.get("enforcement_codes", [])
        equivalent = (
            f"<dt>Same thing as</dt><dd>{html.escape(', '.join(same))} (for 'first named')</dd>" if same else ""
        )
        return (
            f'<div class="code-card" id="{anchor}">'
            f'<p class="code-title"><a href="#{anchor}">{html.escape(entry["id"])}</a>: '
            f"{html.escape(entry['label'])}</p><dl>"
            f"<dt>Definition</dt><dd>{html.escape(entry['definition'])}</dd>"
            f"<dt>Include</dt><dd>{items(entry['include'])}</dd>"
            f"<dt>Exclude</dt><dd>{items(entry['exclude'])}</dd>"
            f"<dt>Example</dt><dd>“{html.escape(example['quote'])}” ({html.escape(example['document'])})</dd>"
            f"<dt>Keywords</dt><dd>{html.escape('; '.join(entry['keywords']))}</dd>{equivalent}"
            f"</dl>{extra}</div>"
        )

    (dim,) = [d for d in book["dimensions"] if d["id"] == dimension]
    cards = []
    for code in dim["codes"]:
        members = "".join(card(item, f"item-{item['id']}") for item in code.get("items", []))
        extra = f'<div class="code-items"><p class="code-items-title">Named items</p>{members}</div>' if members else ""
        cards.append(card(code, f"code-{code['id']}", extra))
    return HTML("\n".join(cards))


# --- findings tables: one builder per table label (tbl-<name> is made by <name>) ---------


def salience_cell(row) -> str:
    """'20% (25 sentences: 13 endorse, 5 describe, 7 question)', or how a silence was checked."""
    if row.sentences:
        return f"{_share(row.share)} ({row.stance_mix})"
    return getattr(row, "absence", "") or "not raised"


def threat_cell(row) -> str:
    """A threat cell; a source that names it only as an enforcement priority says so."""
    from analysis import threats

    if not row.sentences and row.named_as == threats.AS_PRIORITY:
        return "not raised as a threat; an enforcement priority"
    return salience_cell(row)


def _first_named(first: pd.DataFrame) -> list[str]:
    from analysis import threats

    return [threats.first_named_text(r) for r in first.itertuples()]


def _wide(table: pd.DataFrame, row_key: str, row_label: str, cell, url_column: str = "evidence_url") -> pd.DataFrame:
    """Rows per ``row_key``, one column per source (time order) with its link column
    (the columns stay when no row qualifies, so an empty table still has its header)."""
    sources = list(dict.fromkeys(table["source"]))
    columns = [row_label, *[name for source in sources for name in (source, f"{source} url")]]
    rows = []
    for _key, group in table.groupby(row_key, sort=False):
        by_source = {r.source: r for r in group.itertuples()}
        row = {row_label: getattr(group.iloc[0], "short", "") or group.iloc[0][row_key]}
        for source in sources:
            found = by_source.get(source)
            row[source] = cell(found) if found is not None else "not raised"
            row[f"{source} url"] = getattr(found, url_column, "") if found is not None else ""
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def enforcement_grid(table: pd.DataFrame) -> pd.DataFrame:
    """The heatmap as a table: share of sentences (count) for every priority and source, each linked to its quotes."""
    return _wide(table, "code", "Priority", salience_cell)


def enforcement_top(table: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """tbl-enforcement-top: each source's most salient priorities, ties sharing their rank
    ('3='), with how their sentences split by stance."""
    rows = []
    for source, group in table.groupby("source", sort=False):
        raised = group[group["sentences"] > 0].sort_values("sentences", ascending=False, kind="stable")
        rank = {r.code: 1 + int((raised["sentences"] > r.sentences).sum()) for r in raised.itertuples()}
        tied = raised["sentences"].value_counts()
        for r in raised[raised["code"].map(rank) <= top].itertuples():
            rows.append(
                {
                    "Source": source,
                    "Rank": f"{rank[r.code]}=" if tied[r.sentences] > 1 else str(rank[r.code]),
                    "Priority": r.label,
                    "Priority url": r.evidence_url,
                    "Share of sentences (95% interval)": (
                        f"{_share(r.share)} ({_share(r.share_low)}–{_share(r.share_high)})"
                    ),
                    "Sentences and stances": r.stance_mix,
                    "Per 1,000 words": f"{r.per_1000_words:.1f}",
                }
            )
    return pd.DataFrame(rows)


def index_levels(book: dict) -> pd.DataFrame:
    """tbl-index-levels: what each indicator score means, and the questions rule."""
    rows = [{"Score": str(level["score"]), "Meaning": level["meaning"]} for level in book["levels"]]
    rows.append({"Score": f"−{book['questions_penalty']} (adjustment)", "Meaning": book["questions_rule"]})
    return pd.DataFrame(rows)


def index_rubric(index: dict, codes: pd.DataFrame) -> pd.DataFrame:
    """tbl-hr-rubric and tbl-enforcement-rubric: the indicators of an index, their codes and weights."""
    label = dict(zip(codes["code"], codes["label"], strict=True))
    total = sum(i["weight"] for i in index["indicators"])
    return pd.DataFrame(
        [
            {
                "Indicator": i["label"],
                "Codes": "; ".join(label[c] for c in i["codes"]),
                "Codes url": f"appendix/codebook.html#code-{i['codes'][0]}",
                "Weight": i["weight"],
                "Share of the index": f"{i['weight']} of {total} ({i['weight'] / total:.1%})",
            }
            for i in index["indicators"]
        ]
    )


def index_scores_grid(scores: pd.DataFrame) -> pd.DataFrame:
    """tbl-hr-scores and tbl-enforcement-scores: every indicator's score per source, each linked to its quotes."""
    table = scores.rename(columns={"indicator_label": "short"})
    return _wide(
        table, "indicator", "Indicator", lambda r: f"{r.score}: {r.score_meaning[0].lower()}{r.score_meaning[1:]}"
    )


def rank_stability(table: pd.DataFrame) -> pd.DataFrame:
    """tbl-rank-stability: share of random weightings in which each source holds each rank."""
    wide = table.pivot_table(
        index=["index_label", "rule_label", "source"], columns="rank", values="share", sort=False
    ).reset_index()
    out = pd.DataFrame({"Index": wide["index_label"], "Rule": wide["rule_label"], "Source": wide["source"]})
    for rank in sorted(c for c in wide.columns if isinstance(c, int | float) and not isinstance(c, bool)):
        out[f"Rank {rank}"] = wide[rank].map(lambda v: "–" if v == 0 else f"{v:.0%}")
    out["Source url"] = list(table.drop_duplicates(["index_label", "rule_label", "source"])["evidence_url"])
    return out


def order_robustness(pairs: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """tbl-order-robustness: for each pair of sources, how often the higher stays higher
    under each scoring rule (the chapter says in words what a fragile ordering rests on)."""
    out = pd.DataFrame(
        {
            "Index": pairs["index_label"],
            "Higher": pairs["higher"],
            "Higher url": pairs["higher_url"],
            "Lower": pairs["lower"],
            "Lower url": pairs["lower_url"],
        }
    )
    for rule in settings["rules"]:
        out[f"Higher in (% of weightings), {rule['label'].lower()}"] = pairs[f"share_{rule['id']}"].map(
            lambda v: f"{v:.1%}"
        )
    out["Robust"] = pairs["robust"].map({True: "robust", False: "not robust"})
    return out


def index_rules(table: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """tbl-index-rules: each index per source under the published weights and every scoring rule."""
    out = pd.DataFrame({"Index": table["index_label"], "Source": table["source"], "Source url": table["evidence_url"]})
    for rule in settings["rules"]:
        if rule.get("kind") == "salience":
            out[f"{rule['label']} (net % of sentences)"] = table["salience_score"].map(lambda v: f"{v:.1f}")
        else:
            column = "score" if rule["id"] == "presence" else f"score_{rule['id']}"
            out[f"{rule['label']} (0–100)"] = table[column].map(lambda v: f"{v:.0f}")
    return out


def threat_matrix(matrix: pd.DataFrame) -> pd.DataFrame:
    """tbl-threat-matrix: each named threat item by source, with its family, the year and
    source that first name it (as a threat or as an enforcement priority) and its pattern."""
    grid = _wide(matrix, "item", "Threat", threat_cell)
    first = matrix.drop_duplicates("item")
    grid.insert(1, "Family", list(first["family"]))
    grid.insert(2, "First named", _first_named(first))
    grid.insert(3, "Pattern", list(first["pattern"]))
    return grid


def threat_families(matrix: pd.DataFrame) -> pd.DataFrame:
    """tbl-threat-families: the threat families by source, the summary of the items."""
    grid = _wide(matrix, "code", "Family", threat_cell)
    first = matrix.drop_duplicates("code")
    grid.insert(1, "First named", _first_named(first))
    grid.insert(2, "Pattern", list(first["pattern"]))
    return grid


def convergence(table: pd.DataFrame) -> pd.DataFrame:
    """tbl-convergence: one row per theme the sources share, contest, or leave to one source."""
    grid = _wide(table, "code", "Theme", salience_cell)
    first = table.drop_duplicates("code")
    grid.insert(1, "Question", list(first["dimension_label"]))
    grid.insert(2, "Pattern", list(first["pattern"]))
    return grid


def similarity_pairs(table: pd.DataFrame) -> pd.DataFrame:
    """The similarity chart as a table: each pair once, linked to the codes and quotes they share."""
    return pd.DataFrame(
        {
            "Source": table["source_a"],
            "Compared with": table["source_b"],
            "Cosine similarity": table["cosine"].map(lambda v: f"{v:.2f}"),
            "95% interval": [
                f"{lo:.2f}–{hi:.2f}" for lo, hi in zip(table["cosine_low"], table["cosine_high"], strict=True)
            ],
            "Cosine similarity url": table["evidence_url"],
            "Topics both raise": table["codes_both"],
            "Topics only the first raises": table["codes_a_only"],
            "Topics only the second raises": table["codes_b_only"],
        }
    )


def index_map(table: pd.DataFrame) -> pd.DataFrame:
    """The index chart as a table: both indices per source, with their ranges under random weightings."""
    return pd.DataFrame(
        {
            "Source": table["source"],
            "Source url": table["evidence_url"],
            "Harm-reduction index": table["y_text"],
            "Enforcement-orientation index": table["x_text"],
        }
    )
