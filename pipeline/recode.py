"""Recode the archive: re-extract the articles already stored for past days with the current extractor.

When the lexicons, the gazetteer, the rules or the decision model improve, ``conflict-events recode --from D
--to D`` (and the ``conflict_events_recode`` DAG) codes the stored articles of each day again, through the
same stages as a nightly run (pipeline.run):

    lake/articles -> staging/articles -> extract -> validate -> store -> load

so a recoded day is validated like a new one, its lake partitions are replaced with the store stage's
commit protocol (a crash leaves the previous partition readable) and the warehouse reloads exactly that
day. No article is fetched again: the articles partition is copied as it is stored.

Idempotent: the run id of a recode (``recode-<date>-<inputs digest>``) depends only on the day and on what
codes the articles (extractor version, extract settings, lexicon, gazetteer and model files), so recoding a
day twice with the same extractor writes the same rows. Mention ids and real-world event ids are content
hashes, so events the change does not touch keep their ids. Every mention records its ``extractor_version``;
the next ``publish`` lists the extractor versions per run date from them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline import paths
from pipeline.errors import PipelineError, WarehouseMissing
from pipeline.settings import Settings

logger = logging.getLogger(__name__)

MAX_DAYS = 366


class RecodeError(PipelineError):
    """A recode cannot start: a bad date range, or a day with no stored articles."""


@dataclass(frozen=True)
class Changes:
    """Rows before and after a recode, by id: kept as they were, changed (same id, other values), added, removed."""

    kept: int
    changed: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]

    @classmethod
    def between(cls, before: dict[str, str], after: dict[str, str]) -> Changes:
        """``before``/``after`` map each id to a fingerprint of its row (``row_fingerprints``)."""
        both = before.keys() & after.keys()
        changed = sorted(i for i in both if before[i] != after[i])
        return cls(len(both) - len(changed), tuple(changed), tuple(sorted(after.keys() - before.keys())),
                   tuple(sorted(before.keys() - after.keys())))

    @property
    def any(self) -> bool:
        return bool(self.changed or self.added or self.removed)

    def summary(self) -> str:
        return f"{self.kept} kept, {len(self.changed)} changed, +{len(self.added)} -{len(self.removed)}"


# Columns that say which run wrote a row, not what it codes: a recode rewrites them without changing the row.
RUN_COLUMNS = frozenset({"run_id", "last_run_date"})


def row_fingerprints(rows: list[dict], key: str) -> dict[str, str]:
    """``{row[key]: sha256 of the row's values except RUN_COLUMNS}``."""
    out = {}
    for row in rows:
        values = {k: v for k, v in row.items() if k not in RUN_COLUMNS}
        out[row[key]] = hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()
    return out


@dataclass(frozen=True)
class DayRecode:
    run_date: dt.date
    run_id: str
    articles: int
    mentions: int
    mention_changes: Changes
    event_changes: Changes
    seconds: float


def recode_days(settings: Settings, first: dt.date, last: dt.date) -> list[dt.date]:
    """Every day of ``first..last`` (inclusive); RecodeError for a reversed or too long range, or when a day
    of it has no stored articles (checked before anything is rewritten)."""
    if last < first:
        raise RecodeError(f"bad date range: --from {first} is after --to {last}")
    if (last - first).days >= MAX_DAYS:
        raise RecodeError(f"bad date range {first}..{last}: recode at most {MAX_DAYS} days at a time")
    from pipeline.store import list_partitions, partition_row_count

    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    missing = [d for d in days if not partition_row_count(settings, table_name="articles", run_date=d)]
    if missing:
        stored = list_partitions(settings, table_name="articles")
        hint = f"days with stored articles: {_date_ranges(stored)}" if stored else "the lake has no articles"
        raise RecodeError(
            f"no stored articles for {_date_ranges(missing)} under {paths.lake_dir(settings, 'articles')} "
            f"({hint}); run the pipeline for those days first"
        )
    return days


def _date_ranges(days: list[dt.date]) -> str:
    """``2025-03-01..2025-03-03, 2025-03-05`` for a sorted list of days."""
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(f"{r[0]}..{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def extractor_inputs(settings: Settings) -> dict[str, object]:
    """What decides how an article is coded: extractor version, extract settings, lexicon/gazetteer/model files."""
    from pipeline.extract import EXTRACTOR_VERSION
    from pipeline.extract.lexicon import LEXICON_DIR
    from pipeline.publish.provenance import folder_hashes, sha256_file

    extract = dataclasses.asdict(settings.extract)
    extract.pop("workers", None)  # how many processes code the articles does not change the rows
    extract.pop("batch_size", None)
    model = {}
    if settings.extract.decision_model:
        from pipeline.extract.decision import bundled_model_path

        choice = settings.extract.decision_model
        path = bundled_model_path() if choice == "bundled" else Path(choice)
        model = {path.name: sha256_file(path) if path.is_file() else "missing"}
    return {
        "extractor_version": EXTRACTOR_VERSION,
        "extract": extract,
        "lexicons": folder_hashes(LEXICON_DIR),
        "gazetteer": folder_hashes(paths.resource_dir("data/gazetteer")),
        "model": model,
    }


def recode_run_id(settings: Settings, run_date: dt.date) -> str:
    """``recode-<date>-<digest of extractor_inputs>``: the same for every recode of the day by the same extractor."""
    digest = hashlib.sha256(json.dumps(extractor_inputs(settings), sort_keys=True).encode()).hexdigest()[:8]
    return f"recode-{run_date.isoformat()}-{digest}"


def stage_stored_articles(settings: Settings, *, run_date: dt.date, run_id: str) -> str:
    """Copy the day's stored articles (lake) over its staging partition, for extract to read; returns the path."""
    from pipeline.store import iter_partition_batches, partition_row_count, write_partition_batches

    if not partition_row_count(settings, table_name="articles", run_date=run_date):
        raise RecodeError(f"no stored articles for {run_date} under {paths.lake_dir(settings, 'articles')}")
    stored = iter_partition_batches(settings, table_name="articles", run_date=run_date)
    path = write_partition_batches(
        stored, settings, table_name="articles", run_date=run_date, layer="staging", replace=True
    )
    logger.info("recode %s: stored articles staged for %s", run_date, run_id)
    return path


def stored_mentions(settings: Settings, run_date: dt.date) -> dict[str, str]:
    """Fingerprints of the mentions stored in the day's lake partition of ``events``, by mention id."""
    from pipeline.store import iter_partition_batches

    prints: dict[str, str] = {}
    for batch in iter_partition_batches(settings, table_name="events", run_date=run_date):
        prints.update(row_fingerprints(batch.to_pylist(), "event_id"))
    return prints


def warehouse_events(settings: Settings, run_date: dt.date) -> dict[str, str]:
    """Fingerprints of the real-world events the day's mentions belong to in the warehouse, by event id
    (empty: no warehouse yet)."""
    from pipeline.load import connect

    try:
        con = connect(settings, read_only=True)
    except WarehouseMissing:
        return {}
    try:
        rows = con.execute(
            "select * from events where event_id in "
            "(select event_id from event_mentions where run_date = $d and event_id is not null)",
            {"d": run_date},
        ).to_arrow_table().to_pylist()
    finally:
        con.close()
    return row_fingerprints(rows, "event_id")


def reload_warehouse(
    settings: Settings, *, run_date: dt.date, run_id: str, sources_file: str | None = None
) -> Changes:
    """Reload the day into the warehouse (pipeline.run.run_load); the day's real-world events before and after."""
    from pipeline.run import run_load

    before = warehouse_events(settings, run_date)
    run_load(settings, run_date=run_date, run_id=run_id, sources_file=sources_file)
    changes = Changes.between(before, warehouse_events(settings, run_date))
    logger.info("recode %s: events %s", run_date, changes.summary())
    return changes


def recode_lake(settings: Settings, *, run_date: dt.date, allow_row_count_drop: bool = False) -> Changes:
    """Re-extract the day's stored articles, validate them and replace the day's lake partitions (the store
    stage's commit protocol); returns how the day's mentions changed. ``allow_row_count_drop`` lets a day
    whose new row count falls far below the previous days' pass validation (a lexicon that codes less)."""
    from pipeline.run import run_extract, run_store, run_validate

    if allow_row_count_drop:
        settings = settings.replace(validate={"min_rowcount_ratio_vs_history": 0.0})
    day = {"run_date": run_date, "run_id": recode_run_id(settings, run_date)}
    before = stored_mentions(settings, run_date)
    stage_stored_articles(settings, **day)
    run_extract(settings, **day)
    run_validate(settings, **day)
    run_store(settings, **day)
    changes = Changes.between(before, stored_mentions(settings, run_date))
    logger.info("recode %s: mentions %s", run_date, changes.summary())
    return changes


def recode_day(settings: Settings, *, run_date: dt.date, sources_file: str | None = None) -> DayRecode:
    """Re-extract, validate, store and reload one day's stored articles with the current extractor."""
    from pipeline.store import partition_row_count

    started = time.perf_counter()
    mentions = recode_lake(settings, run_date=run_date)
    run_id = recode_run_id(settings, run_date)
    events = reload_warehouse(settings, run_date=run_date, run_id=run_id, sources_file=sources_file)
    return DayRecode(
        run_date=run_date,
        run_id=run_id,
        articles=partition_row_count(settings, table_name="articles", run_date=run_date),
        mentions=partition_row_count(settings, table_name="events", run_date=run_date),
        mention_changes=mentions,
        event_changes=events,
        seconds=time.perf_counter() - started,
    )


def recode_range(
    settings: Settings,
    first: dt.date,
    last: dt.date,
    *,
    sources_file: str | None = None,
    echo: Callable[[str], None] = print,
) -> list[DayRecode]:
    """``recode_day`` for every day of ``first..last``, oldest first, echoing one line per day as it finishes
    (and a progress line of the range's articles, with rate and ETA, on a terminal)."""
    from pipeline.progress import Progress
    from pipeline.sources import load_registry
    from pipeline.store import partition_row_count

    days = recode_days(settings, first, last)
    load_registry(sources_file or settings.paths.sources_file)  # a bad registry fails before a day is rewritten
    total = sum(partition_row_count(settings, table_name="articles", run_date=day) for day in days)
    done = []
    with Progress("recode", total=total, unit="articles") as progress:
        for n, day in enumerate(days, 1):
            result = recode_day(settings, run_date=day, sources_file=sources_file)
            echo(f"[{n}/{len(days)}] {format_day(result)}")
            progress.update(result.articles)
            done.append(result)
    return done


def format_day(result: DayRecode) -> str:
    """``2025-03-04: 15 articles -> 32 mentions (31 kept, 1 changed, +0 -1); events (...); changed; 0.7
    articles/s, 21.0 s (run recode-...)``."""
    m, e = result.mention_changes, result.event_changes
    rate = result.articles / result.seconds if result.seconds > 0 else 0.0
    return (
        f"{result.run_date}: {result.articles} articles -> {result.mentions} mentions ({m.summary()}); "
        f"events ({e.summary()}); {'changed' if m.any or e.any else 'unchanged'}; "
        f"{rate:.1f} articles/s, {result.seconds:.1f} s (run {result.run_id})"
    )
