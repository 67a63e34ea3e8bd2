-- The resource model of the OCC guide: a counter version that starts at 1 and is bumped by every
-- optimistic update.
create table resource (
    id          integer     generated always as identity primary key,
    name        text        not null,
    version     integer     not null default 1,
    data        jsonb       not null,
    updated_at  timestamptz not null default now(),
    created_at  timestamptz not null default now(),
    constraint resource_version_positive check (version > 0)
);

comment on table resource is 'A resource edited by many users; lost updates are prevented with the version column.';
comment on column resource.id is 'Identity primary key.';
comment on column resource.name is 'Display name.';
comment on column resource.version is 'Optimistic lock counter: 1 on insert, incremented by every update.';
comment on column resource.data is 'Free-form JSON document.';
comment on column resource.updated_at is 'Last modification time, maintained by trigger resource_touch.';
comment on column resource.created_at is 'Creation time.';

create index resource_name_idx on resource (name);
create index resource_data_idx on resource using gin (data jsonb_path_ops);

-- updated_at follows every update, whoever writes the row.
create function touch_updated_at() returns trigger
language plpgsql as $$
begin
    new.updated_at := now();
    return new;
end;
$$;

create trigger resource_touch
    before update on resource
    for each row execute function touch_updated_at();
