-- Cheaper logins and Interim-Updates in PostgreSQL (issue 3, item 10), measured with
-- `npm run bench:radius` and pgbench against the functions (radius/README.md, Performance).
-- Nothing here changes what the RADIUS functions answer or record; only how much work they do:
--
-- - radius.normalise_mac() and radius.is_mac() become plpgsql. As `language sql` functions
--   with `set search_path` they cannot be inlined, and each call re-initialises the SQL
--   function in every transaction (about 20 µs a call here); plpgsql keeps its compiled form and
--   plans for the session. A login calls normalise_mac() three times.
-- - radius.accounting() locks the voucher with the columns it needs, and the usual packet (an
--   active voucher that stays within its quotas and validity) updates only the usage counters:
--   an UPDATE that does not name status skips the status triggers (disconnects, audit) before
--   their WHEN clauses, which PostgreSQL rebuilds from their stored form on every statement.
--   The frozen-limits and audit triggers on vouchers now list their columns, so such an UPDATE
--   calls no trigger at all.
-- - radius.refusal() probes a bound device by its key instead of aggregating the voucher's
--   devices (which the planner does with a sequential scan while the table is small).
-- - radius.post_auth() refreshes a bound device with a plain UPDATE (one statement instead of an
--   EXISTS probe plus an INSERT ... ON CONFLICT that locks the row and then updates it).

-- ---------------------------------------------------------------------------------------------
-- Helpers (same results as before, see 20261124000600 and 20261129000100)
-- ---------------------------------------------------------------------------------------------

-- A Calling-Station-Id as one canonical MAC ('aa:bb:cc:dd:ee:ff') whatever separators or case
-- the router uses; anything that is not a MAC is kept lower-cased (at most 64 characters).
create or replace function radius.normalise_mac(p_calling_station_id text)
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

-- Whether a user name or Calling-Station-Id is a MAC address in any router's format.
create or replace function radius.is_mac(p_value text)
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

-- ---------------------------------------------------------------------------------------------
-- Vouchers: triggers only for updates that name their columns
-- ---------------------------------------------------------------------------------------------

-- Same rows audited as before (status or sale changes; no other trigger rewrites those columns),
-- but an UPDATE that does not name them, like accounting adding usage, skips the trigger before
-- its WHEN clause, which PostgreSQL would otherwise rebuild from its stored form every statement.
drop trigger vouchers_audit_update on public.vouchers;
create trigger vouchers_audit_update
  after update of status, sold_by, sold_at, sold_price_kes on public.vouchers
  for each row when (
    (old.status, old.sold_by, old.sold_at, old.sold_price_kes)
    is distinct from (new.status, new.sold_by, new.sold_at, new.sold_price_kes)
  ) execute function private.audit_row();

-- The frozen-columns check likewise fires only for an UPDATE that names a frozen column (no
-- other trigger rewrites them, so an UPDATE that does not name one cannot change one); the
-- function is unchanged and still refuses any change with 23514.
drop trigger vouchers_keep_frozen on public.vouchers;
create trigger vouchers_keep_frozen
  before update of organization_id, plan_id, batch_id, code, price_kes, validity_seconds,
    time_quota_seconds, data_quota_bytes, download_kbps, upload_kbps, devices_allowed,
    created_by, created_at
  on public.vouchers
  for each row execute function private.voucher_keep_frozen();

-- ---------------------------------------------------------------------------------------------
-- Refusal (replacing the version of 20261124000600)
-- ---------------------------------------------------------------------------------------------

-- Why a voucher may not open a session on a router right now (a stable code the portal
-- translates), or null when it may; shared by authorize(), authorize_mac() and post_auth(). As
-- before, except that a bound device is found by its key instead of aggregating all of the
-- voucher's devices (a sequential scan while the table is small).
create or replace function radius.refusal(p_voucher public.vouchers, p_nas_ip inet, p_mac text)
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

-- ---------------------------------------------------------------------------------------------
-- Post-auth (replacing the version of 20261129000100)
-- ---------------------------------------------------------------------------------------------

