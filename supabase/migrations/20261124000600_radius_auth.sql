-- What FreeRADIUS may do in the database: authorise a login, log its outcome, record
-- accounting, list its clients (routers) and sweep stale sessions. It does all of that through
-- the security definer functions below and nothing else: its role `freeradius` holds no table
-- privilege at all and is never granted to `authenticator`, so PostgREST cannot become it.
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

-- ---------------------------------------------------------------------------------------------
-- Routers: whether FreeRADIUS insists on Message-Authenticator (BlastRADIUS)
-- ---------------------------------------------------------------------------------------------

-- On by default; an owner or admin switches it off only for firmware that cannot send it
-- (old RouterOS 6), since without it a forged Access-Accept cannot be detected.
alter table public.routers
  add column require_message_authenticator boolean not null default true;
grant update (require_message_authenticator) on table public.routers to authenticated;

-- The existing update audit trigger lists its columns; this setting is security relevant too.
create trigger routers_audit_message_authenticator
  after update of require_message_authenticator on public.routers
  for each row when (old.require_message_authenticator is distinct from new.require_message_authenticator)
  execute function private.audit_row();

-- ---------------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------------

-- The devices (normalised MAC addresses) a voucher has been accepted on: a voucher may bind at
-- most devices_allowed of them. '' stands for a router that sent no Calling-Station-Id.
create table radius.voucher_devices (
  voucher_id uuid not null references public.vouchers (id) on delete cascade,
  mac text not null,
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  primary key (voucher_id, mac)
);
alter table radius.voucher_devices enable row level security;
revoke all on table radius.voucher_devices from public, anon, authenticated, service_role;

-- Sessions remember their voucher and device so that roll-ups, concurrency counts and
-- "same device logs in again" do not have to parse user names and MAC formats every time.
alter table radius.radacct
  add column voucher_id uuid references public.vouchers (id) on delete set null,
  add column mac text;
create index radacct_open_voucher_idx on radius.radacct (voucher_id, mac) where acctstoptime is null;
create index radacct_open_update_idx on radius.radacct (acctupdatetime) where acctstoptime is null;
create index radacct_voucher_id_idx on radius.radacct (voucher_id);

-- The post-auth log records which router asked and why a login was refused (the reason code
-- sent as Reply-Message), never a password.
alter table radius.radpostauth
  add column nasipaddress inet,
  add column reason text;

-- The sweeper marks active vouchers past their validity as expired.
create index vouchers_active_expires_at_idx on public.vouchers (expires_at)
  where status = 'active' and expires_at is not null;

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
create function radius.normalise_mac(p_calling_station_id text)
returns text
language sql
immutable
security definer
set search_path = ''
as $$
  select case
    when h ~ '^[0-9a-f]{12}$' then concat_ws(':', substr(h, 1, 2), substr(h, 3, 2), substr(h, 5, 2),
                                             substr(h, 7, 2), substr(h, 9, 2), substr(h, 11, 2))
    else left(lower(btrim(coalesce(p_calling_station_id, ''))), 64)
  end
  from (select regexp_replace(lower(coalesce(p_calling_station_id, '')), '[-:. ]', '', 'g') as h) s
$$;
revoke all on function radius.normalise_mac(text) from public, anon, authenticated, service_role;

-- Why a voucher may not open a session on a router right now (a stable code the portal
-- translates), or null when it may. Shared by authorize() and post_auth() so the second,
-- locked check cannot drift from the first.
create function radius.refusal(p_voucher public.vouchers, p_nas_ip inet, p_mac text)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_bound boolean;
  v_other_devices integer;
  v_open_elsewhere integer;
begin
  if p_voucher.id is null then
    return 'WB_UNKNOWN';
  end if;
  -- The voucher's organization must own the router, and the plan must be sold at its site.
  if not exists (
    select 1
    from public.routers r
    join public.plan_sites ps on ps.site_id = r.site_id and ps.organization_id = r.organization_id
    where r.nas_ip = p_nas_ip
      and r.organization_id = p_voucher.organization_id
      and ps.plan_id = p_voucher.plan_id
  ) then
    return 'WB_WRONG_SITE';
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
  select bool_or(d.mac = p_mac), count(*) filter (where d.mac <> p_mac)
  into v_bound, v_other_devices
  from radius.voucher_devices d
  where d.voucher_id = p_voucher.id;
  if not coalesce(v_bound, false) and v_other_devices >= p_voucher.devices_allowed then
    return 'WB_DEVICE_LIMIT';
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

