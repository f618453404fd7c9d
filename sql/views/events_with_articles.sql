-- events_with_articles: one row per real-world event with the article and outlet of its representative
-- mention (event_mentions has every article of an event).
create or replace view events_with_articles as
select
    e.*,
    a.title as article_title,
    a.canonical_url as article_canonical_url,
    a.author as article_author,
    a.published_at as article_published_at,
    a.near_duplicate_of as article_near_duplicate_of,
    s.name as source_name,
    s.country_code as source_country_code,
from events as e
left join articles as a on a.article_id = e.article_id
left join sources as s on s.source_id = a.source_id;
