"""Every table's columns, defined once.

Grains:
- ``articles``: one row per distinct article (canonical URL / content hash) fetched or ingested.
- ``events``: one row per real-world event: its asserted mentions clustered across articles and outlets.
- ``event_mentions``: one row per event mention: an (article, sentence, action, place) the extractor coded.
- ``quarantine``: one row per record a stage refused, with the reason(s); never published.
- ``runs``: one row per (run, stage, source) with the stage's counts.
- ``sources``: one row per configured news outlet.

Two layers. The lake (``TABLE_FIELDS``) holds what the stages write: the extractor writes its mention
records to the lake table ``events`` (``EVENT_FIELDS``: one row per mention, ``event_id`` there is the
mention's id). The warehouse and the releases (``WAREHOUSE_FIELDS``) split them: the load stage renames
the lake's ``event_id`` to ``mention_id`` in ``event_mentions``, clusters the asserted mentions over every
day loaded and writes one ``events`` row per cluster (``REAL_EVENT_FIELDS``).

The Parquet writer, the DuckDB DDL test, the Great Expectations suites and the codebook all read
these definitions; no other module spells a column list.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

# 1.1.0: the warehouse splits real-world ``events`` from ``event_mentions`` (the lake record is unchanged).
SCHEMA_VERSION = "1.1.0"


@dataclass(frozen=True)
class Field:
    name: str
    type: pa.DataType
    description: str
    nullable: bool = True
    allowed: tuple[str, ...] = ()


def _schema(fields: tuple[Field, ...], table: str) -> pa.Schema:
    return pa.schema(
        [pa.field(f.name, f.type, nullable=f.nullable) for f in fields],
        metadata={"schema_version": SCHEMA_VERSION, "table": table},
    )


# --- taxonomy ---------------------------------------------------------------------------------------

ACTION_TYPES: tuple[str, ...] = (
    "armed_clash",
    "attack",
    "airstrike_shelling",
    "explosion_ied",
    "abduction",
    "arrest_raid",
    "security_operation",
    "protest",
    "riot",
    "statement",
    "meeting_negotiation",
    "agreement",
    "deployment_withdrawal",
    "other",
)

# action_type -> (ACLED-style event_type, default sub_event_type). The extractor may refine the
# sub-event type (e.g. "Shelling/artillery/missile attack" instead of "Air/drone strike").
ACTION_TO_ACLED: dict[str, tuple[str, str]] = {
    "armed_clash": ("Battles", "Armed clash"),
    "attack": ("Violence against civilians", "Attack"),
    "airstrike_shelling": ("Explosions/Remote violence", "Air/drone strike"),
    "explosion_ied": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "abduction": ("Violence against civilians", "Abduction/forced disappearance"),
    "arrest_raid": ("Strategic developments", "Arrests"),
    "security_operation": ("Strategic developments", "Other"),
    "protest": ("Protests", "Peaceful protest"),
    "riot": ("Riots", "Violent demonstration"),
    "statement": ("Strategic developments", "Other"),
    "meeting_negotiation": ("Strategic developments", "Other"),
    "agreement": ("Strategic developments", "Agreement"),
    "deployment_withdrawal": ("Strategic developments", "Non-violent transfer of territory"),
    "other": ("Strategic developments", "Other"),
}

EVENT_TYPES: tuple[str, ...] = (
    "Battles",
    "Violence against civilians",
    "Explosions/Remote violence",
    "Protests",
    "Riots",
    "Strategic developments",
)

SUB_EVENT_TYPES: tuple[str, ...] = (
    "Armed clash",
    "Government regains territory",
    "Non-state actor overtakes territory",
    "Attack",
    "Abduction/forced disappearance",
    "Sexual violence",
    "Air/drone strike",
    "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED",
    "Suicide bomb",
    "Grenade",
    "Chemical weapon",
    "Peaceful protest",
    "Protest with intervention",
    "Excessive force against protesters",
    "Violent demonstration",
    "Mob violence",
    "Agreement",
    "Arrests",
    "Change to group/activity",
    "Disrupted weapons use",
    "Headquarters or base established",
    "Looting/property destruction",
    "Non-violent transfer of territory",
    "Other",
)

ACTOR_TYPES: tuple[str, ...] = (
    "state_forces",
    "rebels",
    "political_militia",
    "identity_militia",
    "rioters",
    "protesters",
    "civilians",
    "external_other",
    "unidentified",
)

DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")
GEO_PRECISIONS: tuple[str, ...] = ("town", "district", "region", "country")
MODALITIES: tuple[str, ...] = ("asserted", "negated", "denied", "threat", "future", "hypothetical")

# --- articles ---------------------------------------------------------------------------------------

ARTICLE_FIELDS: tuple[Field, ...] = (
    Field("article_id", pa.string(), "sha256 (first 32 hex) of the canonical URL; or the `id` of a JSONL "
          "input", nullable=False),
    Field("source_id", pa.string(), "outlet id from the source registry", nullable=False),
    Field("url", pa.string(), "URL the article was fetched from", nullable=False),
    Field("canonical_url", pa.string(), "normalised canonical URL (rel=canonical, tracking params removed)"),
    Field("alt_urls", pa.list_(pa.string()), "other URLs that served the same body (exact duplicates)"),
    Field("title", pa.string(), "article headline"),
    Field("text", pa.string(), "main body text (boilerplate removed by trafilatura)", nullable=False),
    Field("author", pa.string(), "byline, when the page gives one"),
    Field("published_at", pa.timestamp("s", tz="UTC"), "publication timestamp (UTC); date-only values are "
          "midnight UTC"),
    Field("fetched_at", pa.timestamp("s", tz="UTC"), "when the response was fetched (or the WARC record "
          "date)"),
    Field("language", pa.string(), "detected language code (ar expected)"),
    Field("country_code", pa.string(), "ISO2 country of the outlet (context for geocoding)"),
    Field("content_sha256", pa.string(), "sha256 of the normalised body text", nullable=False),
    Field("near_duplicate_of", pa.string(), "article_id of an earlier near-duplicate (syndicated copy)"),
    Field("warc_path", pa.string(), "WARC file holding the raw response"),
    Field("warc_offset", pa.int64(), "byte offset of the response record in warc_path"),
    Field("run_id", pa.string(), "pipeline run that produced the row", nullable=False),
    Field("run_date", pa.date32(), "logical date of the run (partition key)", nullable=False),
)

# --- event mentions as the extractor writes them (lake table "events") ----------------------------

EVENT_FIELDS: tuple[Field, ...] = (
    # ids
    Field("event_id", pa.string(), "id of the mention: sha256 (first 32 hex) of article_id, char_start, "
          "char_end, action_type and location_text, stable across reruns (the warehouse calls it mention_id)",
          nullable=False),
    Field("article_id", pa.string(), "article the event was read from", nullable=False),
    Field("source_id", pa.string(), "outlet id of the article (source registry)"),
    Field("url", pa.string(), "URL of the article the event was read from"),
    # timestamps
    Field("published_at", pa.timestamp("s", tz="UTC"), "article publication timestamp (UTC)"),
    Field("event_date", pa.date32(), "when the event happened (resolved from the text), not when published"),
    Field("date_precision", pa.string(), "precision of event_date", allowed=DATE_PRECISIONS),
    Field("date_text", pa.string(), "the words the date was resolved from, if any"),
    # what
    Field("action_type", pa.string(), "coarse action class", nullable=False, allowed=ACTION_TYPES),
    Field("event_type", pa.string(), "ACLED-style event type", allowed=EVENT_TYPES),
    Field("sub_event_type", pa.string(), "ACLED-style sub-event type", allowed=SUB_EVENT_TYPES),
    Field("plover_type", pa.string(), "PLOVER event type (from the CAMEO->PLOVER table)"),
    Field("cameo_code", pa.string(), "CAMEO event code"),
    Field("trigger_text", pa.string(), "the words that triggered the action"),
    Field("modality", pa.string(), "asserted, or why the event is not a fact (negated, denied, threat, "
          "future, hypothetical)", nullable=False, allowed=MODALITIES),
    # who
    Field("actor1_text", pa.string(), "perpetrator as written in the text"),
    Field("actor1_norm", pa.string(), "normalised perpetrator name (English)"),
    Field("actor1_type", pa.string(), "perpetrator type", allowed=ACTOR_TYPES),
    Field("actor2_text", pa.string(), "target as written in the text"),
    Field("actor2_norm", pa.string(), "normalised target name (English)"),
    Field("actor2_type", pa.string(), "target type", allowed=ACTOR_TYPES),
    # where
    Field("location_text", pa.string(), "place as written in the text (kept even when unresolved)"),
    Field("country_code", pa.string(), "ISO-3166 alpha-2 country"),
    Field("admin1", pa.string(), "first-level region (governorate/state), English name"),
    Field("admin2", pa.string(), "second-level region (district), English name"),
    Field("latitude", pa.float64(), "WGS84 latitude"),
    Field("longitude", pa.float64(), "WGS84 longitude"),
    Field("geonames_id", pa.int64(), "GeoNames id of the resolved place"),
    Field("geo_precision", pa.string(), "what the coordinates stand for", allowed=GEO_PRECISIONS),
    # how many
    Field("fatalities", pa.int32(), "conservative death count (0 when none reported, null when unnumbered)"),
    Field("injured", pa.int32(), "injured count, kept apart from fatalities"),
    # provenance
    Field("evidence", pa.string(), "the sentence that supports the event", nullable=False),
    Field("char_start", pa.int32(), "offset of the evidence sentence in the article text", nullable=False),
    Field("char_end", pa.int32(), "end offset (exclusive) of the evidence sentence", nullable=False),
    Field("confidence", pa.float64(), "extractor confidence in [0, 1]", nullable=False),
    Field("extractor_version", pa.string(),
          "version of the extraction engine: `<rules>+<decision model version>`; the rules part, `ar-lex-<digest>`, "
          "hashes the rule code, lexicons and gazetteer, the model version its training data, its code and the "
          "rules it was trained with", nullable=False),
    Field("run_id", pa.string(), "pipeline run that produced the row", nullable=False),
    Field("run_date", pa.date32(), "logical date of the run (partition key)", nullable=False),
)

# --- warehouse and releases: event_mentions and events ----------------------------------------------

DATE_PRECISION_ORDER = {p: i for i, p in enumerate(DATE_PRECISIONS)}  # lower is more precise
GEO_PRECISION_ORDER = {p: i for i, p in enumerate(GEO_PRECISIONS)}


def _mention_fields() -> tuple[Field, ...]:
    """The extractor's record with the mention id, the event it belongs to and the toll flag added."""
    fields: list[Field] = [
        Field("mention_id", pa.string(), "id of the mention: sha256 (first 32 hex) of article_id, char_start, "
              "char_end, action_type and location_text, stable across reruns (the lake's event_id)",
              nullable=False),
        Field("event_id", pa.string(), "real-world event (events.event_id) the mention belongs to; null when "
              "the mention is not asserted as fact (see modality)"),
    ]
    for f in EVENT_FIELDS:
        if f.name == "event_id":
            continue
        fields.append(f)
        if f.name == "fatalities":
            fields.append(Field("is_repeated_toll", pa.bool_(), "true when an earlier asserted mention of the "
                                "same article carries the same death count: the article's toll repeated, "
                                "counted once (in the event of the earlier mention)"))
    return tuple(fields)


