"""Validate a staged table with its Great Expectations suite: valid rows, quarantine, batch failures.

Row-level expectations (GE returns an ``unexpected_index_list``) send the rows they refuse to quarantine
with every expectation they failed; column- and batch-level failures (a missing column, a wrong type,
too few rows versus the previous runs, no events from a big crawl, most rows refused) stop the publish
step through ``raise_for_batch_failures``. Nothing is dropped: ``len(valid) + len(quarantine) == len(input)``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import statistics
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import paths, schema
from pipeline.errors import ValidationFailed
from pipeline.settings import Settings
from pipeline.store.parquet import conform
from pipeline.validate.frame import KEY_COLUMN, to_frame
from pipeline.validate.suites import expectation_label, load_suite, parameters_for

log = logging.getLogger(__name__)

MAX_QUARANTINED_FRACTION = 0.5
RESULT_FORMAT = {"result_format": "COMPLETE", "return_unexpected_index_query": False}


@dataclass(frozen=True)
class ValidationResult:
    valid: pa.Table
    quarantine: pa.Table
    batch_failures: list[str]
    data_docs_path: str | None
    statistics: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.batch_failures


@dataclass(frozen=True)
class ExpectationOutcome:
    label: str
    reason: str
    success: bool
    row_level: bool
    unexpected_rows: list[int]
    detail: str


def validate_table(
    table: pa.Table,
    settings: Settings,
    *,
    table_name: str,
    run_id: str,
    run_date: dt.date,
    history: list[int] | None = None,
    article_count: int | None = None,
    article_ids: Iterable[str] | None = None,
) -> ValidationResult:
    """Run ``expectations/<table_name>.json`` over ``table``.

    ``history``: row counts of previous runs of this table (for the row-count sanity check);
    ``article_count``: articles fetched by this run (for the zero-events check of the events table);
    ``article_ids``: the run date's valid article ids (events only; default: the ``validated`` articles
    partition of ``run_date``, which the pipeline writes before validating events).
    Raises SchemaMismatch when the table cannot be cast to its schema at all.
    """
    started = time.perf_counter()
    suite = load_suite(table_name)
    conformed = conform(table, table_name, check_nulls=False)
    known = None
    if table_name == "events":
        known = pa.array(sorted(set(article_ids)), pa.string()) if article_ids is not None else \
            validated_article_ids(settings, run_date)
    frame = to_frame(conformed, table_name, article_ids=known)
    docs_dir = _data_docs_dir(settings, run_id, table_name) if settings.validate.data_docs else None
    outcomes, docs_path = run_suite(frame, suite, parameters_for(settings, run_date), docs_dir=docs_dir)
    if docs_path is not None:
        from pipeline.report.data_docs import publish_data_docs

        docs_path = publish_data_docs(settings, run_id, table_name)
    ge_seconds = time.perf_counter() - started

    failed_by_row = _failures_by_row(outcomes)
    refused = np.zeros(conformed.num_rows, dtype=bool)
    refused[list(failed_by_row)] = True
    valid = conform(conformed.filter(pa.array(~refused)), table_name)
    quarantine = build_quarantine(conformed, failed_by_row, table_name=table_name, run_id=run_id, run_date=run_date)
    assert valid.num_rows + len(failed_by_row) == conformed.num_rows, "validation lost or duplicated rows"

    batch_failures = [f"{o.label}: {o.reason} ({o.detail})" for o in outcomes if not o.row_level and not o.success]
    batch_failures += batch_checks(
        settings,
        table_name=table_name,
        rows=conformed.num_rows,
        quarantined=len(failed_by_row),
        history=history,
        article_count=article_count,
    )
    stats = {
        "table": table_name,
        "run_id": run_id,
        "run_date": run_date.isoformat(),
        "rows_in": conformed.num_rows,
        "rows_valid": valid.num_rows,
        "rows_quarantined": len(failed_by_row),
        "reasons": dict(Counter(quarantine.column("reason").to_pylist()).most_common()),
        "unexpected_by_expectation": {o.label: len(o.unexpected_rows) for o in outcomes if o.unexpected_rows},
        "expectations": len(outcomes),
        "expectations_failed": sum(not o.success for o in outcomes),
        "seconds": round(time.perf_counter() - started, 3),
        "seconds_ge": round(ge_seconds, 3),
    }
    log.info(
        "validated %d %s row(s): %d valid, %d quarantined, %d batch failure(s)",
        stats["rows_in"], table_name, stats["rows_valid"], stats["rows_quarantined"], len(batch_failures),
    )
    return ValidationResult(valid, quarantine, batch_failures, docs_path, stats)


def validated_article_ids(settings: Settings, run_date: dt.date) -> pa.Array | None:
    """Ids of the run date's validated articles; None (with a warning) when that partition does not exist."""
    from pipeline.store import committed_parts, read_partition

    if not committed_parts(settings, table_name="articles", run_date=run_date, layer="validated"):
        log.warning("no validated articles for %s: events are not checked against their articles", run_date)
        return None
    articles = read_partition(settings, table_name="articles", run_date=run_date, layer="validated")
    return pc.unique(articles.column("article_id").combine_chunks())


def raise_for_batch_failures(result: ValidationResult) -> None:
    """Raise ValidationFailed naming every batch-level failure, if any."""
    if result.batch_failures:
        table = result.statistics.get("table", "table")
        lines = "\n".join(f"  - {failure}" for failure in result.batch_failures)
        raise ValidationFailed(
            f"{table}: {len(result.batch_failures)} batch-level expectation(s) failed; not publishing:\n{lines}"
        )


