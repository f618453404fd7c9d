"""What changed between two releases: added, changed (with the fields) and removed event ids.

Removed ids are the deletions list researchers apply to their copy of an earlier release; a changed event
names the columns whose values differ. Bookkeeping columns (``last_run_date``) are not changes.
"""

from __future__ import annotations

import math
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

IGNORED_COLUMNS: frozenset[str] = frozenset({"last_run_date"})


def _rows_by_id(table: pa.Table) -> dict[str, dict]:
    return {row["event_id"]: row for row in table.to_pylist()}


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-9) or (math.isnan(a) and math.isnan(b))
    return a == b


def diff_events(previous: pa.Table | None, current: pa.Table) -> dict:
    """``{"added": [...], "changed": [{"event_id", "fields"}], "removed": [...]}``, ids sorted."""
    new = _rows_by_id(current)
    old = _rows_by_id(previous) if previous is not None else {}
    changed = []
    for event_id in sorted(new.keys() & old.keys()):
        columns = [c for c in new[event_id] if c not in IGNORED_COLUMNS
                   and not _same(new[event_id][c], old[event_id].get(c))]
        if columns:
            changed.append({"event_id": event_id, "fields": columns})
    return {"added": sorted(new.keys() - old.keys()), "changed": changed,
            "removed": sorted(old.keys() - new.keys())}


def read_previous_events(folder: Path | None) -> pa.Table | None:
    """Events of an earlier release folder (None when there is none)."""
    if folder is None or not (folder / "events.parquet").is_file():
        return None
    return pq.read_table(folder / "events.parquet")


def changes_document(*, version: str, previous_version: str | None, diff: dict) -> dict:
    return {"version": version, "previous_version": previous_version,
            "counts": {k: len(v) for k, v in diff.items()}, **diff}


def changes_markdown(changes: dict, *, shown: int = 200) -> str:
    """CHANGES.md: counts, then the ids of each kind (every id is in changes.json)."""
    previous = changes["previous_version"]
    lines = [f"# Changes in {changes['version']}", ""]
    if previous is None:
        lines += ["First release: every event is new.", ""]
    else:
        c = changes["counts"]
        lines += [f"Against {previous}: {c['added']} added, {c['changed']} changed, {c['removed']} removed "
                  "events. Removed event ids are deletions: drop them from copies of earlier releases.", ""]
    for kind in ("added", "changed", "removed"):
        items = changes[kind]
        lines += [f"## {kind.capitalize()} ({len(items)})", ""]
        for item in items[:shown]:
            lines.append(f"- `{item['event_id']}`: {', '.join(item['fields'])}" if kind == "changed"
                         else f"- `{item}`")
        if len(items) > shown:
            lines.append(f"- … {len(items) - shown} more in changes.json")
        lines.append("")
    return "\n".join(lines)
