-- assign_events: set event_mentions.event_id (the real-world event) and is_repeated_toll on every mention.
-- Runs in the load stage over the whole warehouse (it sees every day), after the lake is merged.
--
-- A real-world event groups asserted mentions with
--   * the same event type (event_type, else action_type),
--   * the same place (geonames_id; else country + admin1 + location text; a mention with no place at all
--     or no date stays alone),
--   * compatible actors (the same actor1_norm, or actor1_norm null on one side),
--   * event dates within one day: windows of two days anchored at the first date of a run of consecutive
--     days, so daily strikes on one town do not chain into one month-long event.
-- A null-actor group joins the actor group of the same type and place whose dates are within a day
-- (the one with most mentions, then the first actor name), else it stays an event of its own.
--
-- Death tolls are counted once per article: the first asserted mention of an article that gives a count
-- owns it; a later mention of the same article with the same count repeats it (is_repeated_toll). A
-- repeating mention of the same type, compatible actor and date within a day joins the owner's event
-- (one strike reported at a town and again at the nearby city is one event).
-- Non-asserted mentions (negated, denied, threat, future, hypothetical) get no event.
update event_mentions as t
set
    event_id = c.event_id,
    is_repeated_toll = c.is_repeated_toll
from (
    with mentions as (
        select
            -- ids
            m.mention_id,
            m.article_id,
            -- toll
            m.char_start,
            m.fatalities,
            -- blocking keys
            coalesce(m.event_type, m.action_type) as type_key,
            case
                when m.event_date is null then 'e:' || m.mention_id
                when m.geonames_id is not null then 'g:' || m.geonames_id
                when m.admin1 is not null or m.location_text is not null
                    then 't:' || concat_ws('|', coalesce(m.country_code, ''), coalesce(lower(m.admin1), ''),
                                           coalesce(lower(trim(m.location_text)), ''))
                else 'e:' || m.mention_id
            end as place_key,
            m.actor1_norm as actor_key,
            coalesce(m.event_date, date '1970-01-01') as date_key,
        from event_mentions as m
        where m.modality = 'asserted'
    ),

    islands as (
        select
            *,
            sum(case when gap is null or gap > 1 then 1 else 0 end)
                over (partition by type_key, place_key, actor_key order by date_key, mention_id) as island_no,
        from (
            select
                *,
                date_key - lag(date_key) over (partition by type_key, place_key, actor_key
                                               order by date_key, mention_id) as gap,
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

    clustered as (
        select
            w.mention_id,
            w.article_id,
            w.char_start,
            w.fatalities,
            w.type_key,
            w.actor_key,
            w.date_key,
            md5(concat_ws('|', w.type_key, w.place_key,
                          coalesce(w.actor_key, h.home_actor, ''),
                          cast(coalesce(h.home_window, w.window_start) as varchar)))[:16] as event_id,
        from windows as w
        left join null_actor_home as h
            on w.actor_key is null
            and h.type_key = w.type_key
            and h.place_key = w.place_key
            and h.window_start = w.window_start
    ),

    toll_owners as (
        select
            mention_id,
            first_value(mention_id) over (partition by article_id, fatalities
                                          order by char_start, mention_id) as owner_mention_id,
        from clustered
        where fatalities > 0
    ),

    repeats as (
        select
            r.mention_id,
            o.event_id as owner_event_id,
            r.type_key = o.type_key
            and (r.actor_key is null or o.actor_key is null or r.actor_key = o.actor_key)
            and abs(r.date_key - o.date_key) <= 1 as joins_owner,
        from toll_owners as t
        inner join clustered as r on r.mention_id = t.mention_id
        inner join clustered as o on o.mention_id = t.owner_mention_id
        where t.owner_mention_id <> t.mention_id
    ),

    final as (
        select
            m.mention_id,
            case when r.joins_owner then r.owner_event_id else c.event_id end as event_id,
            r.mention_id is not null as is_repeated_toll,
        from event_mentions as m
        left join clustered as c on c.mention_id = m.mention_id
        left join repeats as r on r.mention_id = m.mention_id
    )

    select * from final
) as c
where t.mention_id = c.mention_id;
