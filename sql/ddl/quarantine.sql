-- quarantine: generated from pipeline/schema.py (schema 1.1.0) by
-- `python -m pipeline.load.ddl`; do not edit by hand (tests/test_load_ddl.py checks it).
create table if not exists quarantine (
    "quarantine_id" varchar not null,
    "table_name" varchar not null,
    "record_id" varchar not null,
    "stage" varchar not null,
    "reason" varchar not null,
    "failed_expectations" varchar[],
    "source_url" varchar,
    "payload" varchar,
    "run_id" varchar not null,
    "run_date" date not null,
    primary key ("quarantine_id")
);
comment on table quarantine is 'one row per record a stage refused, with the reason(s); never published.';
comment on column quarantine."quarantine_id" is 'sha256 of table, record_id, stage and reason';
comment on column quarantine."table_name" is 'table the record was headed for (articles, events)';
comment on column quarantine."record_id" is 'article_id / event_id / URL of the refused record';
comment on column quarantine."stage" is 'stage that refused it (crawl, extract, validate, ...)';
comment on column quarantine."reason" is 'short machine-readable reason, e.g. not_arabic, empty_body';
comment on column quarantine."failed_expectations" is 'Great Expectations that failed, if any';
comment on column quarantine."source_url" is 'URL of the article the record came from';
comment on column quarantine."payload" is 'the refused record as JSON';
comment on column quarantine."run_id" is 'pipeline run';
comment on column quarantine."run_date" is 'logical date of the run (partition key)';