MENTION_FIELDS: tuple[Field, ...] = _mention_fields()

REAL_EVENT_FIELDS: tuple[Field, ...] = (
    # ids
    Field("event_id", pa.string(), "md5 (first 16 hex) of the cluster key: event type, place, actor and "
          "two-day window of its first mentions; stable across reruns while those are unchanged",
          nullable=False),
    Field("representative_mention_id", pa.string(), "mention that describes the event (highest "
          "confidence, then most precise place, then earliest published)", nullable=False),
    # what
    Field("action_type", pa.string(), "coarse action class", nullable=False, allowed=ACTION_TYPES),
    Field("event_type", pa.string(), "ACLED-style event type", allowed=EVENT_TYPES),
    Field("sub_event_type", pa.string(), "ACLED-style sub-event type", allowed=SUB_EVENT_TYPES),
    Field("plover_type", pa.string(), "PLOVER event type (from the CAMEO->PLOVER table)"),
    Field("cameo_code", pa.string(), "CAMEO event code"),
    # who
    Field("actor1_norm", pa.string(), "normalised perpetrator name (English); the named one when mentions "
          "differ in naming it"),
    Field("actor1_type", pa.string(), "perpetrator type", allowed=ACTOR_TYPES),
    Field("actor2_norm", pa.string(), "normalised target name (English), the most frequent among mentions"),
    Field("actor2_type", pa.string(), "target type", allowed=ACTOR_TYPES),
    # where
    Field("location_text", pa.string(), "place as written in the representative mention"),
    Field("country_code", pa.string(), "ISO-3166 alpha-2 country"),
    Field("admin1", pa.string(), "first-level region (governorate/state), English name"),
    Field("admin2", pa.string(), "second-level region (district), English name"),
    Field("latitude", pa.float64(), "WGS84 latitude"),
    Field("longitude", pa.float64(), "WGS84 longitude"),
    Field("geonames_id", pa.int64(), "GeoNames id of the resolved place"),
    Field("geo_precision", pa.string(), "what the coordinates stand for", allowed=GEO_PRECISIONS),
    # when
    Field("event_date", pa.date32(), "when the event happened: the earliest date among the mentions with "
          "the most precise date"),
    Field("date_precision", pa.string(), "precision of event_date (the most precise of the mentions)",
          allowed=DATE_PRECISIONS),
    Field("first_event_date", pa.date32(), "earliest event_date any mention gives"),
    Field("last_event_date", pa.date32(), "latest event_date any mention gives"),
    Field("first_reported_at", pa.timestamp("s", tz="UTC"), "earliest publication time of a mention's article"),
    Field("last_reported_at", pa.timestamp("s", tz="UTC"), "latest publication time of a mention's article"),
    # how many
    Field("fatalities", pa.int32(), "conservative death count: the lowest figure the mentions report, each "
          "article's toll counted once (0 when none reported, null when only unnumbered deaths)"),
    Field("fatalities_low", pa.int32(), "lowest death figure among the mentions (each article's toll once)"),
    Field("fatalities_high", pa.int32(), "highest death figure among the mentions (each article's toll once)"),
    Field("injured", pa.int32(), "lowest injured figure among the mentions, kept apart from fatalities"),
    Field("num_mentions", pa.int32(), "asserted mentions of the event", nullable=False),
    Field("num_articles", pa.int32(), "distinct articles that mention it", nullable=False),
    Field("num_sources", pa.int32(), "distinct outlets that mention it", nullable=False),
    Field("source_ids", pa.list_(pa.string()), "outlets that mention it, sorted"),
    # provenance
    Field("article_id", pa.string(), "article of the representative mention", nullable=False),
    Field("url", pa.string(), "URL of the representative mention's article"),
    Field("evidence", pa.string(), "sentence of the representative mention", nullable=False),
    Field("confidence", pa.float64(), "highest extractor confidence among the mentions, in [0, 1]",
          nullable=False),
    Field("extractor_version", pa.string(), "extractor version of the representative mention",
          nullable=False),
    Field("last_run_date", pa.date32(), "latest run date of any of its mentions", nullable=False),
)

