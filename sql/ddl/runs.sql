-- runs: generated from pipeline/schema.py (schema 1.1.0) by
-- `python -m pipeline.load.ddl`; do not edit by hand (tests/test_load_ddl.py checks it).
create table if not exists runs (
    "run_id" varchar not null,
    "run_date" date not null,
    "stage" varchar not null,
    "source_id" varchar,
    "started_at" timestamp with time zone,
    "finished_at" timestamp with time zone,
    "status" varchar not null,
    "records_in" bigint,
    "records_out" bigint,
    "fetched" bigint,
    "new_articles" bigint,
    "duplicates" bigint,
    "quarantined" bigint,
    "errors" bigint,
    "errors_by_kind" varchar,
    "message" varchar
);
-- no primary key constraint: key (run_id, stage, source_id) has a nullable column; the merge is null-safe.
comment on table runs is 'one row per (run, stage, source) with the stage''s counts.';
comment on column runs."run_id" is 'pipeline run';
comment on column runs."run_date" is 'logical date of the run';
comment on column runs."stage" is 'crawl, extract, validate, store, load, publish';
comment on column runs."source_id" is 'outlet id for per-source crawl rows, else null';
comment on column runs."started_at" is 'when the stage started (UTC)';
comment on column runs."finished_at" is 'when the stage finished (UTC)';
comment on column runs."status" is 'ok, partial, failed';
comment on column runs."records_in" is 'records the stage read';
comment on column runs."records_out" is 'records the stage wrote';
comment on column runs."fetched" is 'HTTP responses / WARC records read (crawl)';
comment on column runs."new_articles" is 'articles not seen before (crawl)';
comment on column runs."duplicates" is 'URLs or bodies already seen (crawl)';
comment on column runs."quarantined" is 'records sent to quarantine';
comment on column runs."errors" is 'errors in total';
comment on column runs."errors_by_kind" is 'JSON object: error kind -> count';
comment on column runs."message" is 'human-readable summary';
