-- An account whose balance moves by increments: the realistic locked update of the benchmarks
-- sets a bind value, an expression of the column itself (balance = balance + ?) and the time of
-- the change (updated_at = current_timestamp) in one statement, with a counter version.
create table account (
    id          integer     generated always as identity primary key,
    owner       text        not null,
    balance     integer     not null default 0,
    version     integer     not null default 1,
    updated_at  timestamptz not null default now(),
    constraint account_balance_not_negative check (balance >= 0)
);

comment on table account is 'An account whose balance moves by increments; lost updates are prevented with the version column.';
comment on column account.owner is 'Who holds the account.';
comment on column account.balance is 'The balance; never negative.';
comment on column account.version is 'Optimistic lock counter: 1 on insert, incremented by every update.';
comment on column account.updated_at is 'Time of the last change, set by the statement that changes it.';
