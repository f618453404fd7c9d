-- loaded_partitions: which lake partition version each warehouse table holds (hand-written meta table).
-- One row per (lake table, run date): the fingerprint (part names, sizes, modification times) of the
-- committed parts loaded. `load` reloads every day whose fingerprint differs, so a day a failed load
-- missed is caught up by the next one.
create table if not exists loaded_partitions (
    "table_name" varchar not null,
    "run_date" date not null,
    "fingerprint" varchar not null,
    "loaded_at" timestamp with time zone default current_timestamp,
    primary key ("table_name", "run_date")
);
