"""Publication tables: DataFrames with reader-facing column names, and their HTML."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML


def sources_table(documents: pd.DataFrame) -> pd.DataFrame:
    """The corpus at a glance: one row per document, dates marked stated or inferred."""
    return pd.DataFrame(
        {
            "Document": documents["document_id"],
            "Source": documents["source"],
            "Title": documents["title"],
            "Kind": documents["kind"],
            "Date": documents["date"] + " (" + documents["date_status"] + ")",
            "Words": documents["words"],
            "Sentences": documents["sentences"],
        }
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
    return pd.DataFrame(
        {
            "Dimension": [DIMENSION_LABELS[d] for d in grouped.groups],
            "Codes": grouped.size().to_list(),
            "Code labels": grouped["label"].apply("; ".join).to_list(),
        }
    )


def codebook_table(codes: pd.DataFrame, dimension: str) -> pd.DataFrame:
    rows = codes[codes["dimension"] == dimension]
    return pd.DataFrame(
        {
            "Code": rows["code"],
            "Label": rows["label"],
            "Definition": rows["definition"],
            "Include": rows["include"],
            "Exclude": rows["exclude"],
            "Example": "“" + rows["example_quote"] + "” (" + rows["example_document"] + ")",
            "Keywords": rows["keywords"],
        }
    )


def coverage_table(coverage: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Document": coverage["document_id"],
            "Sentences": coverage["sentences"],
            "Headings": coverage["headings"],
            "Coded sentences": coverage["coded"],
            "Share coded": coverage["share_coded"].map(_share),
            "Share of non-headings coded": coverage["share_of_non_headings_coded"].map(_share),
        }
    )


def sample_table(sample: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Document": sample["document_id"],
            "Sentences": sample["sentences"],
            "Sampled": sample["sampled"],
            "Share sampled": sample["share"].map(_share),
        }
    )


def reliability_table(reliability: pd.DataFrame) -> pd.DataFrame:
    dims = reliability[reliability["level"] == "dimension"]
    return pd.DataFrame(
        {
            "Dimension": dims["dimension"].map(DIMENSION_LABELS),
            "Sentences": dims["sentences"],
            "Units (sentence × code)": dims["units"],
            "Coded by first": dims["first_coder_positives"],
            "Coded by second": dims["second_coder_positives"],
            "Coded by both": dims["agreed_positives"],
            "α": dims["alpha"].map(_alpha),
            "Reading": dims["reading"],
            "Stance α (units)": dims["stance_alpha"].map(_alpha)
            + " ("
            + dims["stance_units"].astype(int).astype(str)
            + ")",
        }
    )


def code_reliability_table(reliability: pd.DataFrame, min_positives: int = 3) -> pd.DataFrame:
    """Per-code alpha, for codes that at least one coder used ``min_positives`` times in the sample."""
    rows = reliability[reliability["level"] == "code"]
    rows = rows[rows[["first_coder_positives", "second_coder_positives"]].max(axis=1) >= min_positives]
    return pd.DataFrame(
        {
            "Code": rows["code"],
            "Coded by first": rows["first_coder_positives"],
            "Coded by second": rows["second_coder_positives"],
            "Coded by both": rows["agreed_positives"],
            "α": rows["alpha"].map(_alpha),
            "Reading": rows["reading"],
        }
    )


def keyword_table(agreement: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Dimension": agreement["dimension"].map(DIMENSION_LABELS),
            "Human codes": agreement["human_codes"],
            "Keyword codes": agreement["keyword_codes"],
            "Both": agreement["true_positives"],
            "Precision": agreement["precision"].map(_share),
            "Recall": agreement["recall"].map(_share),
        }
    )


def errata_table() -> pd.DataFrame:
    from analysis import coding

    rows = coding.read_rows(coding.ERRATA)
    return pd.DataFrame(
        {
            "Document": [r["document_id"] for r in rows],
            "Text reads": [r["wrong"] for r in rows],
            "Read as": [r["reading"] for r in rows],
            "Why": [r["reason"] for r in rows],
        }
    )


def adjudication_table(summary: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Settled": summary["decision"], "Disagreements": summary["disagreements"]})


def html_list(items: list[str]) -> HTML:
    """An ordered HTML list with every item escaped."""
    import html

    return HTML("<ol>\n" + "\n".join(f"<li>{html.escape(item)}</li>" for item in items) + "\n</ol>")


def stances_table(book: dict) -> pd.DataFrame:
    return pd.DataFrame({"Stance": list(book["stances"]), "Meaning": list(book["stances"].values())})


def changelog_table(book: dict) -> pd.DataFrame:
    log = book["changelog"]
    return pd.DataFrame(
        {
            "Version": [c["version"] for c in log],
            "Date": [c["date"] for c in log],
            "Changes": [c["changes"] for c in log],
        }
    )


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
    return pd.DataFrame(
        {
            "Document": documents["document_id"],
            "Publisher": documents["publisher"],
            "Kind": documents["kind"],
            "Date": documents["date"],
            "Date is": documents["date_status"],
            "Basis": documents["date_basis"],
            "Event": documents["event"],
            "SHA-256": documents["sha256"].str.slice(0, 12) + "…",
        }
    )
