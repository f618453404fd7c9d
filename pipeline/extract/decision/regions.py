"""The admin1 of a kept event whose place is known only to its country, from the article's other events.

An event row geocoded no finer than its country (a village the gazetteer does not know, «شمال مالي», no place
in the sentence) takes the admin1 of the article's nearest asserted row before it (else the first after it) in
the same country that has one: an article's events mostly lie in one region. Out of fold on train +
train_blind this raised admin1 accuracy over matched pairs 0.728 -> 0.753 (F1 unchanged). Coordinates and
geo_precision stay: they still stand for the country (or nothing).

A statement gets no admin1 (``statements_unplaced``), neither its place's nor another event's.
"""

from __future__ import annotations

from typing import Any

from pipeline.extract.decision.nearest import fill_from_nearest

_COARSE = (None, "country")
_UNPLACED = frozenset({"statement"})
"""Types coded with no admin1: on train + train_blind the gold sets give 88 of 118 statements none (most of the
rest the dateline's capital, which other statements of the same kind do not get: «الرياض – أعلنت قيادة التحالف
...» is coded both ways). A statement is issued, not fought, somewhere: the place its sentence or the dateline
names is where it was issued or what it is about. Talks and deals keep theirs (most are coded at it:
``components.place``)."""


def statements_unplaced(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` (one article's) with no admin1 nor admin2 for the rows of an ``_UNPLACED`` type (new dicts for the
    rows changed). The place stays as read (location text, precision, coordinates, GeoNames id: where the
    statement was issued or what it names, which the evidence step's merge features read)."""
    return [dict(r, admin1=None, admin2=None) if r["action_type"] in _UNPLACED and (r.get("admin1") or r.get("admin2"))
            else r for r in rows]


def inherit_admin1(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` (one article's) with the admin1 of country-level asserted rows filled in (new dicts)."""
    return fill_from_nearest(rows, _lacks_admin1, _gives_admin1,
                             lambda row, ref: row if ref is None else dict(row, admin1=ref["admin1"]))


def _lacks_admin1(row: dict[str, Any]) -> bool:
    """An asserted row placed no finer than its country, of a type coded with an admin1."""
    return row["modality"] == "asserted" and not row.get("admin1") and row.get("geo_precision") in _COARSE and \
        row["action_type"] not in _UNPLACED


def _gives_admin1(donor: dict[str, Any], row: dict[str, Any]) -> bool:
    """``donor`` has an admin1 in ``row``'s country."""
    return bool(donor.get("admin1")) and donor.get("country_code") == row.get("country_code")
