-- articles: generated from pipeline/schema.py (schema 1.1.0) by
-- `python -m pipeline.load.ddl`; do not edit by hand (tests/test_load_ddl.py checks it).
create table if not exists articles (
    "article_id" varchar not null,
    "source_id" varchar not null,
    "url" varchar not null,
    "canonical_url" varchar,
    "alt_urls" varchar[],
    "title" varchar,
    "text" varchar not null,
    "author" varchar,
    "published_at" timestamp with time zone,
    "fetched_at" timestamp with time zone,
    "language" varchar,
    "country_code" varchar,
    "content_sha256" varchar not null,
    "near_duplicate_of" varchar,
    "warc_path" varchar,
    "warc_offset" bigint,
    "run_id" varchar not null,
    "run_date" date not null,
    primary key ("article_id")
);
comment on table articles is 'one row per distinct article (canonical URL / content hash) fetched or ingested.';
comment on column articles."article_id" is 'sha256 (first 32 hex) of the canonical URL; or the `id` of a JSONL input';
comment on column articles."source_id" is 'outlet id from the source registry';
comment on column articles."url" is 'URL the article was fetched from';
comment on column articles."canonical_url" is 'normalised canonical URL (rel=canonical, tracking params removed)';
comment on column articles."alt_urls" is 'other URLs that served the same body (exact duplicates)';
comment on column articles."title" is 'article headline';
comment on column articles."text" is 'main body text (boilerplate removed by trafilatura)';
comment on column articles."author" is 'byline, when the page gives one';
comment on column articles."published_at" is 'publication timestamp (UTC); date-only values are midnight UTC';
comment on column articles."fetched_at" is 'when the response was fetched (or the WARC record date)';
comment on column articles."language" is 'detected language code (ar expected)';
comment on column articles."country_code" is 'ISO2 country of the outlet (context for geocoding)';
comment on column articles."content_sha256" is 'sha256 of the normalised body text';
comment on column articles."near_duplicate_of" is 'article_id of an earlier near-duplicate (syndicated copy)';
comment on column articles."warc_path" is 'WARC file holding the raw response';
comment on column articles."warc_offset" is 'byte offset of the response record in warc_path';
comment on column articles."run_id" is 'pipeline run that produced the row';
comment on column articles."run_date" is 'logical date of the run (partition key)';