# --- quarantine / runs / sources -------------------------------------------------------------------

QUARANTINE_FIELDS: tuple[Field, ...] = (
    Field("quarantine_id", pa.string(), "sha256 of table, record_id, stage and reason", nullable=False),
    Field("table_name", pa.string(), "table the record was headed for (articles, events)", nullable=False),
    Field("record_id", pa.string(), "article_id / event_id / URL of the refused record", nullable=False),
    Field("stage", pa.string(), "stage that refused it (crawl, extract, validate, ...)", nullable=False),
    Field("reason", pa.string(), "short machine-readable reason, e.g. not_arabic, empty_body", nullable=False),
    Field("failed_expectations", pa.list_(pa.string()), "Great Expectations that failed, if any"),
    Field("source_url", pa.string(), "URL of the article the record came from"),
    Field("payload", pa.string(), "the refused record as JSON"),
    Field("run_id", pa.string(), "pipeline run", nullable=False),
    Field("run_date", pa.date32(), "logical date of the run (partition key)", nullable=False),
)

RUN_FIELDS: tuple[Field, ...] = (
    Field("run_id", pa.string(), "pipeline run", nullable=False),
    Field("run_date", pa.date32(), "logical date of the run", nullable=False),
    Field("stage", pa.string(), "crawl, extract, validate, store, load, publish", nullable=False),
    Field("source_id", pa.string(), "outlet id for per-source crawl rows, else null"),
    Field("started_at", pa.timestamp("s", tz="UTC"), "when the stage started (UTC)"),
    Field("finished_at", pa.timestamp("s", tz="UTC"), "when the stage finished (UTC)"),
    Field("status", pa.string(), "ok, partial, failed", nullable=False),
    Field("records_in", pa.int64(), "records the stage read"),
    Field("records_out", pa.int64(), "records the stage wrote"),
    Field("fetched", pa.int64(), "HTTP responses / WARC records read (crawl)"),
    Field("new_articles", pa.int64(), "articles not seen before (crawl)"),
    Field("duplicates", pa.int64(), "URLs or bodies already seen (crawl)"),
    Field("quarantined", pa.int64(), "records sent to quarantine"),
    Field("errors", pa.int64(), "errors in total"),
    Field("errors_by_kind", pa.string(), "JSON object: error kind -> count"),
    Field("message", pa.string(), "human-readable summary"),
)

