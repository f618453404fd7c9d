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

from pipeline.extract.decision.nearest import fill_from_nearest

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

    def fill(row: dict[str, Any], ref: dict[str, Any] | None) -> dict[str, Any]:
        if row["action_type"] in _CROWDS:
            dem = demonyms.get(row.get("country_code") or "", "")
            return dict(row, actor1_norm=f"Protesters ({dem})" if dem else "Protesters", actor1_type="protesters")
        return row if ref is None else dict(row, **_side(ref, "actor1"))

    return fill_from_nearest(rows, unnamed, _gives_actor, fill)


def inherit_targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` (one article's) with the target of asserted rows of a ``_TARGETED`` type that have none filled in
    (new dicts): the target of the article's nearest asserted row of its type that has one (not the row's own
    actor), else ``Civilians`` for an attack or an abduction."""

    def fill(row: dict[str, Any], ref: dict[str, Any] | None) -> dict[str, Any]:
        if ref is not None:
            return dict(row, **_side(ref, "actor2"))
        if row["action_type"] in _CIVILIAN_VICTIMS:
            return dict(row, actor2_norm="Civilians", actor2_type="civilians")
        return row

    return fill_from_nearest(rows, _lacks_target, _gives_target, fill)


def _gives_actor(donor: dict[str, Any], row: dict[str, Any]) -> bool:
    """``donor`` names a first actor of ``row``'s type that is not ``row``'s target."""
    return bool(donor.get("actor1_text")) and donor["action_type"] == row["action_type"] and \
        donor["actor1_norm"] != row.get("actor2_norm")


def _lacks_target(row: dict[str, Any]) -> bool:
    return row["modality"] == "asserted" and not row.get("actor2_norm") and row["action_type"] in _TARGETED


def _gives_target(donor: dict[str, Any], row: dict[str, Any]) -> bool:
    """``donor`` names a target of ``row``'s type that is not ``row``'s first actor."""
    return bool(donor.get("actor2_norm")) and donor["action_type"] == row["action_type"] and \
        donor["actor2_norm"] != row.get("actor1_norm")


def _side(ref: dict[str, Any], role: str) -> dict[str, Any]:
    """``ref``'s text, label and type of ``role`` (``actor1`` or ``actor2``)."""
    return {f"{role}_{k}": ref[f"{role}_{k}"] for k in ("text", "norm", "type")}
