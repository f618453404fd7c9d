"""Great Expectations validation of staged tables: valid rows, quarantine, batch-level failures.

Importing this package imports neither pandas nor Great Expectations (the CLI stays fast); the public
names are loaded from ``pipeline.validate.core`` on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["ValidationResult", "raise_for_batch_failures", "validate_table"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("pipeline.validate.core"), name)
    raise AttributeError(f"module 'pipeline.validate' has no attribute {name!r}")