SOURCE_FIELDS: tuple[Field, ...] = (
    Field("source_id", pa.string(), "outlet id (source registry key)", nullable=False),
    Field("name", pa.string(), "outlet name as it presents itself"),
    Field("country_code", pa.string(), "ISO2 country of the outlet"),
    Field("language", pa.string(), "main language of the outlet (ISO 639-1)"),
    Field("homepage", pa.string(), "homepage URL of the outlet"),
    Field("entry_points", pa.list_(pa.string()), "feeds, sitemaps, section pages, WARC files"),
    Field("enabled", pa.bool_(), "crawled nightly when true"),
)

ARTICLE_SCHEMA = _schema(ARTICLE_FIELDS, "articles")
EVENT_SCHEMA = _schema(EVENT_FIELDS, "events")
QUARANTINE_SCHEMA = _schema(QUARANTINE_FIELDS, "quarantine")
RUN_SCHEMA = _schema(RUN_FIELDS, "runs")
SOURCE_SCHEMA = _schema(SOURCE_FIELDS, "sources")

MENTION_SCHEMA = _schema(MENTION_FIELDS, "event_mentions")
REAL_EVENT_SCHEMA = _schema(REAL_EVENT_FIELDS, "events")

# Lake tables: what the stages write and validate (the lake's "events" holds mention records).
TABLE_FIELDS: dict[str, tuple[Field, ...]] = {
    "articles": ARTICLE_FIELDS,
    "events": EVENT_FIELDS,
    "quarantine": QUARANTINE_FIELDS,
    "runs": RUN_FIELDS,
    "sources": SOURCE_FIELDS,
}
TABLE_SCHEMAS: dict[str, pa.Schema] = {
    "articles": ARTICLE_SCHEMA,
    "events": EVENT_SCHEMA,
    "quarantine": QUARANTINE_SCHEMA,
    "runs": RUN_SCHEMA,
    "sources": SOURCE_SCHEMA,
}
# Primary keys used for idempotent upserts.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "articles": ("article_id",),
    "events": ("event_id",),
    "quarantine": ("quarantine_id",),
    "runs": ("run_id", "stage", "source_id"),
    "sources": ("source_id",),
}


