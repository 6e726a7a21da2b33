"""Every name the book's prose glues, written once, with the function that makes its value.

A page glues what it uses: ``glue_page(data, "enforcement.md")`` reads the page's
``{glue:text}`` roles and ``{glue}`` blocks and glues exactly those names, from
``GLUED``. So ``grep -rn '"enf_codes"' analysis/`` finds the one line that says where
a number in the prose comes from (figures and tables are glued by ``exhibits``).
A producer that makes several values (``findings.enforcement``) is run once per page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from analysis import citation, coding, corpus, findings, measures, quotes, results, review
from analysis.loaded import Loaded
from analysis.paths import ROOT


class Part:
    """A value taken from a producer's dict (``path`` are its keys, nested)."""

    def __init__(self, producer: Callable[[Loaded], dict], *path: str):
        self.producer, self.path = producer, path

    def __call__(self, data: Loaded, made: dict | None = None) -> object:
        made = {} if made is None else made
        if self.producer not in made:
            made[self.producer] = self.producer(data)
        value = made[self.producer]
        for key in self.path:
            value = value[key]
        return value


def _corpus(data) -> dict:
    return measures.corpus_summary(corpus.documents_frame(data))


def _method(data) -> dict:
    """The method chapter's numbers, from the same inputs as its tables."""
    documents = corpus.documents_frame(data)
    annotations = results.annotations(data)
    codes = coding.codes(data)
    return measures.method_figures(
        measures.coverage(data, annotations),
        measures.reliability_results(data),
        measures.keyword_agreement(measures.keyword_coding(data, codes), annotations, codes),
        measures.sample_sizes(data, documents),
        measures.adjudication_summary(data),
    )


def _uncertainty(data) -> dict:
    return measures.uncertainty_figures(results.salience_table(data))


def _changes(data) -> dict:
    from analysis import editions

    return editions.change_figures(data, *editions.what_changed(data))


def _review(data) -> dict:
    return review.figures(data)


def _doi(data) -> str:
    doi = citation.doi(citation.book(data))
    return f"its DOI is {doi}" if doi else "no DOI has been minted for it yet"


_idx = findings.indices_figures

