-- Null-safe delete of rows whose key is being reloaded (rows superseded from other partitions).
delete from {table} as t
using {stage} as s
where {key_match};
