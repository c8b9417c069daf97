-- RADIUS: the tables FreeRADIUS (rlm_sql, PostgreSQL dialect) reads and writes, the functions
-- it calls, devices, lockouts and the Disconnect-Request queue, in their own schema that
-- PostgREST does not expose. Column names and types follow the stock FreeRADIUS 3.2 PostgreSQL
-- schema so that the stock queries work unchanged. RLS is on and no API role has any grant:
-- FreeRADIUS gets its own database role (below).
--
-- Sessions belong to routers: a packet's source address says which router sent it only at that
-- moment (an address an organization releases may later be another organization's), so each
-- session records the router it arrived from and that router's organization when it is first
-- written (radacct.router_id, organization_id). Every read, roll-up and disconnect goes by those
-- columns, never by joining an address to routers.nas_ip.
--
-- Disconnects: whenever a voucher stops being usable (accounting shows it exhausted or past its
-- validity, the sweeper expires it, an owner or admin revokes it) or an owner or admin asks for
-- it, each affected open session gets a row in radius.disconnects. The RADIUS agent
-- (radius/disconnect.ts) claims the rows, sends a Disconnect-Request (RFC 5176) to the router's
-- CoA port and records the router's ACK or NAK. The worker connects as `worker` and, like
-- FreeRADIUS, only calls functions.
--
-- MAC login: a device a voucher was accepted on (radius.voucher_devices) may log in with its
-- MAC as the user name (MikroTik login-by=mac, CoovaChilli macauth) for what is left of that
-- voucher, under the same organization, site and device rules.
--
-- Lockout: 10 guessing rejects (unknown code, wrong password, another operator's code) from one
-- Calling-Station-Id at one organization's routers within 5 minutes lock that device out at
-- that organization's routers for 15 minutes: WB_LOCKED, without looking at the code or the
-- password. Other organizations' routers are not affected.
--
-- Operators are kept apart: what a router is told never depends on another organization's
-- data. A voucher of another organization (or a device bound only there, for a MAC login) is
-- refused as WB_UNKNOWN, exactly like a code that does not exist; radius.radpostauth keeps the
-- true reason (WB_OTHER_OPERATOR) for the platform, which no operator reads.
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

comment on table radius.nas is
'The stock FreeRADIUS NAS table, left empty: read_clients = no, the clients come from radius.nas_clients(). No role has a privilege on it.';

create index nas_nasname_idx on radius.nas (nasname);

-- One row per accounting session (Start / Interim-Update / Stop upserts by acctuniqueid).
-- Octet counters are 64-bit ((gigawords << 32) + octets). Sessions remember their voucher and
-- device (voucher_id, mac) so that roll-ups, concurrency counts and "same device logs in again"
-- do not have to parse user names and MAC formats every time. Every Interim-Update rewrites the
-- session row: with room left in each page and no index on a column those updates change,
-- PostgreSQL updates it in place (HOT) instead of adding an entry to every index; the sweeper
-- finds open sessions through the partial indexes on acctstoptime, not by acctupdatetime.
-- router_id and organization_id are the router the session arrived from and its organization,
-- set by its first packet and never changed, so indexes on them cost Interim-Updates nothing.
-- router_id is deliberately no foreign key: a deleted router's sessions stay its
-- organization's history (and deleting a router does not rewrite them); a row without a router
-- is never written (radius.accounting() ignores packets from an address no router holds).
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
  class text,
  voucher_id uuid references public.vouchers (id) on delete set null,
  mac text,
  router_id uuid,
  organization_id uuid references public.organizations (id) on delete cascade
) with (fillfactor = 70);

alter table radius.radacct enable row level security;

comment on table radius.radacct is
'One row per accounting session (stock FreeRADIUS columns plus voucher_id, mac, and router_id, organization_id: the router it arrived from, at arrival), written by radius.accounting, post_auth and sweep. No role has a table privilege; owners/admins read it through sessions_online, session_history, voucher_sessions.';

-- Of the stock indexes, open sessions and bulk close on NAS reboot (here by the router the
-- sessions arrived from); the stock per-user history, Class and username indexes are left out:
-- nothing here queries by them, and each would be one more index for every accounting write.
create index radacct_active_session_idx on radius.radacct (acctuniqueid) where acctstoptime is null;

create index radacct_router_open_idx on radius.radacct (router_id, acctstarttime) where acctstoptime is null;

-- One row per Access-Accept / Access-Reject (post-auth log): which router asked and why a login
-- was refused (the reason code sent as Reply-Message), never a password.
create table radius.radpostauth (
  id bigserial primary key,
  username text not null,
  pass text,
  reply text,
  calledstationid text,
  callingstationid text,
  authdate timestamptz not null default now(),
  class text,
  nasipaddress inet,
  reason text
);

alter table radius.radpostauth enable row level security;

comment on table radius.radpostauth is
'One row per Access-Accept or Access-Reject with the refusal reason, never a password, written by radius.post_auth(). No role has a table privilege.';

create index radpostauth_username_idx on radius.radpostauth (username, authdate);

revoke all on all tables in schema radius from public, anon, authenticated, service_role;

revoke all on all sequences in schema radius from public, anon, authenticated, service_role;

-- What FreeRADIUS may do in the database: authorise a login, log its outcome and record
-- accounting; the worker beside it lists its clients (routers), sweeps stale sessions and
-- delivers disconnects. Both do that through the security definer functions below and nothing
-- else: their roles `freeradius` and `worker` hold no table privilege at all and are never
-- granted to `authenticator`, so PostgREST cannot become them.
--
-- Vouchers are the single source of truth: there are no radcheck/radreply tables to keep in
-- sync. radius.authorize() computes the check and reply attributes from the voucher's frozen
-- limits and usage counters on every Access-Request (one round trip), and radius.accounting()
-- rolls usage back into the voucher in the same transaction that updates radacct.

-- ---------------------------------------------------------------------------------------------
-- Role
-- ---------------------------------------------------------------------------------------------

-- Created without a password: the stack (stack/platform.sql) or the operator (radius/README.md)
-- gives it LOGIN and a password. Hosted Supabase lets `postgres` create roles.
do $$
begin
  if not exists (select from pg_roles where rolname = 'freeradius') then
    create role freeradius nologin noinherit;
  end if;
end
$$;

grant usage on schema radius to freeradius;

-- The worker (worker/README.md): runs the periodic jobs and, on each RADIUS host, keeps
-- FreeRADIUS's clients in step and delivers Disconnect-Requests. Its own role, so that
-- FreeRADIUS itself can only authorise and account, and the worker cannot authorise anyone.
do $$
begin
  if not exists (select from pg_roles where rolname = 'worker') then
    create role worker nologin noinherit;
  end if;
end
$$;

grant usage on schema radius to worker;

-- ---------------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------------

-- The devices (normalised MAC addresses) a voucher has been accepted on: a voucher may bind at
-- most devices_allowed of them. '' stands for a router that sent no Calling-Station-Id. Every
-- login rewrites its device row (last_seen_at), kept in place (HOT) like radacct's.
create table radius.voucher_devices (
  voucher_id uuid not null references public.vouchers (id) on delete cascade,
  mac text not null,
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  primary key (voucher_id, mac)
) with (fillfactor = 80);

alter table radius.voucher_devices enable row level security;

revoke all on table radius.voucher_devices from public, anon, authenticated, service_role;

comment on table radius.voucher_devices is
'The devices (normalised MAC; empty when the router sent none) each voucher was accepted on, at most devices_allowed; they may log in by MAC. No role has a table privilege; voucher_sessions shows them.';

create index radacct_open_voucher_idx on radius.radacct (voucher_id, mac) where acctstoptime is null;

create index radacct_voucher_id_idx on radius.radacct (voucher_id);

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------

-- Seconds between Interim-Updates that routers are told to send (Acct-Interim-Interval). The
-- sweeper closes sessions silent for two of them.
create function radius.acct_interim_interval()
returns integer
language sql
immutable
security definer
set search_path = ''
as $$
  select 300
$$;

revoke all on function radius.acct_interim_interval() from public, anon, authenticated, service_role;

-- A Calling-Station-Id as one canonical MAC ('aa:bb:cc:dd:ee:ff') whatever separators or case
-- the router uses; anything that is not a MAC is kept lower-cased (at most 64 characters).
-- plpgsql, like the other small helpers the RADIUS path calls: as `language sql` functions with
-- `set search_path` they cannot be inlined, and each call re-initialises the SQL function in
-- every transaction (about 20 µs a call here); plpgsql keeps its compiled form and plans for the
-- session. A login calls normalise_mac() three times.
create function radius.normalise_mac(p_calling_station_id text)
returns text
language plpgsql
immutable
security definer
set search_path = ''
as $$
declare
  h text := regexp_replace(lower(coalesce(p_calling_station_id, '')), '[-:. ]', '', 'g');
begin
  if h ~ '^[0-9a-f]{12}$' then
    return concat_ws(':', substr(h, 1, 2), substr(h, 3, 2), substr(h, 5, 2),
                     substr(h, 7, 2), substr(h, 9, 2), substr(h, 11, 2));
  end if;
  return left(lower(btrim(coalesce(p_calling_station_id, ''))), 64);
end;
$$;

revoke all on function radius.normalise_mac(text) from public, anon, authenticated, service_role;

-- Why a voucher may not open a session on a router right now (a stable code the portal
-- translates), or null when it may. Shared by authorize(), authorize_mac() and post_auth() so the
-- second, locked check cannot drift from the first. A bound device is found by its key, not by
-- aggregating the voucher's devices (which the planner does with a sequential scan while the
-- table is small). The answer is what the router is told: a voucher of another organization is
-- WB_UNKNOWN, as if it did not exist (post_auth() logs the true reason).
create function radius.refusal(p_voucher public.vouchers, p_nas_ip inet, p_mac text)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_other_devices integer;
  v_open_elsewhere integer;
