"""The article's nearest row: what a row lacking a field (a date, a place, an admin1, a side) takes it from.

An article tells its events in order, and a later sentence leaves out what an earlier one named: the row nearest
before it (else the first after it) is the one it continues.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Row = dict[str, Any]


def nearest_row(rows: list[Row], start: int) -> Row | None:
    """The row of ``rows`` nearest before ``start`` (by ``char_start``; the earlier listed of equals), else the
    first after it; None when ``rows`` is empty."""
    before = [r for r in rows if r["char_start"] <= start]
    if before:
        return max(before, key=lambda r: r["char_start"])
    return min(rows, key=lambda r: r["char_start"], default=None)


def fill_from_nearest(rows: list[Row], lacks: Callable[[Row], bool], gives: Callable[[Row, Row], bool],
                      fill: Callable[[Row, Row | None], Row]) -> list[Row]:
    """``rows`` (one article's) with each row that ``lacks`` a field replaced by ``fill(row, ref)`` (a new dict,
    or the row itself when nothing fills it): ``ref`` is the ``nearest_row`` among the asserted rows of ``rows``
    that ``gives(donor, row)``, None when there is none. Rows filled here are not donors."""
    asserted = [d for d in rows if d["modality"] == "asserted"]
    return [fill(r, nearest_row([d for d in asserted if gives(d, r)], r["char_start"])) if lacks(r) else r
            for r in rows]
