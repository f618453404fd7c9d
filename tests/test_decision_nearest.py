"""The article's nearest row (``decision.nearest``): what the detected rows' dates and places, the inherited
admin1 and the inherited sides take."""

from __future__ import annotations

from pipeline.extract.decision.nearest import fill_from_nearest, nearest_row


def row(start: int, **kw) -> dict:
    return {"char_start": start, "modality": "asserted", **kw}


def test_the_nearest_row_before_else_the_first_after():
    rows = [row(30, n="c"), row(10, n="a"), row(20, n="b"), row(60, n="e"), row(50, n="d")]
    assert nearest_row(rows, 25)["n"] == "b"
    assert nearest_row(rows, 20)["n"] == "b"  # a row starting there counts as before
    assert nearest_row(rows, 5)["n"] == "a"
    assert nearest_row(rows, 99)["n"] == "e"
    assert nearest_row([row(10, n="x"), row(10, n="y")], 50)["n"] == "x"  # the earlier listed of equals
    assert nearest_row([row(10, n="x"), row(10, n="y")], 5)["n"] == "x"
    assert nearest_row([], 5) is None


def test_rows_lacking_a_field_take_it_from_their_nearest_asserted_donor():
    rows = [row(0, x=1), row(10), row(20, modality="negated", x=7), row(30), row(40, modality="negated")]
    out = fill_from_nearest(rows, lambda r: "x" not in r, lambda d, r: "x" in d,
                            lambda r, ref: r if ref is None else dict(r, x=ref["x"] + 1))
    # the negated row is no donor, and a filled row (x 2) gives the next one nothing: x 2, not 3
    assert [r.get("x") for r in out] == [1, 2, 7, 2, 2]
    assert "x" not in rows[1] and out[0] is rows[0]  # inputs unchanged, rows not lacking passed on as they are


def test_a_row_with_no_donor_gets_the_fill_of_none():
    rows = [row(0, kind="a", x=1), row(10, kind="b")]
    out = fill_from_nearest(rows, lambda r: "x" not in r, lambda d, r: "x" in d and d["kind"] == r["kind"],
                            lambda r, ref: dict(r, x=None if ref is None else ref["x"]))
    assert out[1]["x"] is None