begin
  if p_voucher.id is null then
    return 'WB_UNKNOWN';
  end if;
  -- The voucher's organization must own the router, and the plan must be sold at its site
  -- (one query for a login that may go on). Which of the two failed is asked only then: a
  -- voucher of another organization must not be told apart from a code that does not exist.
  if not exists (
    select 1
    from public.routers r
    join public.plan_sites ps on ps.site_id = r.site_id and ps.organization_id = r.organization_id
    where r.nas_ip = p_nas_ip
      and r.organization_id = p_voucher.organization_id
      and ps.plan_id = p_voucher.plan_id
  ) then
    if exists (
      select 1 from public.routers r
      where r.nas_ip = p_nas_ip and r.organization_id = p_voucher.organization_id
    ) then
      return 'WB_WRONG_SITE';
    end if;
    return 'WB_UNKNOWN';
  end if;
  if exists (
    select 1 from public.organizations o
    where o.id = p_voucher.organization_id and o.suspended_at is not null
  ) then
    return 'WB_SUSPENDED';
  end if;
  -- A printed or agent-issued voucher is not internet until it is sold or released.
  if p_voucher.status = 'inactive' then
    return 'WB_NOT_ACTIVE';
  end if;
  if p_voucher.status = 'revoked' then
    return 'WB_REVOKED';
  end if;
  if p_voucher.status = 'expired' or p_voucher.expires_at <= now() then
    return 'WB_EXPIRED';
  end if;
  if p_voucher.used_seconds >= p_voucher.time_quota_seconds then
    return 'WB_EXHAUSTED_TIME';
  end if;
  if p_voucher.used_bytes >= p_voucher.data_quota_bytes then
    return 'WB_EXHAUSTED_DATA';
  end if;
  -- A device the voucher knows is one index probe; only a new one counts the others.
  if not exists (
    select 1 from radius.voucher_devices d where d.voucher_id = p_voucher.id and d.mac = p_mac
  ) then
    select count(*) into v_other_devices
    from radius.voucher_devices d
    where d.voucher_id = p_voucher.id;
    if v_other_devices >= p_voucher.devices_allowed then
      return 'WB_DEVICE_LIMIT';
    end if;
  end if;
  -- The same device's own open session does not count: logging in again replaces it.
  select count(*) into v_open_elsewhere
  from radius.radacct a
  where a.voucher_id = p_voucher.id
    and a.acctstoptime is null
    and a.mac is distinct from p_mac;
  if v_open_elsewhere >= p_voucher.devices_allowed then
    return 'WB_DEVICE_LIMIT';
  end if;
  return null;
end;
$$;

revoke all on function radius.refusal(public.vouchers, inet, text) from public, anon, authenticated, service_role;

