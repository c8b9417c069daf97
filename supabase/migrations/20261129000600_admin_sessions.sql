-- The admin's sessions, router health and alerts: narrow reads of schema radius (not exposed)
-- for owners and admins of the organization. Disconnecting uses disconnect_session().

-- Session history per router, newest first, and each router's last Stop. Neither column
-- changes after a session's first write except acctstoptime at its Stop, so Interim-Updates
-- stay HOT updates.
create index radacct_nas_start_idx on radius.radacct (nasipaddress, acctstarttime desc);
create index radacct_nas_stop_idx on radius.radacct (nasipaddress, acctstoptime desc)
  where acctstoptime is not null;

-- Raises 42501 unless the caller is an owner or admin of the organization.
create function private.require_manager(p_organization_id uuid)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.has_role(p_organization_id, 'owner', 'admin') then
    raise exception 'only owners and admins can see sessions and routers' using errcode = '42501';
  end if;
end;
$$;
revoke all on function private.require_manager(uuid) from public, anon, authenticated;

-- When the router last sent accounting: the newest update of its open sessions, or of its latest
-- finished ones the Stop time (for sessions the sweeper closed, their last update: the sweeper
-- closing a session is not the router speaking). Null when it never sent any.
create function private.router_last_accounting(p_nas_ip inet)
returns timestamptz
language sql
stable
security definer
set search_path = ''
as $$
  select greatest(
    (select max(coalesce(a.acctupdatetime, a.acctstarttime))
     from radius.radacct a
     where a.nasipaddress = p_nas_ip and a.acctstoptime is null),
    (select max(case when l.acctterminatecause = 'Stale-Session'
                     then coalesce(l.acctupdatetime, l.acctstarttime)
                     else l.acctstoptime end)
     from (select a.acctstoptime, a.acctupdatetime, a.acctstarttime, a.acctterminatecause
           from radius.radacct a
           where a.nasipaddress = p_nas_ip and a.acctstoptime is not null
           order by a.acctstoptime desc
           limit 20) l));
$$;
revoke all on function private.router_last_accounting(inet) from public, anon, authenticated;

-- One session as the admin shows it.
create function private.session_json(a radius.radacct, p_code text, p_router text, p_site text)
returns jsonb
language sql
immutable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'id', a.radacctid, 'voucher_id', a.voucher_id, 'code', p_code, 'mac', a.mac,
    'router', p_router, 'site', p_site, 'started_at', a.acctstarttime,
    'updated_at', coalesce(a.acctupdatetime, a.acctstarttime), 'stopped_at', a.acctstoptime,
    'seconds', coalesce(a.acctsessiontime, 0),
    'bytes_in', coalesce(a.acctinputoctets, 0), 'bytes_out', coalesce(a.acctoutputoctets, 0),
    'stop_cause', a.acctterminatecause);
$$;
revoke all on function private.session_json(radius.radacct, text, text, text) from public, anon, authenticated;

-- Sessions online now at the organization's routers (optionally one site), newest first.
create function public.sessions_online(p_organization_id uuid, p_site_id uuid default null)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_manager(p_organization_id);
  return (
    select coalesce(jsonb_agg(private.session_json(a, v.code, r.name, s.name)
                              order by a.acctstarttime desc), '[]'::jsonb)
    from public.routers r
    join public.sites s on s.id = r.site_id
    join radius.radacct a on a.nasipaddress = r.nas_ip and a.acctstoptime is null
    left join public.vouchers v on v.id = a.voucher_id
    where r.organization_id = p_organization_id
      and (p_site_id is null or r.site_id = p_site_id));
end;
$$;
revoke execute on function public.sessions_online(uuid, uuid) from public, anon, authenticated;
grant execute on function public.sessions_online(uuid, uuid) to authenticated;

