-- fatalities_monthly: one row per month x country x event_type; conservative fatalities of real-world
-- events (event_clusters), and how many events had a number at all.
create or replace view fatalities_monthly as
select
    cast(date_trunc('month', event_date) as date) as month,
    country_code,
    event_type,
    count(*) as num_events,
    count(fatalities) as num_events_with_count,
    sum(fatalities) as fatalities,
from event_clusters
group by all;
