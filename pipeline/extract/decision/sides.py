"""The first actor of a kept event whose own sentence names none, from the article (guideline: "the actor is not
always inside that sentence; it may be named in a neighbouring sentence of the same text").

A row the detector proposed, or a rules row re-read or retyped, takes the first actor its sentence names; when
it names none the row says ``Unidentified``. A protest or riot is then the country's protesters (the label the
rules give a crowd, ``roles.protest_roles``); any other row takes the actor of the article's nearest asserted
row of its type before it (else the first after it) that names one: an article tells one side's actions
of a kind, and its later sentences («وأضاف البيان أن الغارات استهدفت ...») leave the side out. A row with no
target takes the same way the target of its type's nearest row (``inherit_targets``). Applied after the decision
(no feature of the model reads them).
"""

from __future__ import annotations

from typing import Any

_CROWDS = frozenset({"protest", "riot"})
# types whose gold target is rarely empty when the sentence names none (train_blind's matched pairs: the other
# side of a clash, the group a sweep or raid went after, the counterpart of talks); a strike on an area, a
# protest, a withdrawal, a statement or an agreement mostly has none
_TARGETED = frozenset({"abduction", "armed_clash", "arrest_raid", "attack", "explosion_ied", "security_operation",
                       "meeting_negotiation"})
# one-sided violence on people the text does not name: their victims are civilians (guideline A: «attacks on
# civilians»; a kidnapping by a non-state actor)
_CIVILIAN_VICTIMS = frozenset({"attack", "abduction"})


def unnamed(row: dict[str, Any]) -> bool:
    """An asserted row whose sentence named no first actor."""
    return row["modality"] == "asserted" and not row.get("actor1_text") and row.get("actor1_norm") == "Unidentified"


def inherit_actors(rows: list[dict[str, Any]], demonyms: dict[str, str]) -> list[dict[str, Any]]:
    """``rows`` (one article's) with the first actor of ``unnamed`` rows filled in (new dicts for those changed);
    ``demonyms``: country code -> English demonym."""
    donors = [r for r in rows if r["modality"] == "asserted" and r.get("actor1_text")]
    out = []
    for r in rows:
        if unnamed(r):
            if r["action_type"] in _CROWDS:
                dem = demonyms.get(r.get("country_code") or "", "")
                r = dict(r, actor1_norm=f"Protesters ({dem})" if dem else "Protesters", actor1_type="protesters")
            else:
                ref = _nearest([d for d in donors if d["action_type"] == r["action_type"]
                                and d["actor1_norm"] != r.get("actor2_norm")], r["char_start"])
                if ref is not None:
                    r = dict(r, actor1_text=ref["actor1_text"], actor1_norm=ref["actor1_norm"],
                             actor1_type=ref["actor1_type"])
        out.append(r)
    return out


def inherit_targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` (one article's) with the target of asserted rows of a ``_TARGETED`` type that have none filled in
    (new dicts): the target of the article's nearest asserted row of its type that has one (not the row's own
    actor), else ``Civilians`` for an attack or an abduction."""
    donors = [r for r in rows if r["modality"] == "asserted" and r.get("actor2_norm")]
    out = []
    for r in rows:
        if r["modality"] == "asserted" and not r.get("actor2_norm") and r["action_type"] in _TARGETED:
            ref = _nearest([d for d in donors if d["action_type"] == r["action_type"]
                            and d["actor2_norm"] != r.get("actor1_norm")], r["char_start"])
            if ref is not None:
                r = dict(r, actor2_text=ref["actor2_text"], actor2_norm=ref["actor2_norm"],
                         actor2_type=ref["actor2_type"])
            elif r["action_type"] in _CIVILIAN_VICTIMS:
                r = dict(r, actor2_norm="Civilians", actor2_type="civilians")
        out.append(r)
    return out


def _nearest(rows: list[dict[str, Any]], start: int) -> dict[str, Any] | None:
    before = [d for d in rows if d["char_start"] <= start]
    if before:
        return max(before, key=lambda d: d["char_start"])
    return min(rows, key=lambda d: d["char_start"], default=None)
