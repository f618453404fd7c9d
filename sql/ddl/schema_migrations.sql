-- schema_migrations: one row per schema version applied to this warehouse file (hand-written meta table).
create table if not exists schema_migrations (
    "version" varchar primary key,
    "applied_at" timestamp with time zone default current_timestamp,
    "description" varchar
);
