-- event_clusters: one row per real-world event (asserted mentions clustered across articles and outlets,
-- see event_cluster_members.sql), described by its representative mention (highest confidence, then
-- earliest published). fatalities is the lowest count any mention gives (ACLED's conservative rule);
-- fatalities_max the highest.
create or replace view event_clusters as
with members as (
    select
        m.cluster_id,
        e.*,
    from event_cluster_members as m
    inner join events as e on e.event_id = m.event_id
),

clusters as (
    select
        cluster_id,
        first(event_id order by confidence desc, published_at asc nulls last, event_id)
            as representative_event_id,
        count(*) as num_mentions,
        count(distinct article_id) as num_articles,
        count(distinct source_id) as num_sources,
        min(event_date) as first_event_date,
        max(event_date) as last_event_date,
        min(published_at) as first_reported_at,
        max(published_at) as last_reported_at,
        max(actor1_norm) as cluster_actor1_norm,
        mode(actor2_norm) as cluster_actor2_norm,
        min(fatalities) as fatalities,
        max(fatalities) as fatalities_max,
        list(distinct source_id order by source_id) as source_ids,
        list(event_id order by published_at nulls last, event_id) as event_ids,
    from members
    group by cluster_id
),

final as (
    select
        -- ids
        c.cluster_id,
        c.representative_event_id,
        -- what
        r.event_type,
        r.sub_event_type,
        r.action_type,
        -- who
        c.cluster_actor1_norm as actor1_norm,
        c.cluster_actor2_norm as actor2_norm,
        -- where
        r.country_code,
        r.admin1,
        r.admin2,
        r.location_text,
        r.geonames_id,
        r.latitude,
        r.longitude,
        -- when
        r.event_date,
        c.first_event_date,
        c.last_event_date,
        c.first_reported_at,
        c.last_reported_at,
        -- how many
        c.fatalities,
        c.fatalities_max,
        c.num_mentions,
        c.num_articles,
        c.num_sources,
        c.source_ids,
        c.event_ids,
    from clusters as c
    inner join events as r on r.event_id = c.representative_event_id
)

select * from final;
