-- The competition of the feature request: players hold points and lock on updated_at.
create table team (
    id    integer generated always as identity primary key,
    name  text    not null unique
);

comment on table team is 'A team in the competition.';
comment on column team.name is 'Unique team name.';

create table player (
    id          integer     generated always as identity primary key,
    team_id     integer     not null references team (id),
    name        text        not null,
    num_points  integer     not null default 0,
    updated_at  timestamptz not null default now(),
    constraint player_points_not_negative check (num_points >= 0)
);

comment on table player is 'A player whose points move between players; transfers lock on updated_at.';
comment on column player.team_id is 'The team the player belongs to.';
comment on column player.num_points is 'Points held; never negative.';
comment on column player.updated_at is 'Optimistic lock timestamp: set to a new, later value by every update.';

create index player_team_idx on player (team_id);