-- Finished sessions at the organization's routers, or of one of its vouchers, newest first,
-- p_limit (1..200) at a time; pass the last row's started_at as p_before for the next page.
create function public.session_history(
  p_organization_id uuid,
  p_voucher_id uuid default null,
  p_before timestamptz default null,
  p_limit integer default 50
)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_manager(p_organization_id);
  if p_limit is null or p_limit not between 1 and 200 then
    raise exception 'p_limit must be between 1 and 200' using errcode = '22023';
  end if;
  return (
    select coalesce(jsonb_agg(t.row order by t.started desc), '[]'::jsonb)
    from (
      select private.session_json(a, v.code, r.name, s.name) as row, a.acctstarttime as started
      from public.routers r
      join public.sites s on s.id = r.site_id
      cross join lateral (
        select * from radius.radacct a
        where a.nasipaddress = r.nas_ip
          and a.acctstoptime is not null
          and (p_before is null or a.acctstarttime < p_before)
          and (p_voucher_id is null or a.voucher_id = p_voucher_id)
        order by a.acctstarttime desc
        limit p_limit) a
      left join public.vouchers v on v.id = a.voucher_id
      where r.organization_id = p_organization_id
      order by a.acctstarttime desc
      limit p_limit) t);
end;
$$;
revoke execute on function public.session_history(uuid, uuid, timestamptz, integer) from public, anon, authenticated;
grant execute on function public.session_history(uuid, uuid, timestamptz, integer) to authenticated;

-- Each router of the organization: sessions open now and when it last sent accounting.
create function public.router_health(p_organization_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_manager(p_organization_id);
  return (
    select coalesce(jsonb_agg(jsonb_build_object(
             'router_id', r.id, 'name', r.name, 'site', s.name, 'nas_ip', host(r.nas_ip),
             'open_sessions', (select count(*) from radius.radacct a
                               where a.nasipaddress = r.nas_ip and a.acctstoptime is null),
             'last_accounting_at', private.router_last_accounting(r.nas_ip))
           order by s.name, r.name), '[]'::jsonb)
    from public.routers r
    join public.sites s on s.id = r.site_id
    where r.organization_id = p_organization_id);
end;
$$;
revoke execute on function public.router_health(uuid) from public, anon, authenticated;
grant execute on function public.router_health(uuid) to authenticated;

-- What needs the operator's attention now: STK pushes failing in the last hour (e.g. wrong
-- credentials), SMS failing in the last day (e.g. balance exhausted), and routers that had
-- customers online but have sent nothing for more than 10 minutes (open sessions gone quiet,
-- or sessions the sweeper closed in the last hour for that reason).
create function public.dashboard_alerts(p_organization_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_alerts jsonb := '[]'::jsonb;
  v_pushes integer;
  v_push_error text;
  v_sms integer;
  v_sms_error text;
begin
  perform private.require_manager(p_organization_id);
  select count(*), max(p.push_error) into v_pushes, v_push_error
  from public.payments p
  where p.organization_id = p_organization_id
    and p.push_error is not null
    and p.created_at > now() - interval '1 hour';
  if v_pushes > 0 then
    v_alerts := v_alerts || jsonb_build_object('kind', 'stk_failing', 'count', v_pushes,
                                               'detail', v_push_error);
  end if;
  select count(*), max(o.last_error) into v_sms, v_sms_error
  from public.sms_outbox o
  where o.organization_id = p_organization_id
    and o.status = 'failed'
    and o.created_at > now() - interval '1 day';
  if v_sms > 0 then
    v_alerts := v_alerts || jsonb_build_object('kind', 'sms_failing', 'count', v_sms,
                                               'detail', v_sms_error);
  end if;
  select v_alerts || coalesce(jsonb_agg(jsonb_build_object(
           'kind', 'router_silent', 'router', r.name, 'last_accounting_at', h.last_at)), '[]'::jsonb)
  into v_alerts
  from public.routers r
  cross join lateral (select private.router_last_accounting(r.nas_ip) as last_at) h
  where r.organization_id = p_organization_id
    and h.last_at < now() - interval '10 minutes'
    and (exists (select 1 from radius.radacct a
                 where a.nasipaddress = r.nas_ip and a.acctstoptime is null)
         or exists (select 1 from radius.radacct a
                    where a.nasipaddress = r.nas_ip
                      and a.acctstoptime > now() - interval '1 hour'
                      and a.acctterminatecause = 'Stale-Session'));
  return v_alerts;
end;
$$;
revoke execute on function public.dashboard_alerts(uuid) from public, anon, authenticated;
grant execute on function public.dashboard_alerts(uuid) to authenticated;
