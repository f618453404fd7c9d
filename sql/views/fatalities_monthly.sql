-- fatalities_monthly: one row per month x country x event_type; conservative fatalities of real-world
-- events (each toll counted once), the low/high range, and how many events had a number at all.
create or replace view fatalities_monthly as
select
    cast(date_trunc('month', event_date) as date) as month,
    country_code,
    event_type,
    count(*) as num_events,
    count(fatalities) as num_events_with_count,
    sum(fatalities) as fatalities,
    sum(fatalities_low) as fatalities_low,
    sum(fatalities_high) as fatalities_high,
from events
group by all;
