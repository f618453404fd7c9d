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

import json
import sqlite3
from dataclasses import dataclass, field

import numpy as np

from pipeline.crawl.text import MINHASH_PERMUTATIONS, BodySketch

_INITIAL_CAPACITY = 1024


@dataclass
class MinhashIndex:
    """Band keys and signatures of the stored articles whose bands are dated ``>= since``."""

    since: str
    last_minhash_rowid: int = 0
    last_band_rowid: int = 0
    slot_of: dict[str, int] = field(default_factory=dict)  # article_id -> slot
    article_ids: list[str] = field(default_factory=list)
    band_slots: dict[str, dict[int, str]] = field(default_factory=dict)  # band -> {slot: newest band run_date}
    oldest_band_date: str = "9999-12-31"  # of the dates in band_slots: no date filter needed when >= since
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
        for band, article_id, run_date in waiting:
            slot = self.slot_of.get(article_id)
            if slot is None:
                self.pending_bands.append((band, article_id, run_date))
                continue
            slots = self.band_slots.setdefault(band, {})
            if run_date > slots.get(slot, ""):
                slots[slot] = run_date
                self.oldest_band_date = min(self.oldest_band_date, run_date)

    def best_match(self, sketch: BodySketch, bands: list[str], *, since: str, threshold: float) -> str | None:
        """The SQL lookup's answer: the best candidate with estimated containment >= ``threshold``."""
        found: set[int] = set()
        for band in bands:
            slots = self.band_slots.get(band)
            if not slots:
                continue
            if self.oldest_band_date >= since:
                found.update(slots)
            else:
                found.update(slot for slot, run_date in slots.items() if run_date >= since)
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