-- Authorises an Access-Request in one round trip: always one row, either a reject reason
-- (everything else null) or the password to check (PAP or CHAP) and the reply attributes.
-- p_nas_ip is the packet's source address, i.e. the router FreeRADIUS matched as a client.
-- A locked-out device gets WB_LOCKED before anything is looked up. The user name matches a
-- voucher code regardless of case; the password must equal the user name as typed, so both PAP
-- and CHAP can check it. Read-only: post_auth() binds the device.
create function radius.authorize(p_nas_ip inet, p_username text, p_calling_station_id text)
returns table (
  reject_reason text,
  password text,
  session_timeout bigint,
  acct_interim_interval integer,
  rate_limit text,
  bandwidth_max_down bigint,
  bandwidth_max_up bigint,
  total_limit bigint,
  total_limit_gigawords bigint
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_voucher public.vouchers;
  v_reason text;
  v_timeout bigint;
  v_bytes_left bigint;
  v_low bigint;
  v_gigawords bigint;
  v_mac text := radius.normalise_mac(p_calling_station_id);
begin
  -- Locked out at this router's organization? radius.locked_out()'s first probe, inline: this
  -- runs on every login, and the usual device (locked out nowhere) costs one probe of lockouts
  -- by MAC, as before lockouts were per organization; only a device locked out somewhere calls
  -- radius.locked_out() to ask whether it is at this router's organization.
  if v_mac <> '' and exists (select 1 from radius.lockouts l where l.mac = v_mac and l.locked_until > now()) then
    if radius.locked_out(p_nas_ip, v_mac) then
      return query select 'WB_LOCKED'::text, null::text, null::bigint, null::integer, null::text,
        null::bigint, null::bigint, null::bigint, null::bigint;
      return;
    end if;
  end if;
  select v.* into v_voucher from public.vouchers v where v.code = upper(p_username);
  v_reason := radius.refusal(v_voucher, p_nas_ip, v_mac);
  if v_reason is not null then
    return query select v_reason, null::text, null::bigint, null::integer, null::text,
      null::bigint, null::bigint, null::bigint, null::bigint;
    return;
  end if;

  -- Until the first Accounting-Start the validity has not begun: a session may last it whole.
  v_timeout := coalesce(
    floor(extract(epoch from v_voucher.expires_at - now()))::bigint,
    v_voucher.validity_seconds
  );
  if v_voucher.time_quota_seconds is not null then
    v_timeout := least(v_timeout, v_voucher.time_quota_seconds - v_voucher.used_seconds);
  end if;

  -- Remaining bytes as a 32-bit value plus gigawords (units of 2^32). A low word of 0 could
  -- read as "no limit", so an exact multiple of 4 GiB is sent one byte short instead.
  if v_voucher.data_quota_bytes is not null then
    v_bytes_left := v_voucher.data_quota_bytes - v_voucher.used_bytes;
    v_low := v_bytes_left % 4294967296;
    v_gigawords := v_bytes_left / 4294967296;
    if v_low = 0 then
      v_low := 4294967295;
      v_gigawords := v_gigawords - 1;
    end if;
  end if;

  return query select
    null::text,
    p_username,
    greatest(v_timeout, 1),
    radius.acct_interim_interval(),
    -- MikroTik reads rx/tx from the router's side: rx is the client's upload.
    case when v_voucher.upload_kbps is not null or v_voucher.download_kbps is not null then
      coalesce(v_voucher.upload_kbps || 'k', '0') || '/' || coalesce(v_voucher.download_kbps || 'k', '0')
    end,
    v_voucher.download_kbps::bigint * 1000,
    v_voucher.upload_kbps::bigint * 1000,
    v_low,
    v_gigawords;
end;
$$;

revoke all on function radius.authorize(inet, text, text) from public, anon, authenticated, service_role;

comment on function radius.authorize(inet, text, text) is
'FreeRADIUS authorize for an Access-Request, in one round trip; read-only (post_auth binds the
device). p_nas_ip is the packet''s source address (the matched client), never NAS-IP-Address.
Callers: freeradius only (grant below).
Returns: one row (reject_reason, password, session_timeout, acct_interim_interval, rate_limit,
bandwidth_max_down, bandwidth_max_up, total_limit, total_limit_gigawords): either a reject_reason
(WB_LOCKED, WB_UNKNOWN, WB_WRONG_SITE, WB_SUSPENDED, WB_NOT_ACTIVE, WB_REVOKED, WB_EXPIRED,
WB_EXHAUSTED_TIME, WB_EXHAUSTED_DATA, WB_DEVICE_LIMIT) and nulls, or the password to check (the
user name as typed; the code matches in any case) and the reply attributes. The reason is what
the router may be told: WB_LOCKED only for a lockout at the router''s organization, WB_UNKNOWN
also for a voucher of another organization, WB_WRONG_SITE only for the router''s organization''s
own voucher whose plan is not sold at the router''s site.';

