-- RADIUS Interim-Updates with less work per packet (callgrind on 300 Interim-Updates:
-- radius/README.md, Performance).

-- ---------------------------------------------------------------------------------------------
-- Voucher values checked by a trigger that names its columns
-- ---------------------------------------------------------------------------------------------

-- PostgreSQL evaluates every CHECK constraint of a row on every UPDATE, rebuilding each from its
-- stored form, whichever columns changed: the five left on vouchers cost about 0.14 M
-- instructions per Interim-Update, which only adds usage. The code, status and sale price are
-- now checked by a trigger that fires on INSERT and on an UPDATE naming them (same SQLSTATE
-- 23514); the usage counters lose their checks: only radius.accounting() writes them, adding
-- differences it floors at zero, and API users cannot write them (column grants).
alter table public.vouchers
  drop constraint vouchers_code_check,
  drop constraint vouchers_status_check,
  drop constraint vouchers_used_seconds_check,
  drop constraint vouchers_used_bytes_check,
  drop constraint vouchers_sold_price_kes_check;

-- Trigger: refuses a voucher whose code, status or sale price is out of range, as the CHECK
-- constraints it replaces did. Runs after private.voucher_freeze_plan() has upper-cased the code.
create function private.voucher_values_valid()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.code !~ '^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10,14}$' then
    raise exception 'voucher code "%" is not 10 to 14 characters of the voucher alphabet', new.code
      using errcode = '23514';
  end if;
  if new.status not in ('active', 'revoked', 'exhausted', 'expired') then
    raise exception 'voucher status "%" is not one of active, revoked, exhausted, expired', new.status
      using errcode = '23514';
  end if;
  if new.sold_price_kes < 0 then
    raise exception 'a voucher''s sale price cannot be negative' using errcode = '23514';
  end if;
  return new;
end;
$$;
revoke all on function private.voucher_values_valid() from public, anon, authenticated;

-- Named to sort after vouchers_freeze_plan and vouchers_keep_frozen (triggers of one event fire
-- in name order).
create trigger vouchers_values_valid
  before insert or update of code, status, sold_price_kes on public.vouchers
  for each row execute function private.voucher_values_valid();

-- ---------------------------------------------------------------------------------------------
-- Accounting (replacing the version of 20261129001500)
-- ---------------------------------------------------------------------------------------------

-- As before: records one accounting packet and rolls the usage the session's row had not seen
-- into the voucher in the same transaction. The session's old totals are now read first and the
-- row updated by its key with values worked out here, instead of an UPDATE joined to itself
-- with CASE expressions (about 0.05 M instructions less per Interim-Update). Packets of one
-- voucher still queue on the voucher's row lock, taken before the session row is read.
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
  v_cause text;
  v_updated timestamptz;
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
  -- Found by code alone, then checked against the router's organization: with both in one
  -- WHERE the generic plan may walk the organization's index and filter every voucher it has
  -- on the code (what an unanalysed table gets), which costs a scan per packet.
  select v.id, v.organization_id, v.status, v.first_used_at, v.expires_at, v.used_seconds,
         v.used_bytes, v.time_quota_seconds, v.data_quota_bytes
  into v_voucher.id, v_voucher.organization_id, v_voucher.status, v_voucher.first_used_at,
       v_voucher.expires_at, v_voucher.used_seconds, v_voucher.used_bytes,
       v_voucher.time_quota_seconds, v_voucher.data_quota_bytes
  from public.vouchers v
  where v.code = upper(p_username)
  for update;
  if v_voucher.organization_id is distinct from
     (select r.organization_id from public.routers r where r.nas_ip = p_nas_ip) then
    v_voucher := null;
  end if;
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
  -- Interim-Update and Stop usually find their row; the old totals are read first, so the
  -- UPDATE is by primary key with values worked out here. A Start (or a packet whose Start was
  -- lost) inserts; a repeated Start finds the row on the second pass.
  for v_pass in 1..2 loop
    if v_pass = 2 or p_status <> 'Start' then
      select a.radacctid, a.acctsessiontime, a.acctinputoctets, a.acctoutputoctets, a.acctstoptime,
             a.acctterminatecause, a.acctupdatetime
      into v_radacctid, v_old_time, v_old_in, v_old_out, v_stoptime, v_cause, v_updated
      from radius.radacct a
      where a.acctuniqueid = p_unique_id;
      if found then
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
      end if;
      exit when v_pass = 2;
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
