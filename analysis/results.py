"""Every derived table the findings rest on. Each takes the loaded data (analysis/loaded.py)
as its first argument and is computed once per loaded data, and once per build. Chapters,
exhibits, the prose and the data package all read from here, so a figure, its CSV and the
sentence that quotes it cannot disagree."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import coding, corpus, indices, loaded, review, salience, synthesis, threats

# The one precision of every published number (data package, chart data, tables, prose):
# at most four decimal places, rounded here, where the derived tables are made, so that
# no byte of an exhibit depends on the last bits a CPU's floating-point kernels give.
DECIMALS = 4


def published(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every float column rounded to ``DECIMALS`` places."""
    floats = table.select_dtypes("float").columns
    return table.assign(**{column: table[column].round(DECIMALS) for column in floats})


def evidence_url(dimension: str, source_id: str, code: str | None = None) -> str:
    """Where the quotes behind a source (and code) are listed, relative to the book's
    chapter pages (book/): the evidence page of the code's dimension."""
    anchor = f"ev-{source_id}" + (f"-{code}" if code else "")
    return f"evidence/{dimension.replace('_', '-')}.html#{anchor}"


def pair_url(data, source_a: str, source_b: str) -> str:
    """The two sources side by side on the comparison page, relative to book/: each pair has
    one section, named by its sources in time order; a source with itself has none."""
    if source_a == source_b:
        return ""
    order = list(sources(data)["source_id"])
    return "compare.html#" + pair_anchor(*sorted((source_a, source_b), key=order.index))


def pair_anchor(earlier: str, later: str) -> str:
    """The id of a pair's section: ``pair-<source>-<source>``, the earlier source first."""
    return f"pair-{earlier}-{later}"


def reader_url(document_id: str, sentence_id: str | None = None, from_evidence: bool = False) -> str:
    """The sentence (or, with none, the top of the page) on its document's reader page,
    relative to book/ (or to book/evidence/)."""
    anchor = f"#{sentence_id}" if sentence_id else ""
    return ("../" if from_evidence else "") + f"reader/{document_id}.html{anchor}"


def save_derived(data, fingerprint: str) -> None:
    """Compute every derived table now, and save them for the pages' kernels under the
    ``fingerprint`` of the inputs they were read from (cli.inputs_fingerprint)."""
    for table in (sources, codes, annotations, quotes, items, document_words, salience_table, item_table):
        table(data)
    for unit in ("code", "item"):
        bootstrap(data, unit)
        threat_matrix(data, unit)
    for index_id in index_ids(data):
        index_table(data, index_id)
        sensitivity(data, index_id)
    for table in (topic_table, topic_bootstrap, convergence, similarity):
        table(data)
    loaded.save(data, fingerprint)


@loaded.table
def annotations(data) -> pd.DataFrame:
    """The project's annotations, validated, with their positions (coding.load_annotations)."""
    return coding.load_annotations(data)


@loaded.table
def sources(data) -> pd.DataFrame:
    return corpus.sources_frame(data)


@loaded.table
def codes(data) -> pd.DataFrame:
    return coding.codes(data)


@loaded.table
def quotes(data) -> pd.DataFrame:
    """Every annotation with its source and reading text, in document order."""
    return salience.evidence_quotes(data, annotations(data), sources(data), salience.body_ids(data))


@loaded.table
def items(data) -> pd.DataFrame:
    return coding.items(data)


@loaded.table
def document_words(data) -> dict[str, int]:
    return dict(zip(corpus.documents_frame(data)["document_id"], corpus.documents_frame(data)["words"], strict=True))


@loaded.table
def bootstrap(data, unit: str = "code") -> salience.Bootstrap:
    """The paragraph bootstrap of every code (or every threat item), seeded."""
    units = list((codes(data) if unit == "code" else items(data))[unit])
    coded = annotations(data)
    return salience.paragraph_bootstrap(
        coded[coded["sentence_id"].isin(salience.body_ids(data))],
        sources(data),
        salience.body_paragraphs(data),
        document_words(data),
        units,
        unit,
    )


REVIEWED, NOT_REVIEWED = "not raised (reviewed)", "not raised (not reviewed)"


def _reviewed(data, row, unit: str, reviews: dict) -> bool:
    """A cell's absence was reviewed; a threat family's, when each of its items' was."""
    if unit == "item":
        return (row.source_id, row.code, row.item) in reviews
    if row.dimension == coding.THREATS:
        members = items(data)[items(data)["code"] == row.code]["item"]
        return all((row.source_id, row.code, i) in reviews for i in members)
    return (row.source_id, row.code, "") in reviews


