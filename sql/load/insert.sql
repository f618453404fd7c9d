-- Insert staged rows, one per key (the latest run wins when the lake holds a key twice).
insert into {table} ({column_list})
select {column_list}
from {stage}
qualify row_number() over (partition by {key_list} order by {order_list}) = 1;
