"""The pipeline's stages in order, each reading and writing one day's partitions.

These are the functions the Airflow tasks and ``conflict-events run`` call: every one takes the run's
``run_date`` and ``run_id``, reads its input from the lake/staging partition of that day, writes its
output partition (replacing it on rerun) and returns the path it wrote, so tasks pass paths, not data.

    crawl -> staging/articles          extract -> staging/events (+ quarantine)
    validate -> validated/{articles,events} (+ quarantine, data docs)
    store -> lake/{articles,events}    load -> warehouse      report -> reports/<date>/index.html
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import paths, schema
from pipeline.settings import Settings

if TYPE_CHECKING:
    import pyarrow as pa

logger = logging.getLogger(__name__)

VALIDATED_TABLES = ("articles", "events")


def new_run_id(run_date: dt.date, kind: str = "run") -> str:
    """A fresh run id such as ``run-2025-03-03-1a2b3c4d``."""
    return f"{kind}-{run_date.isoformat()}-{uuid.uuid4().hex[:8]}"


@dataclass
class StageRecord:
    """Counts a stage reports; written as one row of the ``runs`` table."""

    stage: str
    records_in: int = 0
    records_out: int = 0
    quarantined: int = 0
    status: str = "ok"
    message: str = ""
    extra: dict[str, int] = field(default_factory=dict)


@contextmanager
def _recorded_stage(
    settings: Settings, stage: str, *, run_date: dt.date, run_id: str
) -> Iterator[StageRecord]:
    """Time a stage and write its ``runs`` row (part ``<stage>`` of the day, replaced on rerun)."""
    from pipeline.store import write_partition

    record = StageRecord(stage)
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    t0 = time.perf_counter()
    try:
        yield record
    except Exception as exc:
        record.status, record.message = "failed", f"{type(exc).__name__}: {exc}"[:500]
        raise
    finally:
        release_memory()
        row = {
            "run_id": run_id,
            "run_date": run_date,
            "stage": stage,
            "source_id": None,
            "started_at": started,
            "finished_at": dt.datetime.now(dt.UTC).replace(microsecond=0),
            "status": record.status,
            "records_in": record.records_in,
            "records_out": record.records_out,
            "quarantined": record.quarantined,
            "errors": 1 if record.status == "failed" else 0,
            "errors_by_kind": json.dumps(record.extra, sort_keys=True),
            "message": record.message or f"{stage} took {time.perf_counter() - t0:.1f}s",
        }
        write_partition(
            schema.to_table([row], "runs"), settings, table_name="runs", run_date=run_date, part=stage
        )


def release_memory() -> None:
    """Hand the heap a finished stage freed back to the OS (glibc keeps it otherwise, and the next stage's
    peak would stack on it); a no-op where ``malloc_trim`` does not exist."""
    import ctypes
    import gc

    gc.collect()
    # The process's own symbols (libc included): ctypes.util.find_library would fork ldconfig.
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
    if trim is not None:
        trim(0)


def _part_name(prefix: str, source_ids: list[str] | None) -> str:
    return f"{prefix}-{'-'.join(sorted(source_ids))}" if source_ids else f"{prefix}-all"


def run_crawl(
    settings: Settings,
    *,
    run_date: dt.date,
    run_id: str,
    sources_file: str | None = None,
    source_ids: list[str] | None = None,
    window: tuple[dt.datetime, dt.datetime] | None = None,
    progress: bool = True,
) -> str:
    """Crawl the registry's sources (or ``source_ids``) and stage the day's new articles."""
    from pipeline.crawl import crawl_sources
    from pipeline.store import write_partition, write_partition_batches

    part = _part_name("crawl", source_ids)

    def stage_articles(batches: Iterator[pa.Table]) -> str:
        """The day's articles streamed from the crawl state into the staging part (atomic)."""
        return write_partition_batches(
            batches, settings, table_name="articles", run_date=run_date, part=part, layer="staging"
        )

    result = crawl_sources(
        settings,
        sources_file=sources_file or settings.paths.sources_file,
        run_date=run_date,
        run_id=run_id,
        source_ids=source_ids,
        window=window,
        progress=progress,
        articles_sink=stage_articles,
    )
    articles_path = str(result.articles_written)
    release_memory()
    write_partition(result.quarantine, settings, table_name="quarantine", run_date=run_date, part=part)
    write_partition(result.runs, settings, table_name="runs", run_date=run_date, part=part)
    logger.info(
        "crawl: %d articles staged, %d quarantined -> %s",
        result.article_count,
        result.quarantine.num_rows,
        articles_path,
    )
    return articles_path


