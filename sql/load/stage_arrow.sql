-- Stage an Arrow table registered as `staged_arrow` (the source registry), cast to the warehouse types.
create or replace temp table {stage} as
select
    {select_list}
from staged_arrow;
