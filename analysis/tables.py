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
