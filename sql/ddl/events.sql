-- events: generated from pipeline/schema.py (schema 1.0.0) by
-- `python -m pipeline.load.ddl`; do not edit by hand (tests/test_load_ddl.py checks it).
create table if not exists events (
    "event_id" varchar not null,
    "article_id" varchar not null,
    "source_id" varchar,
    "url" varchar,
    "published_at" timestamp with time zone,
    "event_date" date,
    "date_precision" varchar,
    "date_text" varchar,
    "action_type" varchar not null,
    "event_type" varchar,
    "sub_event_type" varchar,
    "plover_type" varchar,
    "cameo_code" varchar,
    "trigger_text" varchar,
    "modality" varchar not null,
    "actor1_text" varchar,
    "actor1_norm" varchar,
    "actor1_type" varchar,
    "actor2_text" varchar,
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
    "fatalities" integer,
    "injured" integer,
    "evidence" varchar not null,
    "char_start" integer not null,
    "char_end" integer not null,
    "confidence" double not null,
    "extractor_version" varchar not null,
    "run_id" varchar not null,
    "run_date" date not null,
    primary key ("event_id")
);
comment on table events is 'one row per event mention: an (article, sentence, action, place) the extractor coded.';
comment on column events."event_id" is 'sha256 (first 32 hex) of article_id, char_start, char_end, action_type and location_text: stable across reruns';
comment on column events."article_id" is 'article the event was read from';
comment on column events."source_id" is 'outlet id of the article (source registry)';
comment on column events."url" is 'URL of the article the event was read from';
comment on column events."published_at" is 'article publication timestamp (UTC)';
comment on column events."event_date" is 'when the event happened (resolved from the text), not when published';
comment on column events."date_precision" is 'precision of event_date';
comment on column events."date_text" is 'the words the date was resolved from, if any';
comment on column events."action_type" is 'coarse action class';
comment on column events."event_type" is 'ACLED-style event type';
comment on column events."sub_event_type" is 'ACLED-style sub-event type';
comment on column events."plover_type" is 'PLOVER event type (from the CAMEO->PLOVER table)';
comment on column events."cameo_code" is 'CAMEO event code';
comment on column events."trigger_text" is 'the words that triggered the action';
comment on column events."modality" is 'asserted, or why the event is not a fact (negated, denied, threat, future, hypothetical)';
comment on column events."actor1_text" is 'perpetrator as written in the text';
comment on column events."actor1_norm" is 'normalised perpetrator name (English)';
comment on column events."actor1_type" is 'perpetrator type';
comment on column events."actor2_text" is 'target as written in the text';
comment on column events."actor2_norm" is 'normalised target name (English)';
comment on column events."actor2_type" is 'target type';
comment on column events."location_text" is 'place as written in the text (kept even when unresolved)';
comment on column events."country_code" is 'ISO-3166 alpha-2 country';
comment on column events."admin1" is 'first-level region (governorate/state), English name';
comment on column events."admin2" is 'second-level region (district), English name';
comment on column events."latitude" is 'WGS84 latitude';
comment on column events."longitude" is 'WGS84 longitude';
comment on column events."geonames_id" is 'GeoNames id of the resolved place';
comment on column events."geo_precision" is 'what the coordinates stand for';
comment on column events."fatalities" is 'conservative death count (0 when none reported, null when unnumbered)';
comment on column events."injured" is 'injured count, kept apart from fatalities';
comment on column events."evidence" is 'the sentence that supports the event';
comment on column events."char_start" is 'offset of the evidence sentence in the article text';
comment on column events."char_end" is 'end offset (exclusive) of the evidence sentence';
comment on column events."confidence" is 'extractor confidence in [0, 1]';
comment on column events."extractor_version" is 'version of the extraction engine and lexicons';
comment on column events."run_id" is 'pipeline run that produced the row';
comment on column events."run_date" is 'logical date of the run (partition key)';
