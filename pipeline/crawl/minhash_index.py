"""In-memory mirror of the crawl state's MinHash tables, for near-duplicate lookups in O(candidates).

The SQL lookup (``minhash_bands`` join ``minhashes``, JSON-decoding every candidate's signature and
comparing it in Python) costs O(candidates) Python work per article, and on a day of templated wire copy
the candidates grow with the day: quadratic in total. This index keeps, for the near-duplicate window,
band -> candidate slots and one uint64 signature matrix, and scores all candidates of an article with one
numpy comparison.

It stays exactly the SQL answer: before every lookup it reads the rows other writers (and this one)
added since the last lookup (``rowid > last``), and lookups run inside the claim's write transaction, so
no row can appear between catching up and deciding. Candidates are ranked like the SQL query (by the
``minhashes`` rowid, the first of equal scores wins) with the same float arithmetic as
``text.containment_estimate``.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field

import numpy as np

from pipeline.crawl.text import MINHASH_PERMUTATIONS, BodySketch

_INITIAL_CAPACITY = 1024
_SLOT_SHIFT = 32  # a band held by one article is one int: slot << _SLOT_SHIFT | day ordinal
_DAY_MASK = (1 << _SLOT_SHIFT) - 1
_NO_DAY = dt.date.max.toordinal()


def band_key(band: str) -> int:
    """``"<band>:<16 hex digits>"`` as one exact int (a str key costs ~4x the memory at a million bands)."""
    index, _, digest = band.partition(":")
    return int(index) << 64 | int(digest, 16)


def day_number(run_date: str) -> int:
    return dt.date.fromisoformat(run_date).toordinal()


@dataclass
class MinhashIndex:
    """Band keys and signatures of the stored articles whose bands are dated ``>= since``."""

    since: str
    last_minhash_rowid: int = 0
    last_band_rowid: int = 0
    slot_of: dict[str, int] = field(default_factory=dict)  # article_id -> slot
    article_ids: list[str] = field(default_factory=list)
    # band_key -> slot << _SLOT_SHIFT | newest band day (one article), or {slot: newest band day} (several)
    band_slots: dict[int, int | dict[int, int]] = field(default_factory=dict)
    oldest_band_day: int = _NO_DAY  # of the days in band_slots: no date filter needed when >= since
    pending_bands: list[tuple[str, str, str]] = field(default_factory=list)  # bands of articles not yet stored
    signatures: np.ndarray = field(default_factory=lambda: np.zeros((_INITIAL_CAPACITY, MINHASH_PERMUTATIONS),
                                                                    dtype=np.uint64))
    counts: np.ndarray = field(default_factory=lambda: np.zeros(_INITIAL_CAPACITY, dtype=np.int64))
    rowids: np.ndarray = field(default_factory=lambda: np.zeros(_INITIAL_CAPACITY, dtype=np.int64))

    def catch_up(self, conn: sqlite3.Connection) -> None:
        """Add the ``minhashes`` and ``minhash_bands`` rows stored since the last call."""
        for rowid, article_id, stored in conn.execute(
            "select rowid, article_id, signature from minhashes where rowid > ? order by rowid",
            (self.last_minhash_rowid,),
        ):
            count, signature = json.loads(stored)
            self._put_signature(article_id, rowid, count, signature)
            self.last_minhash_rowid = rowid
        rows = conn.execute(
            "select rowid, band, article_id, run_date from minhash_bands where rowid > ? and run_date >= ?",
            (self.last_band_rowid, self.since),
        ).fetchall()
        if rows:
            self.last_band_rowid = max(r[0] for r in rows)
        else:
            top = conn.execute("select max(rowid) from minhash_bands").fetchone()[0]
            self.last_band_rowid = max(self.last_band_rowid, top or 0)
        # Bands whose article has no minhashes row (yet) wait, like the SQL join would skip them.
        waiting, self.pending_bands = self.pending_bands + [(b, a, d) for _, b, a, d in rows], []
        days: dict[str, int] = {}
        for band, article_id, run_date in waiting:
            slot = self.slot_of.get(article_id)
            if slot is None:
                self.pending_bands.append((band, article_id, run_date))
                continue
            day = days.get(run_date)
            if day is None:
                day = days[run_date] = day_number(run_date)
            self._put_band(band_key(band), slot, day)

    def _put_band(self, key: int, slot: int, day: int) -> None:
        held = self.band_slots.get(key)
        if held is None:
            self.band_slots[key] = slot << _SLOT_SHIFT | day
        elif isinstance(held, int):
            if held >> _SLOT_SHIFT == slot:
                if day > held & _DAY_MASK:
                    self.band_slots[key] = slot << _SLOT_SHIFT | day
                else:
                    return
            else:
                self.band_slots[key] = {held >> _SLOT_SHIFT: held & _DAY_MASK, slot: day}
        elif day > held.get(slot, -1):
            held[slot] = day
        else:
            return
        self.oldest_band_day = min(self.oldest_band_day, day)

    def best_match(self, sketch: BodySketch, bands: list[str], *, since: str, threshold: float) -> str | None:
        """The SQL lookup's answer: the best candidate with estimated containment >= ``threshold``."""
        found: set[int] = set()
        since_day = day_number(since)
        for band in bands:
            held = self.band_slots.get(band_key(band))
            if held is None:
                continue
            if isinstance(held, int):
                if held & _DAY_MASK >= since_day:
                    found.add(held >> _SLOT_SHIFT)
            elif self.oldest_band_day >= since_day:
                found.update(held)
            else:
                found.update(slot for slot, day in held.items() if day >= since_day)
        if not found:
            return None
        slots = np.fromiter(found, dtype=np.int64, count=len(found))
        slots = slots[np.argsort(self.rowids[slots], kind="stable")]
        signature = np.array(sketch.signature, dtype=np.uint64)
        j = (self.signatures[slots] == signature).sum(axis=1) / len(signature)
        shared = j * (self.counts[slots] + sketch.shingle_count) / (1 + j)
        smaller = np.maximum(1, np.minimum(self.counts[slots], sketch.shingle_count))
        scores = np.minimum(1.0, shared / smaller)
        ok = scores >= threshold
        if not ok.any():
            return None
        best = int(np.argmax(np.where(ok, scores, -1.0)))
        return self.article_ids[int(slots[best])]

    def _put_signature(self, article_id: str, rowid: int, count: int, signature: list[int]) -> None:
        slot = self.slot_of.get(article_id)
        if slot is None:
            slot = len(self.article_ids)
            if slot == len(self.counts):
                self._grow()
            self.slot_of[article_id] = slot
            self.article_ids.append(article_id)
        self.signatures[slot] = np.array(signature, dtype=np.uint64)
        self.counts[slot] = count
        self.rowids[slot] = rowid

    def _grow(self) -> None:
        size = 2 * len(self.counts)
        self.signatures = np.resize(self.signatures, (size, MINHASH_PERMUTATIONS))
        self.counts = np.resize(self.counts, size)
        self.rowids = np.resize(self.rowids, size)
