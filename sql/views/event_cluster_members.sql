-- event_cluster_members: one row per asserted event mention, with the cluster (real-world event) it is in.
-- A cluster groups asserted mentions with
--   * the same event type (event_type, else action_type),
--   * the same place (geonames_id; else country + admin1 + location text; a mention with no place at all
--     stays alone),
--   * compatible actors (the same actor1_norm, or actor1_norm null on one side),
--   * event dates within one day: windows of two days anchored at the first date of a run of consecutive
--     days, so daily strikes on one town do not chain into one month-long cluster.
-- A null-actor group joins the actor group of the same type and place whose dates are within a day
-- (the one with most mentions, then the first actor name), else it stays a cluster of its own.
create or replace view event_cluster_members as
with mentions as (
    select
        -- ids
        e.event_id,
        -- blocking keys
        coalesce(e.event_type, e.action_type) as type_key,
        case
            when e.event_date is null then 'e:' || e.event_id
            when e.geonames_id is not null then 'g:' || e.geonames_id
            when e.admin1 is not null or e.location_text is not null
                then 't:' || concat_ws('|', coalesce(e.country_code, ''), coalesce(lower(e.admin1), ''),
                                       coalesce(lower(trim(e.location_text)), ''))
            else 'e:' || e.event_id
        end as place_key,
        e.actor1_norm as actor_key,
        coalesce(e.event_date, date '1970-01-01') as date_key,
    from events as e
    where e.modality = 'asserted'
),

islands as (
    select
        *,
        sum(case when gap is null or gap > 1 then 1 else 0 end)
            over (partition by type_key, place_key, actor_key order by date_key, event_id) as island_no,
    from (
        select
            *,
            date_key - lag(date_key) over (partition by type_key, place_key, actor_key
                                           order by date_key, event_id) as gap,
        from mentions
    )
),

windows as (
    select
        *,
        island_start + cast(2 * ((date_key - island_start) // 2) as integer) as window_start,
    from (
        select
            *,
            min(date_key) over (partition by type_key, place_key, actor_key, island_no) as island_start,
        from islands
    )
),

groups as (
    select
        type_key,
        place_key,
        actor_key,
        window_start,
        min(date_key) as first_date,
        max(date_key) as last_date,
        count(*) as num_mentions,
    from windows
    group by all
),

null_actor_home as (
    select
        n.type_key,
        n.place_key,
        n.window_start,
        first(a.actor_key order by a.num_mentions desc, a.actor_key, a.window_start) as home_actor,
        first(a.window_start order by a.num_mentions desc, a.actor_key, a.window_start) as home_window,
    from groups as n
    inner join groups as a
        on a.type_key = n.type_key
        and a.place_key = n.place_key
        and a.actor_key is not null
        and a.first_date <= n.last_date + 1
        and a.last_date >= n.first_date - 1
    where n.actor_key is null
    group by all
),

final as (
    select
        w.event_id,
        md5(concat_ws('|', w.type_key, w.place_key,
                      coalesce(w.actor_key, h.home_actor, ''),
                      cast(coalesce(h.home_window, w.window_start) as varchar)))[:16] as cluster_id,
    from windows as w
    left join null_actor_home as h
        on w.actor_key is null
        and h.type_key = w.type_key
        and h.place_key = w.place_key
        and h.window_start = w.window_start
)

select * from final;
