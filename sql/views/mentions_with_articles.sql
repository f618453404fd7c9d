-- mentions_with_articles: one row per event mention (asserted or not) with its article, outlet and the
-- real-world event it belongs to (null event_id: not asserted as fact).
create or replace view mentions_with_articles as
select
    m.*,
    a.title as article_title,
    a.canonical_url as article_canonical_url,
    a.author as article_author,
    a.fetched_at as article_fetched_at,
    a.near_duplicate_of as article_near_duplicate_of,
    s.name as source_name,
    s.country_code as source_country_code,
from event_mentions as m
left join articles as a on a.article_id = m.article_id
left join sources as s on s.source_id = m.source_id;
