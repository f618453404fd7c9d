"""Remembered results of pure per-key computations (a token's readings, a sentence's scan) with a bound: when
full, everything is forgotten at once (the same words recur in every article, so the memo refills at once)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from itertools import compress, repeat
from operator import is_
from typing import Any


class BoundedMemo(dict):
    """A dict that holds at most ``limit`` remembered results."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, key: Hashable, value: Any) -> Any:
        """Remember ``value`` for ``key`` (forgetting everything first when full) and return it."""
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value

    def one(self, key: Hashable, compute: Callable[[Any], Any]) -> Any:
        """The remembered result of ``key``, else ``compute(key)``, remembered."""
        found = self.get(key)
        return self.remember(key, compute(key)) if found is None else found

    def all_of(self, keys: Sequence[Hashable], compute: Callable[[Any], Any]) -> list[Any]:
        """``one`` of each key, with a single lookup pass when all are remembered. Results must not be None.

        Only the keys not remembered (a few new words of a sentence) are visited, in order, each by ``one`` (a
        key twice among them is computed once); the others keep what the lookup pass found."""
        found = list(map(self.get, keys))
        if None in found:
            for k in compress(range(len(found)), map(is_, found, repeat(None))):
                found[k] = self.one(keys[k], compute)  # ~50 new words an article: the call costs ~50 ns each
        return found
