"""The extractor's version: what the rules are, named by a digest of the rule code and its tables.

Rules-only rows carry ``EXTRACTOR_VERSION`` ("ar-lex-<digest>"); the learned decision layer appends its model's
version ("ar-lex-<digest>+dl1-<digest>"). Another rule module, component, lexicon or gazetteer table gives
another name, so a run's rows say which rules coded them (``recode`` lists the versions per run date).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.paths import resource_dir

# Modules of pipeline/extract/ that do not make candidates: scoring, commands and the data builders.
NOT_RULE_CODE = frozenset({"evaluate.py", "commands.py", "build_gazetteer.py", "build_lexicons.py"})
# Tables of data/lexicons/ only the scorer reads (``evaluate.AliasTable``).
NOT_RULE_TABLES = frozenset({"actor_aliases.tsv"})


def rule_code_files() -> list[Path]:
    """The rule engine's code: pipeline/extract/*.py (but ``NOT_RULE_CODE``) and its components."""
    extract = Path(__file__).resolve().parent
    files = [p for p in extract.glob("*.py") if p.name not in NOT_RULE_CODE]
    return sorted([*files, *(extract / "components").glob("*.py")], key=lambda p: (p.parent.name, p.name))


def rule_table_files() -> list[Path]:
    """The tables the rules read: data/lexicons/*.tsv (but ``NOT_RULE_TABLES``) and data/gazetteer/*.tsv."""
    tables = [*resource_dir("data/lexicons").glob("*.tsv"), *resource_dir("data/gazetteer").glob("*.tsv")]
    return sorted((p for p in tables if p.name not in NOT_RULE_TABLES), key=lambda p: (p.parent.name, p.name))


def rules_digest() -> str:
    """Hash of what the candidates come from, the rule code (``rule_code_files``) and its tables
    (``rule_table_files``): other rules, another rules version and another model version."""
    h = hashlib.sha256()
    for path in [*rule_table_files(), *rule_code_files()]:
        h.update(f"{path.parent.name}/{path.name}".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


EXTRACTOR_VERSION = f"ar-lex-{rules_digest()[:10]}"