-- Logs an Access-Accept or Access-Reject (without any password). An accept binds the device to
-- the voucher and closes that device's own stale sessions; a MAC login binds nothing new, it
-- refreshes the device's binding to the voucher it uses. The device checks are repeated under
-- the voucher's row lock only for a device the voucher does not know yet, which is what two
-- devices racing for the last slot would be: the loser's accept is turned into a reject with the
-- returned reason. A bound device coming back was checked by authorize() moments ago, takes no
-- lock and is found and refreshed by one UPDATE (if the voucher stopped being usable meanwhile,
-- its Accounting-Start queues a disconnect). A reject costs what an accept does not: the
-- router's organization, for the two things a reject records at it. A guessing reject (unknown
-- code, which includes another operator's code, or wrong password; never a MAC login's) counts
-- towards the device's lockout at that organization. The log line keeps the true reason where
-- the router was told less: a WB_UNKNOWN for a voucher of another organization (or a MAC login
-- of a device bound only at another organization) is logged as WB_OTHER_OPERATOR.
create function radius.post_auth(
  p_nas_ip inet,
  p_username text,
  p_calling_station_id text,
  p_called_station_id text,
  p_accepted boolean,
  p_reason text
)
returns table (reject_reason text)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_voucher public.vouchers;
  v_mac text := radius.normalise_mac(p_calling_station_id);
  v_user_mac text := radius.normalise_mac(p_username);
  -- A MAC login names the device itself (a code equal to the device's MAC is not worth a query).
  v_mac_login boolean := v_user_mac = v_mac and v_mac ~ '^([0-9a-f]{2}:){5}[0-9a-f]{2}$';
  v_reason text := case when p_accepted then null else coalesce(nullif(p_reason, ''), 'WB_BAD_PASSWORD') end;
  v_bound boolean := false;
  -- The reason logged (radpostauth.reason) when it is not the one the router was told.
  v_true_reason text;
  v_organization_id uuid;
begin
  if p_accepted then
    select v.* into v_voucher from public.vouchers v where v.code = upper(p_username);
    if v_voucher.id is null and v_mac_login then
      v_voucher := radius.mac_voucher(p_nas_ip, v_mac);
    end if;
    if v_voucher.id is not null then
      update radius.voucher_devices d set last_seen_at = now()
      where d.voucher_id = v_voucher.id and d.mac = v_mac;
      v_bound := found;
    end if;
    if not v_bound then
      -- A new device: check again under the voucher's lock, which a rival new device waits for.
      select v.* into v_voucher from public.vouchers v where v.id = v_voucher.id for update;
      v_reason := radius.refusal(v_voucher, p_nas_ip, v_mac);
      if v_reason is null then
        insert into radius.voucher_devices as d (voucher_id, mac)
        values (v_voucher.id, v_mac)
        on conflict (voucher_id, mac) do update set last_seen_at = now();
      end if;
    end if;
    if v_reason is null then
      update radius.radacct a
      set acctstoptime = now(), acctterminatecause = 'Session-Replaced'
      where a.voucher_id = v_voucher.id and a.acctstoptime is null and a.mac = v_mac;
    end if;
  else
    -- The router's organization (nas_ip is unique); none if the router was deleted meanwhile.
    select r.organization_id into v_organization_id from public.routers r where r.nas_ip = p_nas_ip;
    if v_reason = 'WB_UNKNOWN' then
      if v_mac_login then
        if exists (
          select 1
          from radius.voucher_devices d
          join public.vouchers v on v.id = d.voucher_id
          where d.mac = v_mac and v.organization_id is distinct from v_organization_id
        ) then
          v_true_reason := 'WB_OTHER_OPERATOR';
        end if;
      elsif exists (
        select 1 from public.vouchers v
        where v.code = upper(p_username) and v.organization_id is distinct from v_organization_id
      ) then
        v_true_reason := 'WB_OTHER_OPERATOR';
      end if;
    end if;
    if v_reason in ('WB_UNKNOWN', 'WB_BAD_PASSWORD') and v_mac <> '' and not v_mac_login
       and v_organization_id is not null then
      -- Per device and organization, in a fixed window: the count restarts 5 minutes after its
      -- first reject.
      insert into radius.lockouts as l (mac, organization_id, window_started_at, rejects)
      values (v_mac, v_organization_id, now(), 1)
      on conflict (mac, organization_id) do update set
        window_started_at = case when l.window_started_at <= now() - interval '5 minutes'
                                 then now() else l.window_started_at end,
        rejects = case when l.window_started_at <= now() - interval '5 minutes'
                       then 1 else l.rejects + 1 end,
        locked_until = case
          when l.window_started_at > now() - interval '5 minutes' and l.rejects + 1 >= 10
            then now() + interval '15 minutes'
          else l.locked_until end;
    end if;
  end if;

  insert into radius.radpostauth (username, pass, reply, calledstationid, callingstationid, nasipaddress, reason)
  values (
    left(p_username, 253),
    null,
    case when v_reason is null then 'Access-Accept' else 'Access-Reject' end,
    nullif(left(p_called_station_id, 253), ''),
    nullif(left(p_calling_station_id, 253), ''),
    p_nas_ip,
    coalesce(v_true_reason, v_reason)
  );
  return query select v_reason;
end;
$$;

revoke all on function radius.post_auth(inet, text, text, text, boolean, text)
  from public, anon, authenticated, service_role;

comment on function radius.post_auth(inet, text, text, text, boolean, text) is
'FreeRADIUS post-auth: logs the Access-Accept or -Reject in radius.radpostauth (never a password).
An accept binds the device to the voucher (a new device is checked again under the voucher''s row
lock: the loser of a race for the last slot gets its reason) and closes that device''s own open
sessions (Session-Replaced). A guessing reject (WB_UNKNOWN, WB_BAD_PASSWORD; never a MAC login)
counts towards the lockout of the device at the router''s organization: 10 within 5 minutes lock
it there for 15 minutes. A reject with an empty p_reason is logged as WB_BAD_PASSWORD; a
WB_UNKNOWN for a voucher of another organization (a MAC login: a device bound only at another
organization) is logged as WB_OTHER_OPERATOR, the router having been told WB_UNKNOWN.
Callers: freeradius only (grant below).
Returns: one row (reject_reason): null when the accept stands, else the reason to reject with.';

-- Records one accounting packet and rolls the usage it reports into the voucher, in one
-- transaction. Counters in Interim-Update and Stop are session totals, so the voucher gains
-- only what the session's row has not seen yet (never negative): a lost Start, a Stop without
-- Start, repeated or reordered Interims and packets after the sweeper closed the row neither
-- count twice nor drop usage. Accounting-On/Off closes the router's open sessions. Sessions are
-- keyed by FreeRADIUS's Acct-Unique-Session-Id, which includes the source address.
-- The router is the one registered at the source address now; a new session row records it
-- and its organization for good (router_id, organization_id), and only a voucher of that
-- organization is counted, so a voucher code reported by another operator's router is neither
-- used nor locked (that session is the other operator's, without a voucher). A key found on a
-- row of another router (the address changed hands) is not that router's session: the row keeps
-- its history under a retired key and the packet starts a new one. A packet from an address no
-- router holds (a router deleted moments ago, before FreeRADIUS dropped it) is acknowledged and
-- not recorded.
-- A session whose user name is a MAC (a MAC login) counts against the voucher that login used;
-- accounting that shows the voucher past its validity expires it; an open session of a voucher
-- that is no longer active gets a Disconnect-Request (the transition itself queues them for
-- every open session: private.radius_voucher_disconnects()).
-- Cost (callgrind, radius/README.md, Performance): the voucher is found by its code alone (the
-- unique index), then checked against the router's organization, whatever the planner knows
-- about the table; it is locked with only the columns needed, and the usual packet (an active
-- voucher within its quotas and validity) updates only the usage counters, so no trigger on
-- vouchers fires (they list their columns). Packets of one voucher queue on that row lock, taken
-- before the session row is read; the session's old totals are read first and the row updated
-- by its key with values worked out here.
create function radius.accounting(
  p_status text,
  p_nas_ip inet,
  p_unique_id text,
  p_session_id text,
  p_username text,
  p_nas_port_id text,
  p_nas_port_type text,
  p_session_time bigint,
  p_input_octets bigint,
  p_input_gigawords bigint,
  p_output_octets bigint,
  p_output_gigawords bigint,
  p_calling_station_id text,
  p_called_station_id text,
  p_framed_ip inet,
  p_terminate_cause text
)
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_now timestamptz := now();
  v_time bigint := greatest(coalesce(p_session_time, 0), 0);
  v_in bigint := (greatest(coalesce(p_input_gigawords, 0), 0) << 32) + greatest(coalesce(p_input_octets, 0), 0);
  v_out bigint := (greatest(coalesce(p_output_gigawords, 0), 0) << 32) + greatest(coalesce(p_output_octets, 0), 0);
  v_voucher public.vouchers;
  v_voucher_id uuid;
  v_radacctid bigint;
  v_stoptime timestamptz;
  v_old_time bigint;
  v_old_in bigint;
  v_old_out bigint;
  v_new boolean := false;
  v_seconds bigint;
  v_bytes bigint;
  v_cause text;
  v_updated timestamptz;
  v_router_id uuid;
  v_organization_id uuid;
  v_row_router_id uuid;
begin
  -- The router registered at the source address now (nas_ip is unique): the session's router.
  select r.id, r.organization_id into v_router_id, v_organization_id
  from public.routers r
  where r.nas_ip = p_nas_ip;
  if v_router_id is null then
    return 'ignored';
  end if;
  if p_status in ('Accounting-On', 'Accounting-Off') then
    -- The router (re)booted: whatever it had open is gone, with usage since the last Interim.
    -- Only its own sessions, whichever address they arrived from.
    update radius.radacct a
    set acctstoptime = v_now, acctupdatetime = v_now, acctterminatecause = 'NAS-Reboot'
    where a.router_id = v_router_id and a.acctstoptime is null;
    return 'closed';
  end if;
  if p_status is null or p_status not in ('Start', 'Interim-Update', 'Stop') or p_unique_id is null then
    return 'ignored';
  end if;

  -- Lock the voucher before the session row (post_auth() takes them in the same order), so
  -- concurrent packets for one voucher queue up instead of both reading the old totals.
  -- Only the columns used below.
  -- Found by its code (the unique index) and the router's organization; IS NOT DISTINCT FROM
  -- keeps the organization a filter no index serves: with a plain = the generic plan may walk
  -- the organization's index and filter every voucher it has on the code (what an unanalysed
  -- table gets), which costs a scan per packet. Another organization's voucher of that code is
  -- filtered out before the row lock, so it is neither counted nor locked.
  select v.id, v.organization_id, v.status, v.first_used_at, v.expires_at, v.used_seconds,
         v.used_bytes, v.time_quota_seconds, v.data_quota_bytes
  into v_voucher.id, v_voucher.organization_id, v_voucher.status, v_voucher.first_used_at,
       v_voucher.expires_at, v_voucher.used_seconds, v_voucher.used_bytes,
       v_voucher.time_quota_seconds, v_voucher.data_quota_bytes
  from public.vouchers v
  where v.code = upper(p_username)
    and v.organization_id is not distinct from v_organization_id
  for update;
  -- A MAC login: the session's voucher, or the one the device last logged in with at the
  -- router's organization.
  if v_voucher.id is null and radius.is_mac(p_username) then
    select a.voucher_id into v_voucher_id
    from radius.radacct a
    where a.acctuniqueid = p_unique_id and a.router_id = v_router_id;
    if v_voucher_id is null then
      select d.voucher_id into v_voucher_id
      from radius.voucher_devices d
      join public.vouchers v on v.id = d.voucher_id
      where d.mac = radius.normalise_mac(p_username)
        and v.organization_id = v_organization_id
      order by d.last_seen_at desc
      limit 1;
    end if;
    select v.* into v_voucher
    from public.vouchers v
    where v.id = v_voucher_id and v.organization_id = v_organization_id
    for update;
  end if;
  v_voucher_id := v_voucher.id;

  -- A Start for a row that is already closed is a new session that reuses an old session id
  -- (e.g. after a router reboot), and a row of another router is not this router's session:
  -- either old row keeps its history under a retired key.
  if p_status = 'Start' then
    update radius.radacct a
    set acctuniqueid = a.acctuniqueid || ':' || a.radacctid
    where a.acctuniqueid = p_unique_id
      and (a.acctstoptime is not null or a.router_id is distinct from v_router_id);
  end if;

  -- Interim-Update and Stop usually find their row; the old totals are read first, so the
  -- UPDATE is by primary key with values worked out here. A Start (or a packet whose Start was
  -- lost) inserts; a repeated Start finds the row on the second pass. A row of another router
  -- under this key is retired (as for a Start above) and a new row inserted.
  for v_pass in 1..2 loop
    if v_pass = 2 or p_status <> 'Start' then
      select a.radacctid, a.acctsessiontime, a.acctinputoctets, a.acctoutputoctets, a.acctstoptime,
             a.acctterminatecause, a.acctupdatetime, a.router_id
      into v_radacctid, v_old_time, v_old_in, v_old_out, v_stoptime, v_cause, v_updated,
           v_row_router_id
      from radius.radacct a
      where a.acctuniqueid = p_unique_id;
      if found and v_row_router_id is distinct from v_router_id then
        update radius.radacct a
        set acctuniqueid = a.acctuniqueid || ':' || a.radacctid
        where a.radacctid = v_radacctid;
      elsif found then
        -- A Stop replaces a close we guessed (sweeper, re-login); an Interim proves a swept
        -- session alive; a Stop we already have stays as it was.
        if p_status = 'Stop' and (v_stoptime is null or v_cause in ('Stale-Session', 'Session-Replaced')) then
          v_stoptime := v_now;
          v_cause := p_terminate_cause;
        elsif p_status = 'Interim-Update' and v_cause = 'Stale-Session' then
          v_stoptime := null;
          v_cause := null;
        end if;
        update radius.radacct a
        set acctsessiontime = greatest(coalesce(a.acctsessiontime, 0), v_time),
            acctinputoctets = greatest(coalesce(a.acctinputoctets, 0), v_in),
            acctoutputoctets = greatest(coalesce(a.acctoutputoctets, 0), v_out),
            acctinterval = case when p_status = 'Interim-Update'
                                then extract(epoch from v_now - v_updated)::bigint
                                else a.acctinterval end,
            acctupdatetime = v_now,
            framedipaddress = coalesce(p_framed_ip, a.framedipaddress),
            voucher_id = coalesce(a.voucher_id, v_voucher_id),
            acctstoptime = v_stoptime,
            acctterminatecause = v_cause
        where a.radacctid = v_radacctid;
        exit;
      elsif v_pass = 2 then
        exit;
      end if;
    end if;
    insert into radius.radacct as a (
      acctsessionid, acctuniqueid, username, nasipaddress, nasportid, nasporttype,
      acctstarttime, acctupdatetime, acctstoptime, acctsessiontime, acctinputoctets, acctoutputoctets,
      calledstationid, callingstationid, acctterminatecause, framedipaddress, voucher_id, mac,
      router_id, organization_id
    )
    values (
      coalesce(p_session_id, ''), p_unique_id, p_username, p_nas_ip, p_nas_port_id, p_nas_port_type,
      v_now - make_interval(secs => v_time), v_now,
      case when p_status = 'Stop' then v_now end,
      v_time, v_in, v_out,
      p_called_station_id, p_calling_station_id,
      case when p_status = 'Stop' then p_terminate_cause end,
      p_framed_ip, v_voucher_id, radius.normalise_mac(p_calling_station_id),
      v_router_id, v_organization_id
    )
    on conflict (acctuniqueid) do nothing
    returning a.radacctid, a.acctstoptime into v_radacctid, v_stoptime;
    v_new := found;
    exit when v_new;
  end loop;

  if v_new then
    v_seconds := v_time;
    v_bytes := v_in + v_out;
  else
    v_seconds := greatest(v_time - coalesce(v_old_time, 0), 0);
    v_bytes := greatest(v_in - coalesce(v_old_in, 0), 0) + greatest(v_out - coalesce(v_old_out, 0), 0);
  end if;

  if v_voucher_id is not null then
    -- The usual packet: an active, started voucher that stays within its validity and quotas
    -- only gains usage (the row is locked above, so these are its current values). The UPDATE
    -- then names neither status nor dates, and the status triggers are skipped.
    if v_voucher.status = 'active' and v_voucher.first_used_at is not null and v_voucher.expires_at > v_now
       and (v_voucher.time_quota_seconds is null
            or v_voucher.used_seconds + v_seconds < v_voucher.time_quota_seconds)
       and (v_voucher.data_quota_bytes is null
            or v_voucher.used_bytes + v_bytes < v_voucher.data_quota_bytes) then
      if v_seconds > 0 or v_bytes > 0 then
        update public.vouchers v
        set used_seconds = v.used_seconds + v_seconds,
            used_bytes = v.used_bytes + v_bytes
        where v.id = v_voucher_id;
      end if;
    -- Validity starts with the first session (a lost Start: when the session began). A packet
    -- that changes nothing (a repeated Interim) does not rewrite the voucher.
    elsif v_seconds > 0 or v_bytes > 0 or v_voucher.first_used_at is null
       or (v_voucher.status = 'active' and v_voucher.expires_at <= v_now) then
      update public.vouchers v
      set used_seconds = v.used_seconds + v_seconds,
          used_bytes = v.used_bytes + v_bytes,
          first_used_at = coalesce(v.first_used_at, v_now - make_interval(secs => v_time)),
          expires_at = coalesce(v.expires_at,
                                v_now - make_interval(secs => v_time) + make_interval(secs => v.validity_seconds)),
          status = case
            when v.status = 'active' and (v.used_seconds + v_seconds >= v.time_quota_seconds
                                          or v.used_bytes + v_bytes >= v.data_quota_bytes) then 'exhausted'
            when v.status = 'active' and v.expires_at <= v_now then 'expired'
            else v.status end
      where v.id = v_voucher_id
      returning v.* into v_voucher;
    end if;
    -- Still online although the voucher may not be (e.g. the router ignored a disconnect).
    if v_stoptime is null and v_voucher.status <> 'active' then
      perform radius.queue_disconnect(v_radacctid, v_voucher_id, v_voucher.status, null);
    end if;
  end if;
  return 'ok';
end;
$$;

revoke all on function radius.accounting(text, inet, text, text, text, text, text, bigint, bigint, bigint,
  bigint, bigint, text, text, inet, text) from public, anon, authenticated, service_role;

comment on function radius.accounting(text, inet, text, text, text, text, text, bigint, bigint, bigint,
  bigint, bigint, text, text, inet, text) is
'FreeRADIUS accounting: records one Accounting-Request in radius.radacct (keyed by
Acct-Unique-Session-Id) and adds to the voucher only what the session reports beyond the totals
stored (never negative: lost, repeated or reordered packets neither double nor drop usage). The
first packet starts the validity; reaching a quota makes the voucher exhausted, passing
expires_at expired; an open session of a voucher no longer active gets a Disconnect-Request.
Accounting-On/Off closes the router''s open sessions (NAS-Reboot). A MAC user name counts
against the voucher its MAC login used. The router is the one registered at p_nas_ip (the
source address) now: a new session records it and its organization (router_id,
organization_id), and only a voucher of that organization is counted.
Callers: freeradius only (grant below).
Returns: ok | closed (Accounting-On/Off) | ignored (another status type, no unique id, or no
router at p_nas_ip: nothing is recorded).';

