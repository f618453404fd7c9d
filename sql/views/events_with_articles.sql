-- events_with_articles: one row per asserted event mention with its article, outlet and cluster.
create or replace view events_with_articles as
select
    e.*,
    m.cluster_id,
    a.title as article_title,
    a.canonical_url as article_canonical_url,
    a.author as article_author,
    a.fetched_at as article_fetched_at,
    a.near_duplicate_of as article_near_duplicate_of,
    s.name as source_name,
    s.country_code as source_country_code,
from events as e
inner join event_cluster_members as m on m.event_id = e.event_id
left join articles as a on a.article_id = e.article_id
left join sources as s on s.source_id = e.source_id
where e.modality = 'asserted';