def batch_checks(
    settings: Settings,
    *,
    table_name: str,
    rows: int,
    quarantined: int,
    history: list[int] | None,
    article_count: int | None,
) -> list[str]:
    """Batch-level sanity checks that no single row can fail."""
    failures = []
    threshold = settings.validate.min_articles_for_event_check
    if table_name == "events" and rows == 0 and article_count is not None and article_count >= threshold:
        failures.append(
            f"no_events: the run fetched {article_count} articles (>= {threshold}) and coded zero events"
        )
    if history:
        median = statistics.median(history)
        floor = settings.validate.min_rowcount_ratio_vs_history * median
        if rows < floor:
            failures.append(
                f"row_count_drop: {rows} row(s) < {settings.validate.min_rowcount_ratio_vs_history} x median "
                f"of the previous {len(history)} run(s) ({median:g})"
            )
    if rows and quarantined / rows > MAX_QUARANTINED_FRACTION:
        failures.append(
            f"mostly_quarantined: {quarantined} of {rows} row(s) quarantined (> {MAX_QUARANTINED_FRACTION:.0%})"
        )
    return failures


def run_suite(
    frame: Any, suite_dict: dict[str, Any], parameters: dict[str, Any], *, docs_dir: str | None
) -> tuple[list[ExpectationOutcome], str | None]:
    """Validate ``frame`` (pandas) with GE; with ``docs_dir``, also build the data docs there."""
    logging.getLogger("great_expectations._docs_decorators").setLevel(logging.WARNING)
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # our own log line per table instead
    batch_definition = (
        context.data_sources.add_pandas("staging")
        .add_dataframe_asset(suite_dict["name"])
        .add_batch_definition_whole_dataframe("run")
    )
    suite = gx.ExpectationSuite(**suite_dict)
    docs_path = None
    if docs_dir is None:
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(suite, result_format=RESULT_FORMAT, expectation_parameters=parameters)
    else:
        context.add_data_docs_site(
            site_name="run",
            site_config={
                "class_name": "SiteBuilder",
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": docs_dir},
            },
        )
        suite = context.suites.add(suite)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite_dict["name"], data=batch_definition, suite=suite)
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=f"{suite_dict['name']}_checkpoint",
                validation_definitions=[definition],
                actions=[UpdateDataDocsAction(name="data_docs", site_names=["run"])],
                result_format=RESULT_FORMAT,
            )
        )
        run = checkpoint.run(batch_parameters={"dataframe": frame}, expectation_parameters=parameters)
        (result,) = run.run_results.values()
        docs_path = paths.join(docs_dir, "index.html")
    return [_outcome(r) for r in result.results], docs_path


def _outcome(r: Any) -> ExpectationOutcome:
    config = r.expectation_config
    kwargs = dict(config.kwargs)
    label = expectation_label(config.type, kwargs)
    reason = (config.meta or {}).get("reason", label)
    info = r.exception_info or {}
    if info.get("raised_exception"):
        return ExpectationOutcome(label, reason, False, False, [], f"error: {info.get('exception_message')}")
    result = r.result or {}
    rows = result.get("unexpected_index_list")
    if rows is not None:
        detail = f"{result.get('unexpected_count', len(rows))} unexpected row(s)"
        return ExpectationOutcome(label, reason, bool(r.success), True, [int(i) for i in rows], detail)
    return ExpectationOutcome(label, reason, bool(r.success), False, [], f"observed {result.get('observed_value')!r}")


def _failures_by_row(outcomes: list[ExpectationOutcome]) -> dict[int, list[ExpectationOutcome]]:
    failed: dict[int, list[ExpectationOutcome]] = {}
    for outcome in outcomes:  # GE keeps the suite's order; the first failure of a row is its reason
        for row in outcome.unexpected_rows:
            failed.setdefault(row, []).append(outcome)
    return dict(sorted(failed.items()))


def _json_default(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def build_quarantine(
    table: pa.Table,
    failed_by_row: dict[int, list[ExpectationOutcome]],
    *,
    table_name: str,
    run_id: str,
    run_date: dt.date,
) -> pa.Table:
    """One quarantine row per refused record, in schema.QUARANTINE_SCHEMA."""
    if not failed_by_row:
        return schema.empty_table("quarantine")
    rows = list(failed_by_row)
    records = table.take(pa.array(rows, pa.int64())).to_pylist()
    key = KEY_COLUMN[table_name]
    out = []
    for row, record in zip(rows, records, strict=True):
        outcomes = failed_by_row[row]
        payload = json.dumps(record, ensure_ascii=False, default=_json_default, sort_keys=True)
        record_id = record.get(key) or f"{table_name}:row:{row}"
        reason = outcomes[0].reason
        digest = hashlib.sha256(
            "\x1f".join([table_name, record_id, "validate", reason, payload]).encode()
        ).hexdigest()
        out.append(
            {
                "quarantine_id": digest[:32],
                "table_name": table_name,
                "record_id": record_id,
                "stage": "validate",
                "reason": reason,
                "failed_expectations": [o.label for o in outcomes],
                "source_url": record.get("url"),
                "payload": payload,
                "run_id": run_id,
                "run_date": run_date,
            }
        )
    return schema.to_table(out, "quarantine")


def _data_docs_dir(settings: Settings, run_id: str, table_name: str) -> str | None:
    root = paths.local_build_dir(settings, paths.data_docs_dir(settings))  # uploaded by publish_data_docs
    if "://" in root and not root.startswith("file://"):
        log.warning("data docs are only built on local disk; skipping for %s", root)
        return None
    # Great Expectations' filesystem store needs an absolute base directory.
    local_root = str(Path(root.removeprefix("file://")).resolve())
    return paths.join(local_root, run_id, table_name)
