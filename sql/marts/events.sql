-- events: one row per real-world event, from the mentions assign_events.sql grouped (event_id).
-- Described by its representative mention (highest confidence, then most precise place, then earliest
-- published). Deaths are counted once: a mention repeating its article's toll (is_repeated_toll) gives
-- no figure; fatalities_low / fatalities_high are the lowest / highest figure the other mentions report
-- (a mention silent on deaths does not pull the figure down to 0); fatalities is the conservative one
-- (the lowest, as ACLED does), 0 when the mentions report no death, null when deaths are unnumbered.
with members as (
    select
        m.*,
        case m.date_precision when 'day' then 0 when 'week' then 1 when 'month' then 2 when 'year' then 3
            else 4 end as date_rank,
        case m.geo_precision when 'town' then 0 when 'district' then 1 when 'region' then 2
            when 'country' then 3 else 4 end as geo_rank,
        case when m.is_repeated_toll then null else m.fatalities end as counted_fatalities,
    from event_mentions as m
    where m.event_id is not null
),

ranked as (
    select
        *,
        min(date_rank) over (partition by event_id) as best_date_rank,
    from members
),

clusters as (
    select
        -- ids
        event_id,
        first(mention_id order by confidence desc, geo_rank, published_at asc nulls last, mention_id)
            as representative_mention_id,
        -- who
        first(actor1_norm order by actor1_norm is null, confidence desc, mention_id) as actor1_norm,
        first(actor1_type order by actor1_norm is null, confidence desc, mention_id) as actor1_type,
        mode(actor2_norm) as actor2_norm,
        first(actor2_type order by actor2_norm is null, confidence desc, mention_id) as actor2_type,
        -- when
        min(event_date) filter (where date_rank = best_date_rank) as event_date,
        first(date_precision order by date_rank, mention_id) as date_precision,
        min(event_date) as first_event_date,
        max(event_date) as last_event_date,
        min(published_at) as first_reported_at,
        max(published_at) as last_reported_at,
        -- how many
        min(counted_fatalities) filter (where counted_fatalities > 0) as lowest_death_figure,
        max(counted_fatalities) as highest_death_figure,
        count(counted_fatalities) > 0 or bool_or(is_repeated_toll) as deaths_numbered,
        min(injured) filter (where injured > 0) as lowest_injured_figure,
        count(injured) > 0 as injured_numbered,
        count(*) as num_mentions,
        count(distinct article_id) as num_articles,
        count(distinct source_id) as num_sources,
        list(distinct source_id order by source_id) filter (where source_id is not null) as source_ids,
        -- provenance
        max(confidence) as confidence,
        max(run_date) as last_run_date,
    from ranked
    group by event_id
),

final as (
    select
        -- ids
        c.event_id,
        c.representative_mention_id,
        -- what
        r.action_type,
        r.event_type,
        r.sub_event_type,
        r.plover_type,
        r.cameo_code,
        -- who
        c.actor1_norm,
        c.actor1_type,
        c.actor2_norm,
        c.actor2_type,
        -- where
        r.location_text,
        r.country_code,
        r.admin1,
        r.admin2,
        r.latitude,
        r.longitude,
        r.geonames_id,
        r.geo_precision,
        -- when
        coalesce(c.event_date, r.event_date) as event_date,
        c.date_precision,
        c.first_event_date,
        c.last_event_date,
        c.first_reported_at,
        c.last_reported_at,
        -- how many
        case when c.deaths_numbered then coalesce(c.lowest_death_figure, 0) end as fatalities,
        case when c.deaths_numbered then coalesce(c.lowest_death_figure, 0) end as fatalities_low,
        case when c.deaths_numbered then coalesce(c.highest_death_figure, 0) end as fatalities_high,
        case when c.injured_numbered then coalesce(c.lowest_injured_figure, 0) end as injured,
        c.num_mentions,
        c.num_articles,
        c.num_sources,
        coalesce(c.source_ids, []) as source_ids,
        -- provenance
        r.article_id,
        r.url,
        r.evidence,
        c.confidence,
        r.extractor_version,
        c.last_run_date,
    from clusters as c
    inner join members as r on r.mention_id = c.representative_mention_id
)

select * from final
