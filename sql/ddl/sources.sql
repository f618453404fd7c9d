-- sources: generated from pipeline/schema.py (schema 1.1.0) by
-- `python -m pipeline.load.ddl`; do not edit by hand (tests/test_load_ddl.py checks it).
create table if not exists sources (
    "source_id" varchar not null,
    "name" varchar,
    "country_code" varchar,
    "language" varchar,
    "homepage" varchar,
    "entry_points" varchar[],
    "enabled" boolean,
    primary key ("source_id")
);
comment on table sources is 'one row per configured news outlet.';
comment on column sources."source_id" is 'outlet id (source registry key)';
comment on column sources."name" is 'outlet name as it presents itself';
comment on column sources."country_code" is 'ISO2 country of the outlet';
comment on column sources."language" is 'main language of the outlet (ISO 639-1)';
comment on column sources."homepage" is 'homepage URL of the outlet';
comment on column sources."entry_points" is 'feeds, sitemaps, section pages, WARC files';
comment on column sources."enabled" is 'crawled nightly when true';