def _salience(data, unit: str) -> pd.DataFrame:
    units = codes(data) if unit == "code" else items(data)
    coded = annotations(data)
    if unit != "code":
        coded = coded[coded[unit] != ""]
    table = salience.salience(coded, sources(data), units, salience.body_ids(data), bootstrap(data, unit), unit)
    extra = [unit, "short"] + (["family"] if unit == "item" else [])
    table = table.merge(units[extra], on=unit, how="left")
    table = table.merge(salience.representative_quote(quotes(data), unit), on=["source_id", unit], how="left")
    table["evidence_url"] = [evidence_url(r.dimension, r.source_id, getattr(r, unit)) for r in table.itertuples()]
    table["stance_mix"] = [salience.stance_mix(r) for r in table.itertuples()]
    reviews = review.reviewed(data)
    table["absence"] = [
        "" if r.sentences else REVIEWED if _reviewed(data, r, unit, reviews) else NOT_REVIEWED
        for r in table.itertuples()
    ]
    table[["quote", "quote_stance", "document_id", "quote_sentence_id"]] = table[
        ["quote", "quote_stance", "document_id", "quote_sentence_id"]
    ].fillna("")
    table["paragraph"] = table["paragraph"].fillna(0).astype(int)
    return published(table)


@loaded.table
def salience_table(data) -> pd.DataFrame:
    """Salience of every code in every source, with its stance mix, one representative
    quote and the evidence link."""
    return _salience(data, "code")


@loaded.table
def item_table(data) -> pd.DataFrame:
    """Salience of every threat item in every source (threats at the item level)."""
    return _salience(data, "item")


def difference(data, a: tuple[str, str], b: tuple[str, str]) -> dict[str, float]:
    """share(a) − share(b), each a (source_id, code or item), as a share, with its
    bootstrap 95% interval (paired when both are of one source)."""
    level = "code" if a[1] in set(codes(data)["code"]) else "item"
    table = (salience_table(data) if level == "code" else item_table(data)).set_index(["source_id", level])
    share = table["sentences"] / table["body_sentences"]
    low, high = salience.difference(bootstrap(data, level), a, b)
    return {
        "difference": round(float(share[a] - share[b]), DECIMALS),
        "low": round(low, DECIMALS),
        "high": round(high, DECIMALS),
    }


def coded_sentences(data, dimension: str) -> pd.Series:
    """Per source (time order): non-heading sentences carrying at least one code of a dimension."""
    quotes_ = quotes(data)
    coded = quotes_[quotes_["dimension"] == dimension].drop_duplicates("sentence_id")
    counts = coded.groupby("source_id").size()
    return pd.Series({s: int(counts.get(s, 0)) for s in sources(data)["source_id"]})


def dimension_table(data, dimension: str) -> pd.DataFrame:
    return salience.dimension_salience(salience_table(data), dimension)


def indicator_scores(data, index_id: str) -> pd.DataFrame:
    return published(_indicator_scores(data, index_id))


@loaded.table
def _indicator_scores(data, index_id: str) -> pd.DataFrame:
    """Unrounded: the indices and their sensitivity are computed from these, and rounded after."""
    book = data.rubrics
    index = indices.index_rubric(index_id, book)
    scores = indices.indicator_scores(dimension_table(data, index["dimension"]), index, book)
    scores["evidence_url"] = [
        evidence_url(index["dimension"], r.source_id, r.codes.split()[0]) for r in scores.itertuples()
    ]
    reviews = review.reviewed(data)
    checked = [all((r.source_id, c, "") in reviews for c in r.codes.split()) for r in scores.itertuples()]
    scores["score_meaning"] = [
        f"{r.score_meaning} ({'reviewed' if done else 'not reviewed'})"
        if r.score_meaning == "Not raised"
        else r.score_meaning
        for r, done in zip(scores.itertuples(), checked, strict=True)
    ]
    return scores


def index_ids(data) -> list[str]:
    return [i["id"] for i in data.rubrics["indices"]]


@loaded.table
def index_table(data, index_id: str) -> pd.DataFrame:
    return published(indices.index_scores(_indicator_scores(data, index_id)))


@loaded.table
def sensitivity(data, index_id: str) -> dict[str, pd.DataFrame]:
    settings = data.rubrics["sensitivity"]
    found = indices.sensitivity(_indicator_scores(data, index_id), settings, offset=index_ids(data).index(index_id))
    return {name: published(table) for name, table in found.items()}


def rank_stability(data) -> pd.DataFrame:
    return pd.concat([sensitivity(data, i)["rank_stability"] for i in index_ids(data)], ignore_index=True)


def order_robustness(data) -> pd.DataFrame:
    return pd.concat([sensitivity(data, i)["pairs"] for i in index_ids(data)], ignore_index=True)


def equivalents(data, unit: str = "item") -> dict[str, list[str]]:
    """Per threat item (or family: its items' union), the enforcement codes that count as
    the same thing for 'first named' (codebook: ``enforcement_codes``)."""
    table = items(data)
    codes_of = {r.item: r.enforcement_codes.split() for r in table.itertuples()}
    if unit == "item":
        return codes_of
    return {family: sorted({c for i in group["item"] for c in codes_of[i]}) for family, group in table.groupby("code")}


