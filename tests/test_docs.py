"""The README documents every CLI command, and the schema documents every column."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from pipeline import schema
from pipeline.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]


def _subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(action.choices)


def _documented_commands() -> set[str]:
    """Commands in the first column of the README's "Command line" table."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z-]+)[ `]", section, flags=re.MULTILINE))


def test_every_cli_command_is_in_the_readme_table() -> None:
    documented = _documented_commands()
    missing = [c for c in _subcommands() if c not in documented]
    assert not missing, f"README's command table lacks: {missing}"


def test_readme_commands_exist() -> None:
    documented = _documented_commands()
    assert documented and documented <= set(_subcommands())


def test_every_column_has_a_description() -> None:
    for table, fields in schema.TABLE_FIELDS.items():
        for f in fields:
            assert len(f.description) > 10, f"{table}.{f.name} has no real description"


def test_readme_quickstart_is_the_makefile() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("run", "test"):
        assert f"make {target}" in readme
        assert re.search(rf"^{target}:", makefile, flags=re.MULTILINE)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
