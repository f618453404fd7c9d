"""The extractor version names the rules (issue 10, round 16): "ar-lex-<digest of the rule code and tables>", so
a change of a rule module, a lexicon or the gazetteer renames it (was: "ar-lex-0.1.0" whatever the rules)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from pipeline.extract import version
from pipeline.extract.version import EXTRACTOR_VERSION, rule_code_files, rule_table_files, rules_digest
from pipeline.paths import resource_dir

RULES = EXTRACTOR_VERSION.removeprefix("ar-lex-")  # the digest part, computed from the shipped files at import


def test_the_version_is_the_digest_of_the_rules():
    assert EXTRACTOR_VERSION == f"ar-lex-{rules_digest()[:10]}"


def test_rules_only_rows_carry_it():
    from pipeline.extract import build_engine
    from pipeline.settings import Settings

    rules = build_engine(Settings.load(extract={"decision_model": ""}))
    text = "قصفت طائرات حربية بلدة كفرنبل في ريف إدلب أمس، ما أدى إلى مقتل ثلاثة مدنيين."
    rows = rules.extract(article_id="a", text=text, title=None, published=dt.date(2025, 3, 2))
    assert rows and {r["extractor_version"] for r in rows} == {EXTRACTOR_VERSION}


def test_it_covers_the_rule_code_and_tables_but_not_the_scorers():
    code = {f"{p.parent.name}/{p.name}" for p in rule_code_files()}
    assert {"extract/tolls.py", "extract/text.py", "extract/version.py", "components/rows.py"} <= code
    assert not code & {"extract/evaluate.py", "extract/commands.py"}
    tables = {f"{p.parent.name}/{p.name}" for p in rule_table_files()}
    assert {"lexicons/triggers.tsv", "lexicons/actors.tsv", "gazetteer/places.tsv"} <= tables
    assert "lexicons/actor_aliases.tsv" not in tables  # the scorer's: rows do not change with it


@pytest.fixture
def tables_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/lexicons and data/gazetteer that ``rules_digest`` reads instead."""
    for name in ("lexicons", "gazetteer"):
        shutil.copytree(resource_dir(f"data/{name}"), tmp_path / "data" / name)
    monkeypatch.setattr(version, "resource_dir", lambda name: tmp_path / name)
    return tmp_path / "data"


def test_a_lexicon_change_renames_the_rules_and_a_scorer_table_change_does_not(tables_copy: Path):
    assert version.rules_digest()[:10] == RULES  # the copy as it is
    with (tables_copy / "lexicons" / "actor_aliases.tsv").open("a", encoding="utf-8") as f:
        f.write("^foo.*\tfoo\n")
    assert version.rules_digest()[:10] == RULES
    with (tables_copy / "lexicons" / "cues.tsv").open("a", encoding="utf-8") as f:
        f.write("\n")
    assert version.rules_digest()[:10] != RULES


def test_a_rule_code_change_renames_the_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    copies = []
    for p in rule_code_files():
        (tmp_path / p.parent.name).mkdir(exist_ok=True)
        copies.append(Path(shutil.copy(p, tmp_path / p.parent.name / p.name)))
    monkeypatch.setattr(version, "rule_code_files", lambda: copies)
    assert version.rules_digest()[:10] == RULES  # the copies as they are
    tolls = next(p for p in copies if p.name == "tolls.py")
    tolls.write_text(tolls.read_text(encoding="utf-8") + "\n# a change\n", encoding="utf-8")
    assert version.rules_digest()[:10] != RULES
