-- actor_dyads: one row per (actor1_norm, actor2_norm) pair over asserted mentions with a named actor1;
-- num_events counts real-world events (clusters), num_mentions the mentions.
create or replace view actor_dyads as
select
    e.actor1_norm,
    e.actor2_norm,
    mode(e.actor1_type) as actor1_type,
    mode(e.actor2_type) as actor2_type,
    count(distinct m.cluster_id) as num_events,
    count(*) as num_mentions,
    count(distinct e.source_id) as num_sources,
    min(e.event_date) as first_event_date,
    max(e.event_date) as last_event_date,
from events as e
inner join event_cluster_members as m on m.event_id = e.event_id
where e.actor1_norm is not null
group by e.actor1_norm, e.actor2_norm;
