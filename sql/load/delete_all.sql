-- Full reload: the lake (or the source registry) is the truth for the whole table.
delete from {table};
