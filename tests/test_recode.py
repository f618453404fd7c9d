"""`conflict-events recode` end to end on the bundled sample: run the sample with the rules alone, then code
its stored articles again with a lexicon missing one trigger, and check that exactly the events that trigger
coded change, the others keep their ids and rows, a second recode changes nothing and the next snapshot
names the extractor version of the recoded day."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.extract import EXTRACTOR_VERSION
from pipeline.extract.lexicon import LEXICON_DIR, Lexicons
from pipeline.extract.text import normalize_arabic
from pipeline.recode import Changes, recode_range, recode_run_id, row_fingerprints
from pipeline.settings import Settings
from pipeline.store import read_partition

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_SOURCES = PROJECT_ROOT / "data" / "sources" / "sample.yaml"
RUN_DATE = dt.date(2025, 3, 4)
# The rules alone (no learned decision layer), so what a lexicon change does to the events is predictable.
RULES_ONLY = '[extract]\ndecision_model = ""\nworkers = 1\n'
REMOVED_TRIGGER = "اعمال شغب"  # riot: "acts of rioting", two mentions in the sample

pytestmark = pytest.mark.slow


def _cli(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "--config", "rules.toml", "--data-root", "data", *args],
        cwd=workdir, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder holding rules.toml and data/ after the sample run (copy it before changing it)."""
    workdir = tmp_path_factory.mktemp("recode-sample")
    (workdir / "rules.toml").write_text(RULES_ONLY, encoding="utf-8")
    proc = _cli(workdir, "run", "--sources", str(SAMPLE_SOURCES), "--date", RUN_DATE.isoformat())
    assert proc.returncode == 0, proc.stderr[-3000:]
    return workdir


