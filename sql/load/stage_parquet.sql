-- Read lake Parquet files into a temp staging table, cast to the warehouse types.
-- Column list and names are identifiers generated from pipeline/schema.py; files are bound as $files.
create or replace temp table {stage} as
select
    {select_list}
from read_parquet($files, union_by_name = true, hive_partitioning = false);
