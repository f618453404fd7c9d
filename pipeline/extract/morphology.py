"""Optional camel-tools morphology backend (settings.extract.backend = "camel").

When camel-tools' morphology database (``calima-msa-r13``, installed with ``camel_data -i morphology-db-msa-r13``
by an operator, never by this code) is present locally, each token's analyses add their undiacritised stems and
lemmas to the forms the trigger and actor lexicons are matched against, which catches broken plurals and
inflected verbs the clitic stripper misses. Without the database the engine logs one line and keeps the
lexicon (clitic-stripping) path; nothing is ever downloaded: only the local file is looked up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from pipeline.extract.text import normalize_arabic

logger = logging.getLogger(__name__)

MorphForms = Callable[[str], frozenset[str]]


def camel_db_path() -> Path | None:
    """Local path of camel-tools' default morphology DB, or None when camel-tools or the DB is missing."""
    try:
        from camel_tools.data import CATALOGUE  # reads the packaged catalogue only; no network
    except Exception:  # camel-tools absent or its catalogue unreadable
        return None
    try:
        component = CATALOGUE.components["MorphologyDB"]
        info = component.datasets[component.default]
    except Exception:
        return None
    path = Path(info.path) / "morphology.db"
    return path if path.is_file() else None


def load_morph_forms(db_path: Path | None = None) -> MorphForms | None:
    """A token -> extra matching forms function backed by the camel-tools analyzer, or None (logged once)."""
    path = db_path or camel_db_path()
    if path is None or not Path(path).is_file():
        logger.warning("extract backend 'camel': camel-tools morphology DB not installed locally "
                       "(it is never downloaded); using the lexicon path")
        return None
    from camel_tools.morphology.analyzer import Analyzer
    from camel_tools.morphology.database import MorphologyDB

    analyzer = Analyzer(MorphologyDB(str(path), "a"), backoff="NONE")

    @lru_cache(maxsize=65536)
    def forms(token: str) -> frozenset[str]:
        out = set()
        for a in analyzer.analyze(token):
            for key in ("stem", "lex"):
                value = a.get(key)
                if value:
                    out.add(normalize_arabic(value.split("_")[0]))
        return frozenset(f for f in out if len(f) >= 2)

    logger.info("extract backend 'camel': morphology DB %s", path)
    return forms
