-- actor_dyads: one row per (actor1_norm, actor2_norm) pair over real-world events with a named actor1;
-- num_events counts events, num_mentions the asserted mentions behind them.
create or replace view actor_dyads as
select
    actor1_norm,
    actor2_norm,
    mode(actor1_type) as actor1_type,
    mode(actor2_type) as actor2_type,
    count(*) as num_events,
    sum(num_mentions) as num_mentions,
    len(list_distinct(flatten(list(source_ids)))) as num_sources,
    min(event_date) as first_event_date,
    max(event_date) as last_event_date,
    sum(fatalities) as fatalities,
from events
where actor1_norm is not null
group by actor1_norm, actor2_norm;