-- Closes sessions that sent nothing for two interim intervals (their Stop was lost or the
-- router vanished), so they stop counting against concurrent-session limits, and marks active
-- vouchers past their validity as expired. Run every minute (radius/README.md).
create function radius.sweep()
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_closed integer;
  v_expired integer;
begin
  update radius.radacct a
  set acctstoptime = now(), acctterminatecause = 'Stale-Session'
  where a.acctstoptime is null
    and coalesce(a.acctupdatetime, a.acctstarttime)
        < now() - make_interval(secs => 2 * radius.acct_interim_interval());
  get diagnostics v_closed = row_count;

  update public.vouchers v
  set status = 'expired'
  where v.status = 'active' and v.expires_at <= now();
  get diagnostics v_expired = row_count;

  return jsonb_build_object('closed_sessions', v_closed, 'expired_vouchers', v_expired);
end;
$$;

revoke all on function radius.sweep() from public, anon, authenticated, service_role;

comment on function radius.sweep() is
'Housekeeping, every minute (the worker''s radius-sweep job, or pg_cron): closes sessions silent for two interim
intervals (Stale-Session), so they stop counting against device limits, and marks active
vouchers past expires_at expired (which queues their disconnects).
Callers: worker only (grant below).
Returns: {closed_sessions, expired_vouchers}.';