-- ---------------------------------------------------------------------------------------------
-- What FreeRADIUS calls
-- ---------------------------------------------------------------------------------------------

-- Authorises an Access-Request in one round trip: always one row, either a reject reason
-- (everything else null) or the password to check (PAP or CHAP) and the reply attributes.
-- p_nas_ip is the packet's source address, i.e. the router FreeRADIUS matched as a client.
-- The user name matches a voucher code regardless of case; the password must equal the user
-- name as typed, so both PAP and CHAP can check it. Read-only: post_auth() binds the device.
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
begin
  select v.* into v_voucher from public.vouchers v where v.code = upper(p_username);
  v_reason := radius.refusal(v_voucher, p_nas_ip, radius.normalise_mac(p_calling_station_id));
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

-- Logs an Access-Accept or Access-Reject (without any password) and, for an accept, binds the
-- device to the voucher and closes that device's own stale sessions. It repeats the device
-- checks under the voucher's row lock, so two new devices racing for the last slot cannot
-- both get in: the loser's accept is turned into a reject with the returned reason.
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
  v_reason text := case when p_accepted then null else coalesce(nullif(p_reason, ''), 'WB_BAD_PASSWORD') end;
begin
  if p_accepted then
    select v.* into v_voucher from public.vouchers v where v.code = upper(p_username) for update;
    v_reason := radius.refusal(v_voucher, p_nas_ip, v_mac);
    if v_reason is null then
      insert into radius.voucher_devices as d (voucher_id, mac)
      values (v_voucher.id, v_mac)
      on conflict (voucher_id, mac) do update set last_seen_at = now();
      update radius.radacct a
      set acctstoptime = now(), acctterminatecause = 'Session-Replaced'
      where a.voucher_id = v_voucher.id and a.acctstoptime is null and a.mac = v_mac;
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
    v_reason
  );
  return query select v_reason;
end;
$$;
revoke all on function radius.post_auth(inet, text, text, text, boolean, text)
  from public, anon, authenticated, service_role;

-- Records one accounting packet and rolls the usage it reports into the voucher, in one
-- transaction. Counters in Interim-Update and Stop are session totals, so the voucher gains
-- only what the session's row has not seen yet (never negative): a lost Start, a Stop without
-- Start, repeated or reordered Interims and packets after the sweeper closed the row neither
-- count twice nor drop usage. Accounting-On/Off closes the router's open sessions.
-- Sessions are keyed by FreeRADIUS's Acct-Unique-Session-Id, which includes the source address.
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
  v_voucher_id uuid;
  v_row radius.radacct;
  v_new boolean;
  v_seconds bigint;
  v_bytes bigint;
