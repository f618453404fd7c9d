-- events_daily: one row per day x country x admin1 x event_type; num_events counts real-world events
-- (the events table, deduplicated across articles and outlets), num_mentions the asserted mentions behind
-- them, fatalities the events' conservative death counts (each toll once).
create or replace view events_daily as
select
    event_date,
    country_code,
    admin1,
    event_type,
    count(*) as num_events,
    sum(num_mentions) as num_mentions,
    sum(fatalities) as fatalities,
from events
group by all;
