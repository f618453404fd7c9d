"""Shared pytest fixtures: a Settings object whose outputs live in a temporary folder."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pipeline.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]

logging.getLogger("great_expectations._docs_decorators").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def engine():
    """The rule engine (every rule component, no learned decision), built once for the whole session: the
    rule tests check what the rules code; tests/test_extract_decision.py checks the learned layer."""
    from pipeline.extract import build_rule_engine

    return build_rule_engine(Settings.load())


@pytest.fixture(scope="session")
def deciding_engine():
    """The engine as the nightly path builds it: rules, then the bundled decision model."""
    from pipeline.extract import build_engine

    return build_engine(Settings.load())


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings with data_root in a fresh temporary folder and the bundled sample registry."""
    return Settings.load(
        paths={
            "data_root": str(tmp_path / "data"),
            "sources_file": str(PROJECT_ROOT / "data" / "sources" / "sample.yaml"),
        }
    )
