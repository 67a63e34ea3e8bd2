-- A one-table schema for the finder's own tests: proves that a database made from the migrated
-- template carries the migrations.
create table probe (
    id   int generated always as identity primary key,
    note text not null
);
comment on table probe is 'Created by the PostgreSQL finder tests'' migration.';
