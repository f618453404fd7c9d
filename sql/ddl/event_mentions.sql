-- event_mentions: generated from pipeline/schema.py (schema 1.1.0) by
-- `python -m pipeline.load.ddl`; do not edit by hand (tests/test_load_ddl.py checks it).
create table if not exists event_mentions (
    "mention_id" varchar not null,
    "event_id" varchar,
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
    "is_repeated_toll" boolean,
    "injured" integer,
    "evidence" varchar not null,
    "char_start" integer not null,
    "char_end" integer not null,
    "confidence" double not null,
    "extractor_version" varchar not null,
    "run_id" varchar not null,
    "run_date" date not null,
    primary key ("mention_id")
);
comment on table event_mentions is 'one row per event mention: an (article, sentence, action, place) the extractor coded.';
comment on column event_mentions."mention_id" is 'id of the mention: sha256 (first 32 hex) of article_id, char_start, char_end, action_type and location_text, stable across reruns (the lake''s event_id)';
comment on column event_mentions."event_id" is 'real-world event (events.event_id) the mention belongs to; null when the mention is not asserted as fact (see modality)';
comment on column event_mentions."article_id" is 'article the event was read from';
comment on column event_mentions."source_id" is 'outlet id of the article (source registry)';
comment on column event_mentions."url" is 'URL of the article the event was read from';
comment on column event_mentions."published_at" is 'article publication timestamp (UTC)';
comment on column event_mentions."event_date" is 'when the event happened (resolved from the text), not when published';
comment on column event_mentions."date_precision" is 'precision of event_date';
comment on column event_mentions."date_text" is 'the words the date was resolved from, if any';
comment on column event_mentions."action_type" is 'coarse action class';
comment on column event_mentions."event_type" is 'ACLED-style event type';
comment on column event_mentions."sub_event_type" is 'ACLED-style sub-event type';
comment on column event_mentions."plover_type" is 'PLOVER event type (from the CAMEO->PLOVER table)';
comment on column event_mentions."cameo_code" is 'CAMEO event code';
comment on column event_mentions."trigger_text" is 'the words that triggered the action';
comment on column event_mentions."modality" is 'asserted, or why the event is not a fact (negated, denied, threat, future, hypothetical)';
comment on column event_mentions."actor1_text" is 'perpetrator as written in the text';
comment on column event_mentions."actor1_norm" is 'normalised perpetrator name (English)';
comment on column event_mentions."actor1_type" is 'perpetrator type';
comment on column event_mentions."actor2_text" is 'target as written in the text';
comment on column event_mentions."actor2_norm" is 'normalised target name (English)';
comment on column event_mentions."actor2_type" is 'target type';
comment on column event_mentions."location_text" is 'place as written in the text (kept even when unresolved)';
comment on column event_mentions."country_code" is 'ISO-3166 alpha-2 country';
comment on column event_mentions."admin1" is 'first-level region (governorate/state), English name';
comment on column event_mentions."admin2" is 'second-level region (district), English name';
comment on column event_mentions."latitude" is 'WGS84 latitude';
comment on column event_mentions."longitude" is 'WGS84 longitude';
comment on column event_mentions."geonames_id" is 'GeoNames id of the resolved place';
comment on column event_mentions."geo_precision" is 'what the coordinates stand for';
comment on column event_mentions."fatalities" is 'conservative death count (0 when none reported, null when unnumbered)';
comment on column event_mentions."is_repeated_toll" is 'true when an earlier asserted mention of the same article carries the same death count: the article''s toll repeated, counted once (in the event of the earlier mention)';
comment on column event_mentions."injured" is 'injured count, kept apart from fatalities';
comment on column event_mentions."evidence" is 'the sentence that supports the event';
comment on column event_mentions."char_start" is 'offset of the evidence sentence in the article text';
comment on column event_mentions."char_end" is 'end offset (exclusive) of the evidence sentence';
comment on column event_mentions."confidence" is 'extractor confidence in [0, 1]';
comment on column event_mentions."extractor_version" is 'version of the extraction engine: `<rules>+<decision model version>`; the rules part, `ar-lex-<digest>`, hashes the rule code, lexicons and gazetteer, the model version its training data, its code and the rules it was trained with';
comment on column event_mentions."run_id" is 'pipeline run that produced the row';
comment on column event_mentions."run_date" is 'logical date of the run (partition key)';