@loaded.table
def threat_matrix(data, unit: str = "item") -> pd.DataFrame:
    """The threat picture per source at the item level (``unit="item"``) or by family (``"code"``)."""
    table = item_table(data) if unit == "item" else dimension_table(data, "threats")
    priorities = threats.prioritised(dimension_table(data, "enforcement"), equivalents(data, unit))
    return published(threats.threat_matrix(table, sources(data), unit, priorities))


@loaded.table
def topic_table(data) -> pd.DataFrame:
    """The topics the synthesis compares: every enforcement and harm-reduction code, and
    every named threat item (in place of the threat families), with ``code`` holding the
    topic's id, so threats enter the comparison at the level the threats chapter uses."""
    codes_ = salience_table(data)[salience_table(data)["dimension"] != coding.THREATS]
    topics = item_table(data).drop(columns=["code", "family"]).rename(columns={"item": "code"})
    return pd.concat([codes_, topics[codes_.columns]], ignore_index=True)


def topic_name(data, topic: str) -> str:
    """A topic (code or threat item) as running text names it: a code's short label with a
    lower-case first letter; an item's label (proper nouns kept)."""
    in_text = dict(zip(items(data)["item"], items(data)["in_text"], strict=True))
    if topic in in_text:
        return in_text[topic]
    short = codes(data).set_index("code").loc[topic, "short"]
    return short[0].lower() + short[1:]


@loaded.table
def topic_bootstrap(data) -> salience.Bootstrap:
    """The paragraph bootstrap of the topics: the code and item resamples share their
    paragraph draws (one seeded generator per document), so they can be put side by side."""
    by_code, by_item = bootstrap(data, "code"), bootstrap(data, "item")
    keep = [j for j, unit in enumerate(by_code.units) if unit in set(topic_table(data)["code"])]

    def joined(name: str) -> np.ndarray:
        return np.concatenate([getattr(by_code, name)[:, :, keep], getattr(by_item, name)], axis=2)

    units = tuple(by_code.units[j] for j in keep) + by_item.units
    return salience.Bootstrap(by_code.sources, units, joined("counts"), joined("shares"), joined("rates"))


@loaded.table
def convergence(data) -> pd.DataFrame:
    priorities = threats.prioritised(dimension_table(data, "enforcement"), equivalents(data, "item"))
    return published(synthesis.convergence(topic_table(data), priorities))


@loaded.table
def similarity(data) -> pd.DataFrame:
    """Every pair's cosine similarity over the topics, with its paragraph-bootstrap 95% interval."""
    table = synthesis.similarity(topic_table(data))
    boot = topic_bootstrap(data)
    intervals = [salience.interval(boot.cosine_draws(r.source_a_id, r.source_b_id)) for r in table.itertuples()]
    table["cosine_low"] = [low for low, _ in intervals]
    table["cosine_high"] = [high for _, high in intervals]
    table["evidence_url"] = [pair_url(data, r.source_a_id, r.source_b_id) for r in table.itertuples()]
    return published(table)


def cosine_difference(data, pair_a: tuple[str, str], pair_b: tuple[str, str]) -> dict[str, float]:
    """cosine(pair a) − cosine(pair b) with its bootstrap 95% interval (same resamples)."""
    boot = topic_bootstrap(data)
    low, high = salience.interval(boot.cosine_draws(*pair_a) - boot.cosine_draws(*pair_b))
    cosine = similarity(data).set_index(["source_a_id", "source_b_id"])["cosine"]
    return {
        "difference": round(float(cosine[pair_a] - cosine[pair_b]), DECIMALS),
        "low": round(low, DECIMALS),
        "high": round(high, DECIMALS),
    }


def quote_text(row) -> str:
    """A tooltip's evidence line: the quote, where it stands, its stance and code."""
    if not row.quote:
        return "—"
    return f"“{row.quote}” ({row.document_id} ¶{row.paragraph}, {row.quote_stance}; {row.short.lower()})"


def top_quote(data, dimension: str, source_id: str) -> str:
    """The representative quote of the source's most salient code in a dimension."""
    table = dimension_table(data, dimension)
    mine = table[table["source_id"] == source_id].sort_values("share", ascending=False, kind="stable")
    return quote_text(mine.iloc[0])


def shared_quote(data, source_a: str, source_b: str) -> str:
    """The first source's quote on the topic that adds most to the pair's similarity."""
    table = topic_table(data)
    wide = table.pivot(index="code", columns="source_id", values="share")
    product = (wide[source_a] * wide[source_b]).sort_values(ascending=False, kind="stable")
    if not len(product) or product.iloc[0] == 0:
        return "—"
    row = table[(table["source_id"] == source_a) & (table["code"] == product.index[0])].iloc[0]
    return quote_text(row)
