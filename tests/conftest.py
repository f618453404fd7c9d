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
    """The extraction engine with default settings, built once for the whole test session."""
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