def run_extract(settings: Settings, *, run_date: dt.date, run_id: str) -> str:
    """Extract events from the day's staged articles into ``staging/events``.

    Streams: staged articles are read ``extract.batch_size`` at a time and each batch's events are
    appended to the new events part as they come (replacing the day's part atomically at the end).
    """
    from pipeline.extract import extract_event_batches
    from pipeline.progress import Progress
    from pipeline.store import iter_partition_batches, partition_row_count, write_partition_batches

    total = partition_row_count(settings, table_name="articles", run_date=run_date, layer="staging")
    with _recorded_stage(settings, "extract", run_date=run_date, run_id=run_id) as record, \
            Progress("extract", total=total, unit="articles") as progress:
        articles = _counted_rows(
            iter_partition_batches(
                settings,
                table_name="articles",
                run_date=run_date,
                layer="staging",
                batch_size=max(1, settings.extract.batch_size),
            ),
            record,
            progress,
        )
        quarantine: list[pa.Table] = []

        def event_batches() -> Iterator[pa.Table]:
            for result in extract_event_batches(articles, settings, run_id=run_id, run_date=run_date):
                quarantine.append(result.quarantine)
                record.records_out += result.events.num_rows
                record.quarantined += result.quarantine.num_rows
                yield result.events

        path = write_partition_batches(
            event_batches(), settings, table_name="events", run_date=run_date, layer="staging", replace=True
        )
        write_partition_batches(
            quarantine, settings, table_name="quarantine", run_date=run_date, part="extract"
        )
    logger.info("extract: %d articles -> %d events", record.records_in, record.records_out)
    return path


def _counted_rows(batches: Iterator[pa.Table], record: StageRecord, progress=None) -> Iterator[pa.Table]:
    """``batches`` unchanged, adding their rows to ``record.records_in`` (and ``progress``) as they pass."""
    for batch in batches:
        record.records_in += batch.num_rows
        yield batch
        if progress is not None:  # the consumer asks for the next batch when this one is coded
            progress.update(batch.num_rows)


def run_validate(settings: Settings, *, run_date: dt.date, run_id: str) -> str:
    """Validate the day's staged articles and events; failures go to quarantine, batch failures raise."""
    from pipeline.progress import Progress
    from pipeline.store import read_partition, replace_partition, write_partition
    from pipeline.validate import raise_for_batch_failures, validate_table

    results = {}
    with _recorded_stage(settings, "validate", run_date=run_date, run_id=run_id) as record, \
            Progress("validate", unit="rows") as progress:
        article_count = None
        for table_name in VALIDATED_TABLES:  # articles first: the events batch check needs their count
            staged = read_partition(settings, table_name=table_name, run_date=run_date, layer="staging")
            result = validate_table(
                staged,
                settings,
                table_name=table_name,
                run_id=run_id,
                run_date=run_date,
                history=_previous_row_counts(settings, table_name, run_date),
                article_count=article_count,
            )
            if table_name == "articles":
                article_count = staged.num_rows
            replace_partition(
                result.valid, settings, table_name=table_name, run_date=run_date, layer="validated"
            )
            write_partition(
                result.quarantine,
                settings,
                table_name="quarantine",
                run_date=run_date,
                part=f"validate-{table_name}",
            )
            record.records_in += staged.num_rows
            progress.update(staged.num_rows)
            record.records_out += result.valid.num_rows
            record.quarantined += result.quarantine.num_rows
            results[table_name] = result
        for result in results.values():
            raise_for_batch_failures(result)
    docs = results["events"].data_docs_path
    if docs:
        logger.info("validate: data docs at %s", docs)
    return paths.partition_dir(settings, "events", run_date, layer="validated")


def _previous_row_counts(
    settings: Settings, table_name: str, run_date: dt.date, *, days: int = 7
) -> list[int]:
    """Row counts of the stored partitions of the ``days`` run dates before ``run_date``."""
    from pipeline.store import list_partitions, partition_row_count

    earlier = [d for d in list_partitions(settings, table_name=table_name) if d < run_date][-days:]
    return [partition_row_count(settings, table_name=table_name, run_date=d) for d in earlier]


def run_store(settings: Settings, *, run_date: dt.date, run_id: str) -> str:
    """Replace the day's lake partitions of articles and events with the validated rows."""
    from pipeline.store import iter_partition_batches, partition_row_count, write_partition_batches

    with _recorded_stage(settings, "store", run_date=run_date, run_id=run_id) as record:
        for table_name in VALIDATED_TABLES:
            valid = iter_partition_batches(settings, table_name=table_name, run_date=run_date, layer="validated")
            write_partition_batches(
                valid, settings, table_name=table_name, run_date=run_date, layer="lake", replace=True
            )
            rows = partition_row_count(settings, table_name=table_name, run_date=run_date)
            record.records_in += rows
            record.records_out += rows
    return paths.partition_dir(settings, "events", run_date)


