-- events: generated from pipeline/schema.py (schema 1.1.0) by
-- `python -m pipeline.load.ddl`; do not edit by hand (tests/test_load_ddl.py checks it).
create table if not exists events (
    "event_id" varchar not null,
    "representative_mention_id" varchar not null,
    "action_type" varchar not null,
    "event_type" varchar,
    "sub_event_type" varchar,
    "plover_type" varchar,
    "cameo_code" varchar,
    "actor1_norm" varchar,
    "actor1_type" varchar,
    "actor2_norm" varchar,
    "actor2_type" varchar,
    "location_text" varchar,
    "country_code" varchar,
    "admin1" varchar,
    "admin2" varchar,
    "latitude" double,
    "longitude" double,
    "geonames_id" bigint,
    "geo_precision" varchar,
    "event_date" date,
    "date_precision" varchar,
    "first_event_date" date,
    "last_event_date" date,
    "first_reported_at" timestamp with time zone,
    "last_reported_at" timestamp with time zone,
    "fatalities" integer,
    "fatalities_low" integer,
    "fatalities_high" integer,
    "injured" integer,
    "num_mentions" integer not null,
    "num_articles" integer not null,
    "num_sources" integer not null,
    "source_ids" varchar[],
    "article_id" varchar not null,
    "url" varchar,
    "evidence" varchar not null,
    "confidence" double not null,
    "extractor_version" varchar not null,
    "last_run_date" date not null,
    primary key ("event_id")
);
comment on table events is 'one row per real-world event: its asserted mentions clustered across articles and outlets.';
comment on column events."event_id" is 'md5 (first 16 hex) of the cluster key: event type, place, actor and two-day window of its first mentions; stable across reruns while those are unchanged';
comment on column events."representative_mention_id" is 'mention that describes the event (highest confidence, then most precise place, then earliest published)';
comment on column events."action_type" is 'coarse action class';
comment on column events."event_type" is 'ACLED-style event type';
comment on column events."sub_event_type" is 'ACLED-style sub-event type';
comment on column events."plover_type" is 'PLOVER event type (from the CAMEO->PLOVER table)';
comment on column events."cameo_code" is 'CAMEO event code';
comment on column events."actor1_norm" is 'normalised perpetrator name (English); the named one when mentions differ in naming it';
comment on column events."actor1_type" is 'perpetrator type';
comment on column events."actor2_norm" is 'normalised target name (English), the most frequent among mentions';
comment on column events."actor2_type" is 'target type';
comment on column events."location_text" is 'place as written in the representative mention';
comment on column events."country_code" is 'ISO-3166 alpha-2 country';
comment on column events."admin1" is 'first-level region (governorate/state), English name';
comment on column events."admin2" is 'second-level region (district), English name';
comment on column events."latitude" is 'WGS84 latitude';
comment on column events."longitude" is 'WGS84 longitude';
comment on column events."geonames_id" is 'GeoNames id of the resolved place';
comment on column events."geo_precision" is 'what the coordinates stand for';
comment on column events."event_date" is 'when the event happened: the earliest date among the mentions with the most precise date';
comment on column events."date_precision" is 'precision of event_date (the most precise of the mentions)';
comment on column events."first_event_date" is 'earliest event_date any mention gives';
comment on column events."last_event_date" is 'latest event_date any mention gives';
comment on column events."first_reported_at" is 'earliest publication time of a mention''s article';
comment on column events."last_reported_at" is 'latest publication time of a mention''s article';
comment on column events."fatalities" is 'conservative death count: the lowest figure the mentions report, each article''s toll counted once (0 when none reported, null when only unnumbered deaths)';
comment on column events."fatalities_low" is 'lowest death figure among the mentions (each article''s toll once)';
comment on column events."fatalities_high" is 'highest death figure among the mentions (each article''s toll once)';
comment on column events."injured" is 'lowest injured figure among the mentions, kept apart from fatalities';
comment on column events."num_mentions" is 'asserted mentions of the event';
comment on column events."num_articles" is 'distinct articles that mention it';
comment on column events."num_sources" is 'distinct outlets that mention it';
comment on column events."source_ids" is 'outlets that mention it, sorted';
comment on column events."article_id" is 'article of the representative mention';
comment on column events."url" is 'URL of the representative mention''s article';
comment on column events."evidence" is 'sentence of the representative mention';
comment on column events."confidence" is 'highest extractor confidence among the mentions, in [0, 1]';
comment on column events."extractor_version" is 'extractor version of the representative mention';
comment on column events."last_run_date" is 'latest run date of any of its mentions';
