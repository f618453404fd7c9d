"""What a release was built from: the code commit and hashes of the lexicons, gazetteer and model files."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from pipeline.paths import resource_dir

REPO_ROOT = Path(__file__).resolve().parents[2]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def git_commit(repo: Path = REPO_ROOT) -> dict[str, object]:
    """``{"commit": sha or None, "dirty": bool or None}`` of the code that built the release."""
    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no") if commit else None
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def folder_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every data file (not NOTICE/README) in ``folder``, by file name."""
    if not folder.is_dir():
        return {}
    return {p.name: sha256_file(p) for p in sorted(folder.iterdir())
            if p.is_file() and p.suffix in (".tsv", ".txt", ".json", ".csv")}


def model_hashes(backend: str, decision_model: str = "") -> dict[str, str]:
    """sha256 of the model files the extractor used: the decision model unless it is off ("") and, with the
    camel backend, camel-tools' morphology DB."""
    out: dict[str, str] = {}
    if decision_model:
        from pipeline.extract.decision import bundled_model_path

        path = bundled_model_path() if decision_model == "bundled" else Path(decision_model)
        if path.is_file():
            out[path.name] = sha256_file(path)
    if backend == "camel":
        from pipeline.extract.morphology import camel_db_path

        db = camel_db_path()
        if db is not None and db.is_file():
            out[db.name] = sha256_file(db)
    return out


def build_inputs(extract_backend: str, decision_model: str = "") -> dict[str, object]:
    return {
        "code": git_commit(),
        "lexicons": folder_hashes(resource_dir("data/lexicons")),
        "gazetteer": folder_hashes(resource_dir("data/gazetteer")),
        "extract_backend": extract_backend,
        "decision_model": decision_model or None,
        "model": model_hashes(extract_backend, decision_model),
    }