def run_load(
    settings: Settings, *, run_date: dt.date, run_id: str, sources_file: str | None = None
) -> str:
    """Upsert the day's lake partitions (and the source registry) into the DuckDB warehouse."""
    from pipeline.load import load_warehouse
    from pipeline.sources import load_registry, sources_table

    sources = sources_table(load_registry(sources_file or settings.paths.sources_file))
    with _recorded_stage(settings, "load", run_date=run_date, run_id=run_id) as record:
        counts = load_warehouse(settings, run_date=run_date, sources=sources)
        record.records_out = sum(counts.values())
        record.extra = dict(counts)
    return paths.warehouse_path(settings)


def run_report(settings: Settings, *, run_date: dt.date, run_id: str) -> str:
    """Write the HTML run report for the day."""
    from pipeline.report import write_run_report

    return write_run_report(settings, run_id=run_id, run_date=run_date)


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    run_date: dt.date
    articles: int
    events: int
    fatalities: int
    mentions: int
    events_by_type: dict[str, int]
    not_factual: int
    quarantined: int
    warehouse: str
    report: str
    lake: str
    data_docs: str | None


def run_all(
    settings: Settings,
    *,
    run_date: dt.date,
    run_id: str,
    sources_file: str | None = None,
    window: tuple[dt.datetime, dt.datetime] | None = None,
    progress: bool = True,
) -> RunSummary:
    """The whole nightly job in one process: crawl -> extract -> validate -> store -> load -> report."""
    sources_file = sources_file or settings.paths.sources_file
    day = {"run_date": run_date, "run_id": run_id}
    steps: list[tuple[str, Callable[[], str]]] = [
        ("crawl", lambda: run_crawl(settings, **day, sources_file=sources_file, window=window, progress=progress)),
        ("extract", lambda: run_extract(settings, **day)),
        ("validate", lambda: run_validate(settings, **day)),
        ("store", lambda: run_store(settings, **day)),
        ("load", lambda: run_load(settings, **day, sources_file=sources_file)),
        ("report", lambda: run_report(settings, **day)),
    ]
    written: dict[str, str] = {}
    for n, (name, step) in enumerate(steps, 1):
        logger.info("[%d/%d] %s", n, len(steps), name)
        written[name] = step()
    return summarize_run(settings, **day, warehouse=written["load"], report=written["report"])


def summarize_run(
    settings: Settings, *, run_date: dt.date, run_id: str, warehouse: str, report: str
) -> RunSummary:
    """Counts of the day's stored partitions and of the real-world events they add up to (warehouse)."""
    from pipeline.load import connect
    from pipeline.load.events import run_date_counts
    from pipeline.store import partition_row_count

    con = connect(settings, read_only=True)
    try:
        counts = run_date_counts(con, run_date)
    finally:
        con.close()
    docs = paths.join(paths.data_docs_dir(settings), run_id, "events", "index.html")
    return RunSummary(
        run_id=run_id,
        run_date=run_date,
        articles=partition_row_count(settings, table_name="articles", run_date=run_date),
        events=counts["events"],
        fatalities=counts["fatalities"],
        mentions=counts["mentions"],
        events_by_type=counts["events_by_type"],
        not_factual=counts["not_factual"],
        quarantined=partition_row_count(settings, table_name="quarantine", run_date=run_date),
        warehouse=warehouse,
        report=report,
        lake=paths.join(paths.lake_root(settings), "lake"),
        data_docs=docs if "://" in docs or Path(docs).exists() else None,
    )


def format_summary(summary: RunSummary) -> str:
    """The short text ``conflict-events run`` prints at the end."""
    lines = [
        f"run {summary.run_id} (date {summary.run_date})",
        f"  articles stored : {summary.articles}",
        f"  real events     : {summary.events} ({summary.fatalities} deaths, each toll counted once)",
    ]
    lines += [f"    {action:<22} {count}" for action, count in summary.events_by_type.items()]
    lines += [
        f"  event mentions  : {summary.mentions} (an event reported in several sentences or articles has "
        "several)",
        f"    of which {summary.not_factual} not asserted as fact (negated, denied, threat, future, "
        "hypothetical): in event_mentions only",
        f"  quarantined     : {summary.quarantined} (see the quarantine table)",
        f"  Parquet lake    : {summary.lake}",
        f"  DuckDB warehouse: {summary.warehouse}",
        f"  run report      : {summary.report}",
        f"  data docs       : {summary.data_docs or '(not built)'}",
        "",
        "Try:",
        '  .venv/bin/conflict-events query "select event_date, event_type, actor1_norm, admin1, '
        'country_code, fatalities, num_mentions from events order by event_date"',
    ]
    return "\n".join(lines)