-- The routers FreeRADIUS must answer, with their secrets: rendered into its clients file by
-- radius/clients.ts, which LISTENs on channel radius_clients for changes. A router is one
-- address (what radius.authorize() matches the packet's source against), so rows holding a
-- network are left out.
create function radius.nas_clients()
returns table (router_id uuid, nas_ip inet, secret text, require_message_authenticator boolean)
language sql
stable
security definer
set search_path = ''
as $$
  select r.id, r.nas_ip, s.secret, r.require_message_authenticator
  from public.routers r
  join private.router_secrets s on s.router_id = r.id
  join public.organizations o on o.id = r.organization_id
  where masklen(r.nas_ip) = case family(r.nas_ip) when 4 then 32 else 128 end
    and o.routers_approved_at is not null
  order by r.nas_ip
$$;

revoke all on function radius.nas_clients() from public, anon, authenticated, service_role;

grant execute on function
  radius.authorize(inet, text, text),
  radius.post_auth(inet, text, text, text, boolean, text),
  radius.accounting(text, inet, text, text, text, text, text, bigint, bigint, bigint, bigint, bigint,
                    text, text, inet, text)
to freeradius;

grant execute on function radius.sweep(), radius.nas_clients() to worker;

comment on function radius.nas_clients() is
'The routers FreeRADIUS must answer, with their RADIUS secrets, for radius/clients.ts (renders
its clients file; LISTENs on channel radius_clients). Rows whose nas_ip is a network, and routers
of organizations platform staff have not approved yet, are left out.
Callers: worker only.
Returns: rows (router_id, nas_ip, secret, require_message_authenticator), by nas_ip.';

-- ---------------------------------------------------------------------------------------------
-- Telling FreeRADIUS that its clients changed
-- ---------------------------------------------------------------------------------------------

-- Trigger: wakes whatever keeps FreeRADIUS's clients file current (radius/clients.ts); it
-- also polls, so a missed notification only delays a change.
create function private.notify_radius_clients()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform pg_notify('radius_clients', '');
  return null;
end;
$$;

revoke all on function private.notify_radius_clients() from public, anon, authenticated;

create trigger routers_notify_radius_clients
  after insert or delete or update of nas_ip, require_message_authenticator on public.routers
  for each statement execute function private.notify_radius_clients();

create trigger router_secrets_notify_radius_clients
  after insert or update or delete on private.router_secrets
  for each statement execute function private.notify_radius_clients();

-- ---------------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------------