@pytest.fixture
def workdir(sample_run: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "work"
    shutil.copytree(sample_run, copy)
    return copy


def _settings(workdir: Path) -> Settings:
    return Settings.load(str(workdir / "rules.toml"),
                         paths={"data_root": str(workdir / "data"), "sources_file": str(SAMPLE_SOURCES)})


def _query(workdir: Path, sql: str) -> list[dict]:
    con = duckdb.connect(str(workdir / "data" / "warehouse" / "events.duckdb"), read_only=True)
    try:
        return con.execute(sql).to_arrow_table().to_pylist()
    finally:
        con.close()


def _warehouse(workdir: Path) -> tuple[dict[str, str], dict[str, str], list[dict]]:
    """Fingerprints of every mention and every event (run columns excluded), and the mention rows."""
    mentions = _query(workdir, "select * from event_mentions")
    events = _query(workdir, "select * from events")
    return row_fingerprints(mentions, "mention_id"), row_fingerprints(events, "event_id"), mentions


@pytest.fixture
def lexicon_without_trigger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The extractor loads a copy of data/lexicons whose triggers.tsv lacks REMOVED_TRIGGER."""
    folder = tmp_path / "lexicons"
    shutil.copytree(LEXICON_DIR, folder)
    lines = (folder / "triggers.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if line.split("\t")[0] != REMOVED_TRIGGER]
    assert len(kept) == len(lines) - 1, "the sample lexicon has the trigger once"
    (folder / "triggers.tsv").write_text("".join(kept), encoding="utf-8")
    load = Lexicons.load.__func__
    monkeypatch.setattr(Lexicons, "load", classmethod(lambda cls, directory=folder: load(cls, directory)))
    return normalize_arabic(REMOVED_TRIGGER)


def test_lexicon_change_recodes_exactly_the_events_it_touches_and_once(workdir, lexicon_without_trigger, capsys):
    settings = _settings(workdir)
    mentions_before, events_before, mention_rows = _warehouse(workdir)
    touched_mentions = {m["mention_id"] for m in mention_rows if m["trigger_text"] == lexicon_without_trigger}
    touched_events = {m["event_id"] for m in mention_rows if m["mention_id"] in touched_mentions} - {None}
    assert len(touched_mentions) == 2 and touched_events, "the sample codes the removed trigger"

    [day] = recode_range(settings, RUN_DATE, RUN_DATE)
    mentions_after, events_after, _ = _warehouse(workdir)

    # Mentions the trigger did not code: the same ids and values; those it coded: gone or coded otherwise.
    untouched = mentions_before.keys() - touched_mentions
    assert {m: mentions_after.get(m) for m in untouched} == {m: mentions_before[m] for m in untouched}
    assert all(mentions_after.get(m) != mentions_before[m] for m in touched_mentions)
    assert mentions_after.keys() - mentions_before.keys() == set(), "no mention appears from elsewhere"
    # Real-world events: the untouched keep their ids and rows; every touched one changed or went.
    others = events_before.keys() - touched_events
    assert {e: events_after.get(e) for e in others} == {e: events_before[e] for e in others}
    assert all(events_after.get(e) != events_before[e] for e in touched_events)
    assert events_after.keys() <= events_before.keys()

    # The day's summary counts the same changes.
    changed_mentions = set(day.mention_changes.changed) | set(day.mention_changes.removed)
    assert changed_mentions == touched_mentions and not day.mention_changes.added
    assert set(day.event_changes.changed) | set(day.event_changes.removed) == touched_events
    assert day.mentions == len(mentions_after) and day.articles == 15
    line = capsys.readouterr().out
    assert f"[1/1] {RUN_DATE}: 15 articles -> {len(mentions_after)} mentions" in line
    assert "articles/s" in line and " changed;" in line

    # Recoding again with the same extractor is a no-op: same lake rows (run id included), same warehouse.
    lake_events = read_partition(settings, table_name="events", run_date=RUN_DATE)
    [again] = recode_range(settings, RUN_DATE, RUN_DATE)
    assert again.mention_changes == Changes(len(mentions_after), (), (), ())
    assert again.event_changes == Changes(day.event_changes.kept + len(day.event_changes.changed), (), (), ())
    assert read_partition(settings, table_name="events", run_date=RUN_DATE).equals(lake_events)
    assert _warehouse(workdir)[:2] == (mentions_after, events_after)
    assert "unchanged" in capsys.readouterr().out

    # The next snapshot names the extractor that coded the recoded day (from its mentions' run ids).
    from pipeline.publish import publish_snapshot

    assert {r["run_id"] for r in _query(workdir, "select distinct run_id from event_mentions")} == {again.run_id}
    assert again.run_id == recode_run_id(settings, RUN_DATE) == day.run_id
    snapshot = Path(publish_snapshot(settings, version="v2025.03.10",
                                     created_at=dt.datetime(2025, 3, 10, tzinfo=dt.UTC)))
    manifest = json.loads((snapshot / "manifest.json").read_text(encoding="utf-8"))
    assert _find(manifest, "extractor_versions_by_run_date") == {RUN_DATE.isoformat(): [EXTRACTOR_VERSION]}


def _find(tree: object, key: str) -> object:
    """The value of ``key`` anywhere in a JSON tree."""
    if isinstance(tree, dict):
        if key in tree:
            return tree[key]
        tree = list(tree.values())
    for value in tree if isinstance(tree, list) else []:
        found = _find(value, key)
        if found is not None:
            return found
    return None


def test_recode_cli_with_the_same_extractor_changes_nothing(workdir):
    before = _warehouse(workdir)[:2]
    proc = _cli(workdir, "recode", "--from", "2025-03-04", "--to", "2025-03-04", "--sources", str(SAMPLE_SOURCES))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "[1/1] 2025-03-04: 15 articles -> " in proc.stdout and "; unchanged;" in proc.stdout
    assert "recoded 1 day(s), 0 changed" in proc.stdout
    assert _warehouse(workdir)[:2] == before


@pytest.mark.parametrize(("first", "last", "message"), [
    ("2025-03-05", "2025-03-04", "error: bad date range: --from 2025-03-05 is after --to 2025-03-04"),
    ("2025-03-03", "2025-03-05", "error: no stored articles for 2025-03-03, 2025-03-05 under "),
    ("2025-03-04", "4 March", "is not a date: use the format YYYY-MM-DD"),
])
def test_recode_cli_refuses_a_bad_range_in_one_line(sample_run, first, last, message):
    lake = sample_run / "data" / "lake" / "events" / f"dt={RUN_DATE}"
    written = {p: p.stat().st_mtime_ns for p in lake.iterdir()}
    proc = _cli(sample_run, "recode", "--from", first, "--to", last)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert len([line for line in proc.stderr.splitlines() if "error:" in line]) == 1
    assert {p: p.stat().st_mtime_ns for p in lake.iterdir()} == written, "nothing rewritten"
