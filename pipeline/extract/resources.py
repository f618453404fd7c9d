"""What every part of the extraction engine shares, read-only: lexicons, gazetteer, morphology and settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipeline.extract.lexicon import Lexicons


@dataclass(frozen=True)
class Resources:
    """The engine's shared, immutable inputs; built once per process and passed to every component.

    ``gaz`` is the GeoNames gazetteer of pipeline.extract.geo (None: events keep their location text only);
    ``morph`` the optional camel-tools backend (pipeline.extract.morphology); ``use_fallback`` lets
    pipeline.extract.dates call dateparser for dates its own patterns miss; ``min_confidence`` is the
    default ``decide`` component's threshold.
    """

    lex: Lexicons
    gaz: Any | None
    morph: Callable[[str], frozenset[str]] | None = None
    use_fallback: bool = True
    min_confidence: float = 0.0
