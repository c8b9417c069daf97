-- The admin at scale, part two (measured with npm run bench:admin): dashboard_alerts without
-- reading every open session of every router, nor every payment of the last hour.
--
-- Voucher search (`code like '%…%'`) gets no pg_trgm index: under row-level security PostgreSQL
-- uses only leakproof operators as index conditions, and `~~` (textlike) is not leakproof, so
-- the index is never used for the admin's query as `authenticated` (it is as a superuser).

-- dashboard_alerts: STK pushes that failed (push_error set) in the last hour, and SMS that
-- failed in the last day. Few rows match either, so the partial indexes stay small and neither
-- query reads the organization's other payments or messages of that period.
create index payments_push_error_idx on public.payments (organization_id, created_at)
  where push_error is not null;
create index sms_outbox_failed_idx on public.sms_outbox (organization_id, created_at)
  where status = 'failed';

-- Same signature and answer as 20261129000600, in a few index probes per router instead of
-- reading every open session of every router. A router is not silent when an open session was
-- heard from (updated, or started before its first update) in the last 10 minutes (found from
-- the newest start down, in radacct_bulk_close), or when its newest Stop is within the last 10
-- minutes and not the sweeper's (it is among the 20 Stops private.router_last_accounting reads);
-- it is no candidate without open sessions or a sweeper close in the last hour. Only the rest
-- get private.router_last_accounting, which decides as before.
create or replace function public.dashboard_alerts(p_organization_id uuid)
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
  v_quiet_since timestamptz := now() - interval '10 minutes';
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
  cross join lateral (
    select case
             when (select true
                   from radius.radacct a
                   where a.nasipaddress = r.nas_ip
                     and a.acctstoptime is null
                     and coalesce(a.acctupdatetime, a.acctstarttime) >= v_quiet_since
                   order by a.acctstarttime desc
                   limit 1)
             then null
             when (select a.acctstoptime >= v_quiet_since
                          and a.acctterminatecause is distinct from 'Stale-Session'
                   from radius.radacct a
                   where a.nasipaddress = r.nas_ip and a.acctstoptime is not null
                   order by a.acctstoptime desc
                   limit 1)
             then null
             -- Not a router that had customers online: none open, no sweeper close in the hour.
             when not (exists (select 1 from radius.radacct a
                               where a.nasipaddress = r.nas_ip and a.acctstoptime is null)
                       or exists (select 1 from radius.radacct a
                                  where a.nasipaddress = r.nas_ip
                                    and a.acctstoptime > now() - interval '1 hour'
                                    and a.acctterminatecause = 'Stale-Session'))
             then null
             else private.router_last_accounting(r.nas_ip)
           end as last_at
    offset 0) h
  where r.organization_id = p_organization_id
    and h.last_at < v_quiet_since;
  return v_alerts;
end;
$$;
