"""Plain words for the findings: how a list, a share, an interval or a gap between two
shares reads in a sentence, and the glued pieces (a phrase, a list) that carry them."""

from __future__ import annotations


class Phrase:
    """A piece of prose for ``{glue:text}``: shown as is (a str would be shown by its repr)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


class Bullets:
    """A list for a ``{glue}`` block: an HTML list (escaped), plain lines as text."""

    def __init__(self, items: list[str], empty: str = "None."):
        self.items = list(items) or [empty]

    def __repr__(self) -> str:
        return "\n".join(f"- {item}" for item in self.items)

    def _repr_html_(self) -> str:
        import html

        return '<ul class="glued-list">' + "".join(f"<li>{html.escape(i)}</li>" for i in self.items) + "</ul>"


def join(items: list[str], empty: str = "none") -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if not items:
        return empty
    if len(items) == 1:
        return items[0]
    separator = "; " if any(" and " in item or "," in item for item in items) else ", "
    last = "; and " if separator == "; " else " and "
    return separator.join(items[:-1]) + last + items[-1]


def percent(value: float) -> str:
    return f"{value:.0%}"


def share_with_interval(row) -> str:
    return f"{percent(row.share)}, 95% interval {row.share_low * 100:.0f}–{percent(row.share_high)}"


def sentences(n: int) -> str:
    return f"{n} sentence" + ("" if n == 1 else "s")


def clear(d: dict) -> bool:
    """Whether a difference's 95% interval excludes zero."""
    return d["low"] > 0 or d["high"] < 0


def _points(value: float) -> str:
    """A share difference in percentage points: whole points, or one significant digit
    below one point, so a bound just above zero never reads as 0."""
    points = value * 100
    text = f"{points:.1g}" if 0 < abs(points) < 1 else f"{points:.0f}"
    return text.replace("-", "−")


def gap(d: dict) -> str:
    """A difference of two shares in plain words, with its 95% interval in percentage points."""
    interval = f"95% interval {_points(d['low'])} to {_points(d['high'])}"
    size = f"a gap of {_points(abs(d['difference']))} percentage points"
    return f"{size} ({interval})" if clear(d) else f"{size}, too small to be sure it is real ({interval})"


def not_supporting(row) -> str:
    """'12 of the 25 question or only describe it', when a third or more of a cell's
    sentences do not support it; otherwise empty."""
    other = row.describes + row.questions
    if not row.sentences or 3 * other < row.sentences:
        return ""
    verb = (
        "are sceptical or neutral"
        if row.describes and row.questions
        else "are sceptical"
        if row.questions
        else "are neutral"
    )
    return f"{other} of its {row.sentences} sentences on it {verb}"


def join_groups(groups: list[str], empty: str = "none") -> str:
    """Clauses that contain 'and' themselves: 'a and b, and c and d'."""
    if len(groups) == 2:
        return f"{groups[0]}, and {groups[1]}"
    return join(groups, empty)