begin
  if p_status in ('Accounting-On', 'Accounting-Off') then
    -- The router (re)booted: whatever it had open is gone, with usage since the last Interim.
    update radius.radacct a
    set acctstoptime = v_now, acctupdatetime = v_now, acctterminatecause = 'NAS-Reboot'
    where a.nasipaddress = p_nas_ip and a.acctstoptime is null;
    return 'closed';
  end if;
  if p_status is null or p_status not in ('Start', 'Interim-Update', 'Stop') or p_unique_id is null then
    return 'ignored';
  end if;

  -- Lock the voucher before the session row (post_auth() takes them in the same order), so
  -- concurrent packets for one voucher queue up instead of both reading the old totals.
  select v.id into v_voucher_id
  from public.vouchers v
  join public.routers r on r.organization_id = v.organization_id and r.nas_ip = p_nas_ip
  where v.code = upper(p_username)
  for update of v;

  -- A Start for a row that is already closed is a new session that reuses an old session id
  -- (e.g. after a router reboot): the old row keeps its history under a retired key.
  if p_status = 'Start' then
    update radius.radacct a
    set acctuniqueid = a.acctuniqueid || ':' || a.radacctid
    where a.acctuniqueid = p_unique_id and a.acctstoptime is not null;
  end if;

  insert into radius.radacct as a (
    acctsessionid, acctuniqueid, username, nasipaddress, nasportid, nasporttype,
    acctstarttime, acctupdatetime, acctstoptime, acctsessiontime, acctinputoctets, acctoutputoctets,
    calledstationid, callingstationid, acctterminatecause, framedipaddress, voucher_id, mac
  )
  values (
    coalesce(p_session_id, ''), p_unique_id, p_username, p_nas_ip, p_nas_port_id, p_nas_port_type,
    v_now - make_interval(secs => v_time), v_now,
    case when p_status = 'Stop' then v_now end,
    v_time, v_in, v_out,
    p_called_station_id, p_calling_station_id,
    case when p_status = 'Stop' then p_terminate_cause end,
    p_framed_ip, v_voucher_id, radius.normalise_mac(p_calling_station_id)
  )
  on conflict (acctuniqueid) do nothing
  returning a.* into v_row;
  v_new := found;

  if v_new then
    v_seconds := v_time;
    v_bytes := v_in + v_out;
  else
    select a.* into v_row from radius.radacct a where a.acctuniqueid = p_unique_id for update;
    v_seconds := greatest(v_time - coalesce(v_row.acctsessiontime, 0), 0);
    v_bytes := greatest(v_in - coalesce(v_row.acctinputoctets, 0), 0)
             + greatest(v_out - coalesce(v_row.acctoutputoctets, 0), 0);
    update radius.radacct a
    set acctsessiontime = greatest(coalesce(a.acctsessiontime, 0), v_time),
        acctinputoctets = greatest(coalesce(a.acctinputoctets, 0), v_in),
        acctoutputoctets = greatest(coalesce(a.acctoutputoctets, 0), v_out),
        acctinterval = case when p_status = 'Interim-Update'
                            then extract(epoch from v_now - a.acctupdatetime)::bigint
                            else a.acctinterval end,
        acctupdatetime = v_now,
        framedipaddress = coalesce(p_framed_ip, a.framedipaddress),
        voucher_id = coalesce(a.voucher_id, v_voucher_id),
        -- A Stop replaces a close we guessed (sweeper, re-login); an Interim proves a swept
        -- session alive; a Stop we already have stays as it was.
        acctstoptime = case
          when p_status = 'Stop' and (a.acctstoptime is null
                                      or a.acctterminatecause in ('Stale-Session', 'Session-Replaced')) then v_now
          when p_status = 'Interim-Update' and a.acctterminatecause = 'Stale-Session' then null
          else a.acctstoptime end,
        acctterminatecause = case
          when p_status = 'Stop' and (a.acctstoptime is null
                                      or a.acctterminatecause in ('Stale-Session', 'Session-Replaced')) then p_terminate_cause
          when p_status = 'Interim-Update' and a.acctterminatecause = 'Stale-Session' then null
          else a.acctterminatecause end
    where a.radacctid = v_row.radacctid;
  end if;

  if v_voucher_id is not null then
    -- Validity starts with the first session (a lost Start: when the session began).
    update public.vouchers v
    set used_seconds = v.used_seconds + v_seconds,
        used_bytes = v.used_bytes + v_bytes,
        first_used_at = coalesce(v.first_used_at, v_now - make_interval(secs => v_time)),
        expires_at = coalesce(v.expires_at,
                              v_now - make_interval(secs => v_time) + make_interval(secs => v.validity_seconds)),
        status = case
          when v.status = 'active' and (v.used_seconds + v_seconds >= v.time_quota_seconds
                                        or v.used_bytes + v_bytes >= v.data_quota_bytes) then 'exhausted'
          else v.status end
    where v.id = v_voucher_id;
  end if;
  return 'ok';
end;
$$;
revoke all on function radius.accounting(text, inet, text, text, text, text, text, bigint, bigint, bigint,
  bigint, bigint, text, text, inet, text) from public, anon, authenticated, service_role;

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
  where masklen(r.nas_ip) = case family(r.nas_ip) when 4 then 32 else 128 end
  order by r.nas_ip
$$;
revoke all on function radius.nas_clients() from public, anon, authenticated, service_role;

grant execute on function
  radius.authorize(inet, text, text),
  radius.post_auth(inet, text, text, text, boolean, text),
  radius.accounting(text, inet, text, text, text, text, text, bigint, bigint, bigint, bigint, bigint,
                    text, text, inet, text),
  radius.sweep(),
  radius.nas_clients()
to freeradius;

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