GLUED: dict[str, Callable[..., object]] = {
    # The corpus (measures.corpus_summary)
    "n_sources": Part(_corpus, "sources"),
    "n_documents": Part(_corpus, "documents"),
    "n_words": Part(_corpus, "words"),
    "n_sentences": Part(_corpus, "sentences"),
    "first_year": Part(_corpus, "first"),
    "last_year": Part(_corpus, "last"),
    # Why shares, not counts (findings.length_figures)
    "min_doc_words": Part(findings.length_figures, "min_doc"),
    "max_doc_words": Part(findings.length_figures, "max_doc"),
    "doc_length_ratio": Part(findings.length_figures, "doc_ratio"),
    "source_length_ratio": Part(findings.length_figures, "source_ratio"),
    "length_order": Part(findings.length_figures, "by_length"),
    "raw_count_order": Part(findings.length_figures, "by_count"),
    "raw_length_correlation": Part(findings.length_figures, "rho"),
    "raw_reading": Part(findings.length_figures, "reading"),
    "source_genres": Part(findings.length_figures, "genres"),
    "pooled_sources": Part(findings.length_figures, "pooled"),
    # Enforcement priorities (findings.enforcement)
    "enf_codes": Part(findings.enforcement, "codes"),
    "enf_sources": Part(findings.enforcement, "sources"),
    "enf_shared_n": Part(findings.enforcement, "shared_n"),
    "enf_shared": Part(findings.enforcement, "shared"),
    "enf_leader_list": Part(findings.enforcement, "leaders"),
    "enf_leader_codes": Part(findings.enforcement, "leader_codes"),
    "enf_single": Part(findings.enforcement, "single"),
    "enf_questioned": Part(findings.enforcement, "questioned"),
    "enf_silent": Part(findings.enforcement, "silent"),
    # The indices and their robustness (findings.indices_figures)
    "draws": Part(_idx, "draw_count"),
    "seed": Part(_idx, "seed_value"),
    "robust_share": Part(_idx, "firm_share"),
    "n_rules": Part(_idx, "rule_count"),
    "scoring_rules": Part(_idx, "rules"),
    "harm_reduction_ranking": Part(_idx, "by_index", "harm_reduction", "ranking"),
    "harm_reduction_robust": Part(_idx, "by_index", "harm_reduction", "robust"),
    "harm_reduction_robust_n": Part(_idx, "by_index", "harm_reduction", "robust_n"),
    "harm_reduction_dependencies": Part(_idx, "by_index", "harm_reduction", "dependencies"),
    "harm_reduction_indicators": Part(_idx, "by_index", "harm_reduction", "indicator_count"),
    "harm_reduction_top_first": Part(_idx, "by_index", "harm_reduction", "top_first"),
    "enforcement_ranking": Part(_idx, "by_index", "enforcement", "ranking"),
    "enforcement_robust": Part(_idx, "by_index", "enforcement", "robust"),
    "enforcement_robust_n": Part(_idx, "by_index", "enforcement", "robust_n"),
    "enforcement_dependencies": Part(_idx, "by_index", "enforcement", "dependencies"),
    "enforcement_indicators": Part(_idx, "by_index", "enforcement", "indicator_count"),
    "enforcement_top_first": Part(_idx, "by_index", "enforcement", "top_first"),
    # Threats (findings_threats.threat_figures)
    "thr_items": Part(findings.threat_figures, "items"),
    "thr_families": Part(findings.threat_figures, "families"),
    "latest_source": Part(findings.threat_figures, "latest"),
    "latest_year": Part(findings.threat_figures, "year_latest"),
    "earliest_year": Part(findings.threat_figures, "year_earliest"),
    "thr_new": Part(findings.threat_figures, "new"),
    "thr_new_sentences": Part(findings.threat_figures, "new_sentences"),
    "thr_persistent": Part(findings.threat_figures, "persistent"),
    "thr_early": Part(findings.threat_figures, "early"),
    "thr_family_summary": Part(findings.threat_figures, "family_summary"),
    "thr_first_by_year": Part(findings.threat_figures, "first_by_year"),
    "thr_via_priority": Part(findings.threat_figures, "via_priority"),
    "thr_equivalents": Part(findings.threat_figures, "equivalents"),
    # Synthesis (findings.synthesis_figures)
    "syn_shared_n": Part(findings.synthesis_figures, "shared_n"),
    "syn_contested": Part(findings.synthesis_figures, "contested"),
    "syn_distinct": Part(findings.synthesis_figures, "distinct"),
    "sim_high": Part(findings.synthesis_figures, "high"),
    "sim_low": Part(findings.synthesis_figures, "low"),
    "sim_reading": Part(findings.synthesis_figures, "reading"),
    # The introduction's key findings (findings.key_findings)
    "kf_enforcement": Part(findings.key_findings, "enforcement"),
    "kf_harm_reduction": Part(findings.key_findings, "harm_reduction"),
    "kf_enforcement_index": Part(findings.key_findings, "enforcement_index"),
    "kf_threats": Part(findings.key_findings, "threats"),
    "kf_similarity": Part(findings.key_findings, "similarity"),
    # The quotes behind the findings (quotes)
    "quotes_enforcement_leaders": lambda data: quotes.finding(data, quotes.enforcement_leaders),
    "quotes_enforcement_shared": lambda data: quotes.finding(data, quotes.enforcement_shared),
    "quotes_harm_reduction": lambda data: quotes.finding(data, lambda d: quotes.index_leaders(d, "harm_reduction")),
    "quotes_enforcement_index": lambda data: quotes.finding(data, lambda d: quotes.index_leaders(d, "enforcement")),
    "quotes_new_threats": lambda data: quotes.finding(data, quotes.new_threats),
    "quotes_most_alike": lambda data: quotes.finding(data, quotes.most_alike),
    "quotes_shared_theme": lambda data: quotes.finding(data, quotes.shared_theme),
    # Method: sample, coverage, reliability, keyword coder (measures.method_figures)
    "sample_sentences": Part(_method, "sampled"),
    "sample_share": Part(_method, "sampled_share"),
    "sample_min_share": Part(_method, "sampled_min_share"),
    "coded_sentences": Part(_method, "coded"),
    "coded_share": Part(_method, "coded_fraction"),
    "disagreements": Part(_method, "disagreement_count"),
    "alpha_items": Part(_method, "items_alpha"),
    "alpha_enforcement": Part(_method, "alpha", "enforcement"),
    "alpha_harm_reduction": Part(_method, "alpha", "harm_reduction"),
    "alpha_threats": Part(_method, "alpha", "threats"),
    "stance_alpha_enforcement": Part(_method, "stance", "enforcement"),
    "stance_alpha_harm_reduction": Part(_method, "stance", "harm_reduction"),
    "stance_alpha_threats": Part(_method, "stance", "threats"),
    "alpha_round1_enforcement": Part(_method, "first_round", "enforcement"),
    "alpha_round1_harm_reduction": Part(_method, "first_round", "harm_reduction"),
    "alpha_round1_threats": Part(_method, "first_round", "threats"),
    "keyword_precision_enforcement": Part(_method, "precision", "enforcement"),
    "keyword_precision_harm_reduction": Part(_method, "precision", "harm_reduction"),
    "keyword_precision_threats": Part(_method, "precision", "threats"),
    "keyword_recall_enforcement": Part(_method, "recall", "enforcement"),
    "keyword_recall_harm_reduction": Part(_method, "recall", "harm_reduction"),
    "keyword_recall_threats": Part(_method, "recall", "threats"),
    # Method: the audit and the review of "not raised" cells (review.figures)
    "audit_checked": Part(_review, "checked"),
    "audit_changed": Part(_review, "changed"),
    "audit_implements": Part(_review, "implements"),
    "audit_hr_endorses": Part(_review, "hr_endorses"),
    "audit_contrast_words": Part(_review, "contrast_words"),
    "audit_contrasts": Part(_review, "contrasts"),
    "audit_auditors_differed": Part(_review, "auditors_differed"),
    "review_cells": Part(_review, "cells"),
    "review_missed": Part(_review, "missed"),
    "review_confirmed": Part(_review, "confirmed"),
    # Method: the bootstrap (measures.uncertainty_figures)
    "boot_draws": Part(_uncertainty, "bootstrap_draws"),
    "boot_seed": Part(_uncertainty, "bootstrap_seed"),
    "deff_cells": Part(_uncertainty, "cells"),
    "deff_median": Part(_uncertainty, "median"),
    "deff_low": Part(_uncertainty, "low"),
    "deff_high": Part(_uncertainty, "high"),
    "deff_above_one": Part(_uncertainty, "above_one"),
    # What changed since the last edition (editions.change_figures)
    "edition_now": Part(_changes, "now"),
    "edition_before": Part(_changes, "before"),
    "changes_summary": Part(_changes, "changes"),
    "recoded_summary": Part(_changes, "recoded"),
    # How to cite, the codebook, the data
    "book_version": lambda data: citation.book(data)["version"],
    "book_released": lambda data: str(citation.book(data)["date-released"]),
    "book_doi": _doi,
    "codebook_version": lambda data: data.codebook["version"],
    "codebook_date": lambda data: data.codebook["date"],
    "decimals": lambda data: results.DECIMALS,
}

# {glue:text}`name`, {glue}`name:format` and a ```{glue} name block; not {glue:figure}.
_USED = re.compile(r"\{glue(?::text)?\}`([^`:]+)[^`]*`|^[ \t]*(?:```|:::)\{glue\}[ \t]+(\S+)", re.M)


def used(text: str) -> list[str]:
    """The glued names a page's text uses, in order of first use."""
    return list(dict.fromkeys(a or b for a, b in _USED.findall(text)))


def value(data: Loaded, name: str, made: dict | None = None) -> object:
    """A glued name's value; ``made`` keeps producers' results across names."""
    make = GLUED[name]
    return make(data, made) if isinstance(make, Part) else make(data)


def glue_page(data: Loaded, page: str) -> None:
    """Glue every name a page of the book (a path under book/) uses, each made once."""
    from myst_nb import glue

    made: dict = {}
    for name in used((ROOT / "book" / page).read_text(encoding="utf-8")):
        glue(name, value(data, name, made), display=False)