# Warehouse tables (and the released files): mentions and real-world events apart.
WAREHOUSE_FIELDS: dict[str, tuple[Field, ...]] = {
    "articles": ARTICLE_FIELDS,
    "event_mentions": MENTION_FIELDS,
    "events": REAL_EVENT_FIELDS,
    "quarantine": QUARANTINE_FIELDS,
    "runs": RUN_FIELDS,
    "sources": SOURCE_FIELDS,
}
WAREHOUSE_SCHEMAS: dict[str, pa.Schema] = {
    "articles": ARTICLE_SCHEMA,
    "event_mentions": MENTION_SCHEMA,
    "events": REAL_EVENT_SCHEMA,
    "quarantine": QUARANTINE_SCHEMA,
    "runs": RUN_SCHEMA,
    "sources": SOURCE_SCHEMA,
}
WAREHOUSE_KEYS: dict[str, tuple[str, ...]] = {
    **{t: k for t, k in TABLE_KEYS.items() if t != "events"},
    "event_mentions": ("mention_id",),
    "events": ("event_id",),
}


def warehouse_column_names(table: str) -> list[str]:
    """Column names of warehouse table ``table`` in schema order."""
    return [f.name for f in WAREHOUSE_FIELDS[table]]


def column_names(table: str) -> list[str]:
    """Column names of ``table`` in schema order."""
    return [f.name for f in TABLE_FIELDS[table]]


def empty_table(table: str) -> pa.Table:
    """A zero-row Arrow table with ``table``'s schema."""
    return TABLE_SCHEMAS[table].empty_table()


def to_table(rows: list[dict], table: str) -> pa.Table:
    """Arrow table from row dicts, in ``table``'s schema; missing keys become null, extra keys are an error."""
    schema = TABLE_SCHEMAS[table]
    names = set(schema.names)
    for row in rows:
        extra = set(row) - names
        if extra:
            from pipeline.errors import SchemaMismatch

            raise SchemaMismatch(f"{table}: unknown column(s) {sorted(extra)}")
    return pa.Table.from_pylist(rows, schema=schema)