-- Disconnect-Requests to deliver and what the router answered. One pending row per session at
-- most; state is pending until the router answers (ack, nak) or the agent gives up (timeout),
-- or cancelled when the session ended (or the voucher was reactivated) before delivery.
-- router_id is the router the session arrived from (radacct.router_id, copied when queued; no
-- foreign key, like radacct's): the request goes to that router only, at the address the
-- session came from, signed with its secret, or fails.
create table radius.disconnects (
  id bigserial primary key,
  radacctid bigint not null references radius.radacct (radacctid) on delete cascade,
  router_id uuid,
  voucher_id uuid references public.vouchers (id) on delete set null,
  reason text not null check (reason in ('exhausted', 'expired', 'revoked', 'admin')),
  requested_by uuid,
  state text not null default 'pending'
    check (state in ('pending', 'ack', 'nak', 'timeout', 'cancelled', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  error_cause integer,
  detail text,
  created_at timestamptz not null default now(),
  done_at timestamptz
);

alter table radius.disconnects enable row level security;

revoke all on table radius.disconnects from public, anon, authenticated, service_role;

comment on table radius.disconnects is
'The Disconnect-Request (RFC 5176) queue and what each router answered (pending, ack, nak, timeout, cancelled, failed). No role has a table privilege: queued by triggers and disconnect_session, delivered through claim_disconnects and record_disconnect.';

create unique index disconnects_pending_session_idx on radius.disconnects (radacctid)
  where state = 'pending';

create index disconnects_due_idx on radius.disconnects (next_attempt_at) where state = 'pending';

create index disconnects_voucher_id_idx on radius.disconnects (voucher_id);

-- Guessing rejects per device (normalised Calling-Station-Id) and organization (of the routers
-- that refused them) in the current 5-minute window, and until when the device is locked out at
-- that organization's routers. The key leads with the MAC: authorize() asks first whether the
-- device is locked out anywhere (one probe, which finds nothing for almost every login).
create table radius.lockouts (
  mac text not null,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  window_started_at timestamptz not null default now(),
  rejects integer not null default 0,
  locked_until timestamptz,
  primary key (mac, organization_id)
);

alter table radius.lockouts enable row level security;

revoke all on table radius.lockouts from public, anon, authenticated, service_role;

comment on table radius.lockouts is
'Guessing rejects per device (normalised MAC) and organization in the current 5-minute window, and until when the device is locked out at that organization''s routers, written by radius.post_auth(). No role has a table privilege.';

-- MAC login looks devices up by MAC across vouchers (a device has few; they are sorted after
-- the lookup). last_seen_at, which every login rewrites, stays out of the index.
create index voucher_devices_mac_idx on radius.voucher_devices (mac);

-- Whether a user name or Calling-Station-Id is a MAC address in any router's format.
create function radius.is_mac(p_value text)
returns boolean
language plpgsql
immutable
security definer
set search_path = ''
as $$
begin
  return coalesce(radius.normalise_mac(p_value) ~ '^([0-9a-f]{2}:){5}[0-9a-f]{2}$', false);
end;
$$;

revoke all on function radius.is_mac(text) from public, anon, authenticated, service_role;

-- Queues a Disconnect-Request for one open session (nothing if one is already pending) and
-- wakes the agent (LISTEN radius_disconnects). The row carries the router the session arrived
-- from, which is the only router claim_disconnects() will send it to.
create function radius.queue_disconnect(
  p_radacctid bigint,
  p_voucher_id uuid,
  p_reason text,
  p_requested_by uuid
)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  insert into radius.disconnects (radacctid, router_id, voucher_id, reason, requested_by)
  select a.radacctid, a.router_id, p_voucher_id, p_reason, p_requested_by
  from radius.radacct a
  where a.radacctid = p_radacctid
  on conflict (radacctid) where state = 'pending' do nothing;
  if found then
    perform pg_notify('radius_disconnects', '');
  end if;
  return found;
end;
$$;

revoke all on function radius.queue_disconnect(bigint, uuid, text, uuid)
  from public, anon, authenticated, service_role;

-- The voucher a MAC login uses at a router: of the vouchers the device is bound to, the first
-- that may open a session there (soonest to expire first); if none may, the one the device used
-- last, so the refusal names its reason; null when the device is bound to no voucher. Only
-- vouchers of the router's organization are considered: a device bound at another organization
-- is, to this router, a device bound to nothing (its reasons there are not this router's to tell).
create function radius.mac_voucher(p_nas_ip inet, p_mac text)
returns public.vouchers
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_voucher public.vouchers;
  v_organization_id uuid;
begin
  select r.organization_id into v_organization_id from public.routers r where r.nas_ip = p_nas_ip;
  select v.* into v_voucher
  from radius.voucher_devices d
  join public.vouchers v on v.id = d.voucher_id
  where d.mac = p_mac
    and v.organization_id = v_organization_id
    and radius.refusal(v, p_nas_ip, p_mac) is null
  order by v.expires_at nulls last, d.first_seen_at
  limit 1;
  if v_voucher.id is null then
    select v.* into v_voucher
    from radius.voucher_devices d
    join public.vouchers v on v.id = d.voucher_id
    where d.mac = p_mac
      and v.organization_id = v_organization_id
    order by d.last_seen_at desc
    limit 1;
  end if;
  return v_voucher;
end;
$$;

revoke all on function radius.mac_voucher(inet, text) from public, anon, authenticated, service_role;

-- Whether a device is locked out right now at the organization of the router at p_nas_ip (a
-- lockout counted at another organization's routers does not count here). A device locked out
-- nowhere, almost every one, costs one probe by MAC; only one locked out somewhere is looked up
-- with the router's organization.
create function radius.locked_out(p_nas_ip inet, p_mac text)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from radius.lockouts l where l.mac = p_mac and l.locked_until > now()) then
    return false;
  end if;
  return exists (
    select 1
    from radius.lockouts l
    join public.routers r on r.organization_id = l.organization_id
    where r.nas_ip = p_nas_ip and l.mac = p_mac and l.locked_until > now()
  );
end;
$$;

revoke all on function radius.locked_out(inet, text) from public, anon, authenticated, service_role;

-- Authorises a user name shaped like a MAC address, in one round trip like authorize(). A
-- voucher code that happens to look like one (12 hex digits) is a voucher login. Otherwise it
-- is a MAC login: the name must be the device's own Calling-Station-Id, and the device must be
-- bound to a voucher that may open a session at this router. Routers send no secret with a MAC
-- login (an empty password, the MAC again, or one fixed password for all devices), so there is
-- no password to check: login says 'mac' and FreeRADIUS accepts without one.
create function radius.authorize_mac(p_nas_ip inet, p_username text, p_calling_station_id text)
returns table (
  reject_reason text,
  password text,
  session_timeout bigint,
  acct_interim_interval integer,
  rate_limit text,
  bandwidth_max_down bigint,
  bandwidth_max_up bigint,
  total_limit bigint,
  total_limit_gigawords bigint,
  login text
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_mac text := radius.normalise_mac(p_calling_station_id);
  v_voucher public.vouchers;
begin
  if exists (select 1 from public.vouchers v where v.code = upper(p_username)) then
    return query select a.*, 'voucher'::text from radius.authorize(p_nas_ip, p_username, p_calling_station_id) a;
    return;
  end if;
  if v_mac <> '' and radius.locked_out(p_nas_ip, v_mac) then
    return query select 'WB_LOCKED'::text, null::text, null::bigint, null::integer, null::text,
      null::bigint, null::bigint, null::bigint, null::bigint, 'mac'::text;
    return;
  end if;
  if not radius.is_mac(p_username) or radius.normalise_mac(p_username) <> v_mac then
    return query select 'WB_UNKNOWN'::text, null::text, null::bigint, null::integer, null::text,
      null::bigint, null::bigint, null::bigint, null::bigint, 'mac'::text;
    return;
  end if;
  v_voucher := radius.mac_voucher(p_nas_ip, v_mac);
  if v_voucher.id is null then
    return query select 'WB_UNKNOWN'::text, null::text, null::bigint, null::integer, null::text,
      null::bigint, null::bigint, null::bigint, null::bigint, 'mac'::text;
    return;
  end if;
  -- The voucher's own answer, without its password (nothing is checked for a MAC login).
  return query
    select a.reject_reason, null::text, a.session_timeout, a.acct_interim_interval, a.rate_limit,
      a.bandwidth_max_down, a.bandwidth_max_up, a.total_limit, a.total_limit_gigawords, 'mac'::text
    from radius.authorize(p_nas_ip, v_voucher.code, p_calling_station_id) a;
end;
$$;

revoke all on function radius.authorize_mac(inet, text, text) from public, anon, authenticated, service_role;

comment on function radius.authorize_mac(inet, text, text) is
'FreeRADIUS authorize for a user name shaped like a MAC (MikroTik login-by=mac, CoovaChilli
macauth). A voucher code that looks like one is a voucher login: authorize()''s answer. Otherwise
a MAC login: the name must be the device''s own Calling-Station-Id and the device bound to a
voucher that may open a session at this router; no password is checked (password null).
Callers: freeradius only (grant below).
Returns: authorize()''s columns plus login (voucher | mac); a MAC login is refused with WB_LOCKED
(a lockout at the router''s organization), WB_UNKNOWN (not the device''s MAC, or no voucher of the
router''s organization bound: a binding at another organization is not told) or the bound
voucher''s reason.';

-- ---------------------------------------------------------------------------------------------
-- Disconnects: queueing, delivery, admin requests
-- ---------------------------------------------------------------------------------------------

-- Trigger: a voucher that stops being usable (exhausted, expired, revoked) gets a disconnect
-- queued for each open session; one reactivated cancels those not delivered yet.
create function private.radius_voucher_disconnects()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status = 'active' then
    update radius.disconnects d
    set state = 'cancelled', detail = 'voucher reactivated', done_at = now()
    where d.voucher_id = new.id and d.state = 'pending' and d.reason <> 'admin';
  else
    perform radius.queue_disconnect(a.radacctid, new.id, new.status, auth.uid())
    from radius.radacct a
    where a.voucher_id = new.id and a.acctstoptime is null;
  end if;
  return null;
end;
$$;

revoke all on function private.radius_voucher_disconnects() from public, anon, authenticated;

create trigger vouchers_radius_disconnects
  after update of status on public.vouchers
  for each row when (old.status is distinct from new.status)
  execute function private.radius_voucher_disconnects();

-- The agent takes up to p_limit due disconnects with everything the packet needs (the router's
-- address, CoA port and secret; the session's identifying attributes). A taken row stays
-- pending with its next attempt 30 s away, so one whose agent died is taken again. Rows whose
-- session already ended, or whose router is gone, are closed instead of being sent. The router
-- is the one the session arrived from (disconnects.router_id), and only while it still holds
-- the address the session came from: a router deleted or renumbered since fails the request,
-- so it is never signed with, or sent to, whoever holds that address now.
create function radius.claim_disconnects(p_limit integer)
returns table (
  id bigint,
  attempt integer,
  nas_ip text,
  coa_port integer,
  secret text,
  user_name text,
  acct_session_id text,
  calling_station_id text,
  framed_ip text
)
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  update radius.disconnects d
  set state = case when c.router_address is distinct from c.session_address then 'failed'
                   else 'cancelled' end,
      detail = case when c.router_address is null then 'router not found'
                    when c.router_address <> c.session_address then 'router address changed'
                    else 'session ended' end,
      done_at = now()
  from (
    select d2.id, a.acctstoptime, a.nasipaddress as session_address,
           (select r.nas_ip from public.routers r
            where r.id = d2.router_id and r.organization_id = a.organization_id) as router_address
    from radius.disconnects d2
    join radius.radacct a on a.radacctid = d2.radacctid
    where d2.state = 'pending' and d2.next_attempt_at <= now()
  ) c
  where d.id = c.id
    and (c.acctstoptime is not null or c.router_address is distinct from c.session_address);

  return query
  with due as (
    select d.id
    from radius.disconnects d
    where d.state = 'pending' and d.next_attempt_at <= now()
    order by d.next_attempt_at
    limit least(greatest(p_limit, 1), 100)
    for update skip locked
  ),
  taken as (
    update radius.disconnects d
    set attempts = d.attempts + 1, next_attempt_at = now() + interval '30 seconds'
    from due
    where d.id = due.id
    returning d.id, d.attempts, d.radacctid, d.router_id
  )
  select t.id, t.attempts, host(r.nas_ip), r.coa_port, s.secret, a.username, a.acctsessionid,
         a.callingstationid, host(a.framedipaddress)
  from taken t
  join radius.radacct a on a.radacctid = t.radacctid
  join public.routers r
    on r.id = t.router_id and r.organization_id = a.organization_id and r.nas_ip = a.nasipaddress
  join private.router_secrets s on s.router_id = r.id;
end;
$$;

revoke all on function radius.claim_disconnects(integer) from public, anon, authenticated, service_role;

comment on function radius.claim_disconnects(integer) is
'The RADIUS agent (radius/disconnect.ts) takes up to p_limit (1 to 100) due Disconnect-Requests:
each attempt counted, the next one 30 s later (a claim whose agent died is taken again). Due rows
whose session ended are cancelled, those whose router is gone failed, instead of being sent. The
router is the one the session arrived from, at the address it came from: one deleted or
renumbered since fails the request (detail router not found | router address changed).
Callers: worker only (grant below).
Returns: rows (id, attempt, nas_ip, coa_port, secret, user_name, acct_session_id,
calling_station_id, framed_ip).';

-- What the router answered: 'ack' or 'nak' (with its Error-Cause) end the row; 'timeout' (no
-- valid answer to any retransmission) schedules another attempt with a growing pause, up to 5
-- attempts, then ends it as timed out.
create function radius.record_disconnect(p_id bigint, p_result text, p_error_cause integer)
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_state text;
begin
  if p_result not in ('ack', 'nak', 'timeout') then
    raise exception 'unknown disconnect result %', p_result
      using errcode = '22023', hint = 'disconnect_result_invalid';
  end if;
  update radius.disconnects d
  set state = case
        when p_result <> 'timeout' then p_result
        when d.attempts >= 5 then 'timeout'
        else 'pending' end,
      error_cause = p_error_cause,
      next_attempt_at = case when p_result = 'timeout'
                             then now() + make_interval(secs => 15 * d.attempts) else d.next_attempt_at end,
      done_at = case when p_result <> 'timeout' or d.attempts >= 5 then now() end
  where d.id = p_id and d.state = 'pending'
  returning d.state into v_state;
  return v_state;
end;
$$;

revoke all on function radius.record_disconnect(bigint, text, integer)
  from public, anon, authenticated, service_role;

grant execute on function radius.authorize_mac(inet, text, text) to freeradius;

grant execute on function
  radius.claim_disconnects(integer),
  radius.record_disconnect(bigint, text, integer)
to worker;

comment on function radius.record_disconnect(bigint, text, integer) is
'The RADIUS agent records a router''s answer to a Disconnect-Request: ack or nak (with
p_error_cause) end it; timeout (no valid answer) retries after 15 s times the attempts, and ends
it as timeout after 5 attempts. Only a pending row changes.
Callers: worker only.
Returns: the row''s new state (pending | ack | nak | timeout), or null when it was not pending.
Errors: 22023 p_result not ack, nak or timeout.';

-- Ends a voucher's open sessions now (all of them, or only the device p_mac's), without
-- revoking the voucher: the device may log in again. For owners and admins of the voucher's
-- organization; returns how many Disconnect-Requests were queued (sessions already waiting for
-- one are not counted twice). Anyone else, or an unknown voucher: 42501.
create function public.disconnect_session(p_voucher_id uuid, p_mac text default null)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_queued integer := 0;
  v_session record;
begin
  if not exists (
    select 1 from public.vouchers v
    where v.id = p_voucher_id
      and v.organization_id in (select private.orgs_with_role_at_least('admin'))
  ) then
    raise exception 'only owners and admins of the voucher''s organization can disconnect its sessions'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  for v_session in
    select a.radacctid
    from radius.radacct a
    where a.voucher_id = p_voucher_id and a.acctstoptime is null
      and (p_mac is null or a.mac = radius.normalise_mac(p_mac))
  loop
    if radius.queue_disconnect(v_session.radacctid, p_voucher_id, 'admin', auth.uid()) then
      v_queued := v_queued + 1;
    end if;
  end loop;
  return v_queued;
end;
$$;

revoke all on function public.disconnect_session(uuid, text) from public, anon, authenticated;

grant execute on function public.disconnect_session(uuid, text) to authenticated;

comment on function public.disconnect_session(uuid, text) is
'Queues a Disconnect-Request (RFC 5176) for each open session of the voucher, or only device
p_mac''s (any MAC spelling), without revoking it: the device may log in again. The RADIUS agent
delivers them and records the router''s ACK/NAK in radius.disconnects.
Callers: authenticated owner/admin of the voucher''s organization.
Returns: how many were queued (0 without open sessions; one already waiting is not counted).
Errors: 42501 agent, outsider, unknown voucher or no user.';

-- The admin's sessions, router health and alerts: narrow reads of schema radius (not exposed)
-- for owners and admins of the organization. Disconnecting uses disconnect_session().

-- An organization's session history, newest first, and each router's last Stop, by the router
-- and organization the sessions arrived from. None of these columns changes after a session's
-- first write except acctstoptime at its Stop, so Interim-Updates stay HOT updates.
create index radacct_organization_history_idx on radius.radacct (organization_id, acctstarttime desc)
  where acctstoptime is not null;

create index radacct_router_stop_idx on radius.radacct (router_id, acctstoptime desc)
  where acctstoptime is not null;

-- A MAC in any spelling radius.is_mac() takes as macaddr, or null when it is not one (never an
-- error: the value comes from a URL anyone can type). One rule for the portal and RADIUS, where
-- macaddr's own input would take other spellings (unpadded, a trailing newline).
create function private.mac_or_null(p_mac text)
returns macaddr
language plpgsql
immutable
security definer
set search_path = ''
as $$
begin
  if length(p_mac) > 40 or not radius.is_mac(p_mac) then
    return null;
  end if;
  return radius.normalise_mac(p_mac)::macaddr;
end;
$$;

revoke all on function private.mac_or_null(text) from public, anon, authenticated;

-- An organization's open sessions newest first: sessions_online() reads its first 200 instead
-- of fetching and sorting every open session's row; the dashboard counts them.
create index radacct_organization_open_idx on radius.radacct (organization_id, acctstarttime desc)
  where acctstoptime is null;
