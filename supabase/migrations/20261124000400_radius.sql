-- The tables FreeRADIUS (rlm_sql, PostgreSQL dialect) reads and writes, in their own schema that
-- PostgREST does not expose. Column names and types follow the stock FreeRADIUS 3.2 PostgreSQL
-- schema so that the stock queries work unchanged. RLS is on and no API role has any grant:
-- FreeRADIUS gets its own database role (decided with the RADIUS issue, together with how
-- radcheck/radreply are derived from vouchers and plans).

create schema if not exists radius;
revoke all on schema radius from public, anon, authenticated, service_role;

-- NAS clients FreeRADIUS loads at start when read_clients = yes (matched by source IP = nasname).
create table radius.nas (
  id serial primary key,
  nasname text not null,
  shortname text not null,
  type text not null default 'other',
  ports integer,
  secret text not null,
  server text,
  community text,
  description text
);
alter table radius.nas enable row level security;
create index nas_nasname_idx on radius.nas (nasname);

-- One row per accounting session (Start / Interim-Update / Stop upserts by acctuniqueid).
-- Octet counters are 64-bit ((gigawords << 32) + octets).
create table radius.radacct (
  radacctid bigserial primary key,
  acctsessionid text not null,
  acctuniqueid text not null unique,
  username text,
  realm text,
  nasipaddress inet not null,
  nasportid text,
  nasporttype text,
  acctstarttime timestamptz,
  acctupdatetime timestamptz,
  acctstoptime timestamptz,
  acctinterval bigint,
  acctsessiontime bigint,
  acctauthentic text,
  connectinfo_start text,
  connectinfo_stop text,
  acctinputoctets bigint,
  acctoutputoctets bigint,
  calledstationid text,
  callingstationid text,
  acctterminatecause text,
  servicetype text,
  framedprotocol text,
  framedipaddress inet,
  framedipv6address inet,
  framedipv6prefix inet,
  framedinterfaceid text,
  delegatedipv6prefix inet,
  class text
);
alter table radius.radacct enable row level security;
-- The stock indexes: open sessions, bulk close on NAS reboot, per-user history, Class lookups;
-- plus username for usage roll-ups and Simultaneous-Use counts.
create index radacct_active_session_idx on radius.radacct (acctuniqueid) where acctstoptime is null;
create index radacct_bulk_close on radius.radacct (nasipaddress, acctstarttime) where acctstoptime is null;
create index radacct_start_user_idx on radius.radacct (acctstarttime, username);
create index radacct_class_idx on radius.radacct (class);
create index radacct_username_idx on radius.radacct (username, acctstoptime);

-- One row per Access-Accept / Access-Reject (post-auth log).
create table radius.radpostauth (
  id bigserial primary key,
  username text not null,
  pass text,
  reply text,
  calledstationid text,
  callingstationid text,
  authdate timestamptz not null default now(),
  class text
);
alter table radius.radpostauth enable row level security;
create index radpostauth_username_idx on radius.radpostauth (username, authdate);

revoke all on all tables in schema radius from public, anon, authenticated, service_role;
revoke all on all sequences in schema radius from public, anon, authenticated, service_role;