-- As before: logs the outcome, binds the device on an accept (re-checking under the voucher's
-- row lock only for a device the voucher does not know yet) and counts guessing rejects towards
-- the device's lockout. A bound device coming back is found and refreshed by one UPDATE.
create or replace function radius.post_auth(
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
  elsif v_reason in ('WB_UNKNOWN', 'WB_BAD_PASSWORD', 'WB_WRONG_SITE') and v_mac <> '' and not v_mac_login then
    -- A fixed window: the count restarts 5 minutes after its first reject.
    insert into radius.lockouts as l (mac, window_started_at, rejects)
    values (v_mac, now(), 1)
    on conflict (mac) do update set
      window_started_at = case when l.window_started_at <= now() - interval '5 minutes'
                               then now() else l.window_started_at end,
      rejects = case when l.window_started_at <= now() - interval '5 minutes'
                     then 1 else l.rejects + 1 end,
      locked_until = case
        when l.window_started_at > now() - interval '5 minutes' and l.rejects + 1 >= 10
          then now() + interval '15 minutes'
        else l.locked_until end;
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

-- ---------------------------------------------------------------------------------------------
-- Accounting (replacing the version of 20261129000100)
-- ---------------------------------------------------------------------------------------------

-- As before: records one accounting packet and rolls the usage the session's row had not seen
-- into the voucher in the same transaction (the voucher's row lock serialises its packets), and
-- queues a disconnect for an open session of a voucher that is no longer active. The voucher
-- lock reads only the columns needed, and the usual packet updates only the usage counters.
create or replace function radius.accounting(
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
  -- Only the columns used below (the router's organization as a one-row subquery: nas_ip is
  -- unique).
  select v.id, v.status, v.first_used_at, v.expires_at, v.used_seconds, v.used_bytes,
         v.time_quota_seconds, v.data_quota_bytes
  into v_voucher.id, v_voucher.status, v_voucher.first_used_at, v_voucher.expires_at,
       v_voucher.used_seconds, v_voucher.used_bytes, v_voucher.time_quota_seconds,
       v_voucher.data_quota_bytes
  from public.vouchers v
  where v.code = upper(p_username)
    and v.organization_id = (select r.organization_id from public.routers r where r.nas_ip = p_nas_ip)
  for update;
  -- A MAC login: the session's voucher, or the one the device last logged in with here.
  if v_voucher.id is null and radius.is_mac(p_username) then
    select a.voucher_id into v_voucher_id from radius.radacct a where a.acctuniqueid = p_unique_id;
    if v_voucher_id is null then
      select d.voucher_id into v_voucher_id
      from radius.voucher_devices d
      join public.vouchers v on v.id = d.voucher_id
      join public.routers r on r.organization_id = v.organization_id and r.nas_ip = p_nas_ip
      where d.mac = radius.normalise_mac(p_username)
      order by d.last_seen_at desc
      limit 1;
    end if;
    select v.* into v_voucher from public.vouchers v where v.id = v_voucher_id for update;
  end if;
  v_voucher_id := v_voucher.id;

  -- A Start for a row that is already closed is a new session that reuses an old session id
  -- (e.g. after a router reboot): the old row keeps its history under a retired key.
  if p_status = 'Start' then
    update radius.radacct a
    set acctuniqueid = a.acctuniqueid || ':' || a.radacctid
    where a.acctuniqueid = p_unique_id and a.acctstoptime is not null;
  end if;

  -- Interim-Update and Stop usually find their row: the update comes first and reads the old
  -- totals in the same statement. A Start (or a packet whose Start was lost) inserts; a
  -- repeated Start finds the row on the second pass.
  for v_pass in 1..2 loop
    if v_pass = 2 or p_status <> 'Start' then
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
      from radius.radacct o
      where a.acctuniqueid = p_unique_id and o.radacctid = a.radacctid
      returning o.acctsessiontime, o.acctinputoctets, o.acctoutputoctets, a.radacctid, a.acctstoptime
      into v_old_time, v_old_in, v_old_out, v_radacctid, v_stoptime;
      exit when found or v_pass = 2;
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
