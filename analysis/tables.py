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
            "Title": "title",
            "Kind": "kind",
            "Date": lambda t: t["date"] + " (" + t["date_status"] + ")",
            "Words": "words",
            "Sentences": "sentences",
        },
    )


def html_table(table: pd.DataFrame, caption: str, table_id: str) -> HTML:
    """Accessible, deterministic HTML: a caption, column headers only, text escaped."""
    styler = (
        table.style.hide(axis="index")
        .set_caption(caption)
        .set_uuid(table_id)
        .format(thousands=",", escape="html")
        .set_table_attributes('class="book-table"')
    )
    return HTML(styler.to_html())


def _alpha(value) -> str:
    return "not defined" if value is None or value != value else f"{value:.2f}"


def _share(value) -> str:
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
    dims = reliability[reliability["level"] == "dimension"]
    return present(
        dims,
        {
            "Dimension": lambda t: t["dimension"].map(DIMENSION_LABELS),
            "Sentences": "sentences",
            "Units (sentence × code)": "units",
            "Coded by first": "first_coder_positives",
            "Coded by second": "second_coder_positives",
            "Coded by both": "agreed_positives",
            "α": lambda t: t["alpha"].map(_alpha),
            "Reading": "reading",
            "Stance α (units)": lambda t: (
                t["stance_alpha"].map(_alpha) + " (" + t["stance_units"].astype(int).astype(str) + ")"
            ),
        },
    )


def code_reliability_table(reliability: pd.DataFrame, min_positives: int = 3) -> pd.DataFrame:
    """Per-code alpha, for codes that at least one coder used ``min_positives`` times in the sample."""
    rows = reliability[reliability["level"] == "code"]
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


def errata_table() -> pd.DataFrame:
    from analysis import coding

    errata = pd.DataFrame(coding.read_rows(coding.ERRATA))
    return present(errata, {"Document": "document_id", "Text reads": "wrong", "Read as": "reading", "Why": "reason"})


def adjudication_table(summary: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Settled": summary["decision"], "Disagreements": summary["disagreements"]})


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
    """Each code of a dimension as a card with a permanent anchor (#code-<id>); all text escaped."""
    import html

    (dim,) = [d for d in book["dimensions"] if d["id"] == dimension]
    cards = []
    for code in dim["codes"]:

        def items(rules):
            return "<ul>" + "".join(f"<li>{html.escape(rule)}</li>" for rule in rules) + "</ul>"

        example = code["example"]
        cards.append(
            f'<div class="code-card" id="code-{code["id"]}">'
            f'<p class="code-title"><a href="#code-{code["id"]}">{html.escape(code["id"])}</a>: '
            f"{html.escape(code['label'])}</p><dl>"
            f"<dt>Definition</dt><dd>{html.escape(code['definition'])}</dd>"
            f"<dt>Include</dt><dd>{items(code['include'])}</dd>"
            f"<dt>Exclude</dt><dd>{items(code['exclude'])}</dd>"
            f"<dt>Example</dt><dd>“{html.escape(example['quote'])}” ({html.escape(example['document'])})</dd>"
            f"<dt>Keywords</dt><dd>{html.escape('; '.join(code['keywords']))}</dd>"
            "</dl></div>"
        )
    return HTML("\n".join(cards))
