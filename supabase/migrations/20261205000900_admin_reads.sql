-- What the admin app reads beyond plain tables: revenue and the dashboard (over daily rollups
-- kept by triggers), sessions, router health, alerts, a voucher's sessions, the cash-up and the
-- customer search. Narrow reads of schema radius (not exposed) for owners and admins of the
-- organization; each RPC checks the caller's role itself.

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

-- Revenue from successful payments, by settlement time in Nairobi calendar days (the last 7 and
-- 30 days include today): {today_kes, last_7_days_kes, last_30_days_kes}. Owners and admins only.
create function public.revenue_summary(p_organization_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_local_today timestamp := date_trunc('day', now() at time zone 'Africa/Nairobi');
  v_today timestamptz := v_local_today at time zone 'Africa/Nairobi';
  v_week timestamptz := (v_local_today - interval '6 days') at time zone 'Africa/Nairobi';
  v_month timestamptz := (v_local_today - interval '29 days') at time zone 'Africa/Nairobi';
  v_result jsonb;
begin
  if not private.has_role_at_least(p_organization_id, 'admin') then
    raise exception 'only owners and admins can see revenue'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  select jsonb_build_object(
    'today_kes', coalesce(sum(p.amount_kes) filter (where p.settled_at >= v_today), 0),
    'last_7_days_kes', coalesce(sum(p.amount_kes) filter (where p.settled_at >= v_week), 0),
    'last_30_days_kes', coalesce(sum(p.amount_kes), 0)
  )
  into v_result
  from public.payments p
  where p.organization_id = p_organization_id
    and p.status = 'success'
    and p.settled_at >= v_month;
  return v_result;
end;
$$;

revoke execute on function public.revenue_summary(uuid) from public, anon, authenticated;

grant execute on function public.revenue_summary(uuid) to authenticated;

comment on function public.revenue_summary(uuid) is
'Revenue from successful M-Pesa payments by settled_at in Africa/Nairobi calendar days (7 and 30
include today); cash sales are not in it (dashboard_summary has both).
Callers: authenticated owner/admin.
Returns: {today_kes, last_7_days_kes, last_30_days_kes}.
Errors: 42501 agent or outsider.';

-- The admin dashboard, computed in the database from small daily rollups that triggers keep
-- current, so it stays fast however many payments and vouchers an organization has.

-- Sales per organization, Nairobi calendar day, site (null for cash sales, which belong to no
-- site), plan and how they were paid.
create table private.daily_sales (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  day date not null,
  site_id uuid,
  plan_id uuid not null,
  via text not null check (via in ('mpesa', 'cash')),
  vouchers integer not null default 0,
  kes bigint not null default 0,
  unique nulls not distinct (organization_id, day, site_id, plan_id, via)
);

alter table private.daily_sales enable row level security;

revoke all on table private.daily_sales from public, anon, authenticated, service_role;

comment on table private.daily_sales is
'Dashboard rollup: vouchers and KES per organization, Nairobi day, site (null for cash), plan and via (mpesa, cash), kept by triggers. No API role; dashboard_summary reads it.';

-- Payments per organization, Nairobi day they started, site and status.
create table private.daily_payments (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  day date not null,
  site_id uuid,
  status text not null,
  payments integer not null default 0,
  unique nulls not distinct (organization_id, day, site_id, status)
);

alter table private.daily_payments enable row level security;

revoke all on table private.daily_payments from public, anon, authenticated, service_role;

comment on table private.daily_payments is
'Dashboard rollup: payments per organization, Nairobi day they started, site and status, kept by triggers. No API role; dashboard_summary reads it.';

-- The Nairobi calendar day of a moment.
create function private.nairobi_day(p_at timestamptz)
returns date
language sql
immutable
security definer
set search_path = ''
as $$
  select (p_at at time zone 'Africa/Nairobi')::date;
$$;

revoke all on function private.nairobi_day(timestamptz) from public, anon, authenticated;

-- Adds to a day's sales.
create function private.add_sale(p_organization_id uuid, p_day date, p_site_id uuid,
                                 p_plan_id uuid, p_via text, p_vouchers integer, p_kes bigint)
returns void
language sql
security definer
set search_path = ''
as $$
  insert into private.daily_sales as d (organization_id, day, site_id, plan_id, via, vouchers, kes)
  values (p_organization_id, p_day, p_site_id, p_plan_id, p_via, p_vouchers, p_kes)
  on conflict (organization_id, day, site_id, plan_id, via)
  do update set vouchers = d.vouchers + excluded.vouchers, kes = d.kes + excluded.kes;
$$;

revoke all on function private.add_sale(uuid, date, uuid, uuid, text, integer, bigint)
  from public, anon, authenticated;

-- Adds to a day's payment count in one status.
create function private.add_payments(p_organization_id uuid, p_day date, p_site_id uuid,
                                     p_status text, p_payments integer)
returns void
language sql
security definer
set search_path = ''
as $$
  insert into private.daily_payments as d (organization_id, day, site_id, status, payments)
  values (p_organization_id, p_day, p_site_id, p_status, p_payments)
  on conflict (organization_id, day, site_id, status)
  do update set payments = d.payments + excluded.payments;
$$;

revoke all on function private.add_payments(uuid, date, uuid, text, integer)
  from public, anon, authenticated;

-- Trigger: keeps the rollups in step with payments: counted by status on the Nairobi day they
-- started, and an M-Pesa sale on the Nairobi day a payment succeeded (success is final, so
-- once). A status change takes the payment off its old status and onto the new one in one
-- statement (the two rows differ in status, so neither is written twice). It writes the rollups
-- itself rather than through add_payments(), add_sale() and nairobi_day(): six SQL function
-- calls per settlement.
create function private.payment_rollup()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    insert into private.daily_payments as d (organization_id, day, site_id, status, payments)
    values (new.organization_id, (new.created_at at time zone 'Africa/Nairobi')::date,
            new.site_id, new.status, 1)
    on conflict (organization_id, day, site_id, status)
    do update set payments = d.payments + excluded.payments;
  elsif new.status is distinct from old.status then
    insert into private.daily_payments as d (organization_id, day, site_id, status, payments)
    values (old.organization_id, (old.created_at at time zone 'Africa/Nairobi')::date,
            old.site_id, old.status, -1),
           (new.organization_id, (new.created_at at time zone 'Africa/Nairobi')::date,
            new.site_id, new.status, 1)
    on conflict (organization_id, day, site_id, status)
    do update set payments = d.payments + excluded.payments;
  end if;
  if new.status = 'success' and (tg_op = 'INSERT' or old.status <> 'success') then
    insert into private.daily_sales as d (organization_id, day, site_id, plan_id, via, vouchers,
                                          kes)
    values (new.organization_id,
            (coalesce(new.settled_at, now()) at time zone 'Africa/Nairobi')::date,
            new.site_id, new.plan_id, 'mpesa', 1, new.amount_kes)
    on conflict (organization_id, day, site_id, plan_id, via)
    do update set vouchers = d.vouchers + excluded.vouchers, kes = d.kes + excluded.kes;
  end if;
  return null;
end;
$$;

revoke all on function private.payment_rollup() from public, anon, authenticated;

create trigger payments_rollup after insert or update of status on public.payments
  for each row execute function private.payment_rollup();

-- Cash sales (recorded by a person: sold_by is set; vouchers M-Pesa issued count as payments).
create function private.voucher_sale_rollup()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.sold_at is not null and new.sold_by is not null
     and (tg_op = 'INSERT' or old.sold_at is null) then
    perform private.add_sale(new.organization_id, private.nairobi_day(new.sold_at), null,
                             new.plan_id, 'cash', 1, coalesce(new.sold_price_kes, 0));
  end if;
  return null;
end;
$$;

revoke all on function private.voucher_sale_rollup() from public, anon, authenticated;

create trigger vouchers_sale_rollup after insert or update of sold_at on public.vouchers
  for each row when (new.sold_by is not null) execute function private.voucher_sale_rollup();

-- Recomputes an organization's rollups from its payments and vouchers (data loaded in bulk
-- with triggers off, or a repair); returns the number of daily_sales rows written.
create function private.rebuild_rollups(p_organization_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_rows integer;
begin
  delete from private.daily_sales where organization_id = p_organization_id;
  delete from private.daily_payments where organization_id = p_organization_id;
  insert into private.daily_payments (organization_id, day, site_id, status, payments)
  select p.organization_id, private.nairobi_day(p.created_at), p.site_id, p.status, count(*)
  from public.payments p where p.organization_id = p_organization_id
  group by 1, 2, 3, 4;
  insert into private.daily_sales (organization_id, day, site_id, plan_id, via, vouchers, kes)
  select s.organization_id, s.day, s.site_id, s.plan_id, s.via, count(*), sum(s.kes)
  from (select p.organization_id, private.nairobi_day(coalesce(p.settled_at, p.created_at)) as day,
               p.site_id, p.plan_id, 'mpesa' as via, p.amount_kes as kes
        from public.payments p
        where p.organization_id = p_organization_id and p.status = 'success'
        union all
        select v.organization_id, private.nairobi_day(v.sold_at), null, v.plan_id, 'cash',
               coalesce(v.sold_price_kes, 0)
        from public.vouchers v
        where v.organization_id = p_organization_id and v.sold_at is not null
          and v.sold_by is not null) s
  group by 1, 2, 3, 4, 5;
  get diagnostics v_rows = row_count;
  return v_rows;
end;
$$;

revoke all on function private.rebuild_rollups(uuid) from public, anon, authenticated;

comment on function private.rebuild_rollups(uuid) is
'Recomputes the organization''s dashboard rollups (private.daily_sales, private.daily_payments)
from its payments and vouchers: after a bulk load with triggers off, or as a repair.
Callers: postgres only (an operator); no API role.
Returns: the number of private.daily_sales rows written.';

-- Everything the dashboard shows for an organization, or one of its sites, over the last 30
-- Nairobi calendar days: revenue today / 7 days / 30 days with a daily series (M-Pesa and cash;
-- cash sales belong to no site, so a site filter shows M-Pesa only), payments by status with
-- the success rate, sessions online now, vouchers sold by plan, and the top sites by revenue.
-- Owners and admins only (42501 otherwise, as revenue_summary).
create function public.dashboard_summary(p_organization_id uuid, p_site_id uuid default null)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_today date := private.nairobi_day(now());
  v_result jsonb;
begin
  if not private.has_role_at_least(p_organization_id, 'admin') then
    raise exception 'only owners and admins can see the dashboard'
      using errcode = '42501', hint = 'not_allowed';
  end if;

  with sales as (
    select d.day, d.site_id, d.plan_id, d.via, d.vouchers, d.kes
    from private.daily_sales d
    where d.organization_id = p_organization_id
      and d.day > v_today - 30
      and (p_site_id is null or d.site_id = p_site_id)
  ),
  paid as (
    select d.status, sum(d.payments) as n
    from private.daily_payments d
    where d.organization_id = p_organization_id
      and d.day > v_today - 30
      and (p_site_id is null or d.site_id = p_site_id)
    group by d.status
    having sum(d.payments) <> 0
  )
  select jsonb_build_object(
    'revenue', (
      select jsonb_build_object(
        'today_kes', coalesce(sum(s.kes) filter (where s.day = v_today), 0),
        'last_7_days_kes', coalesce(sum(s.kes) filter (where s.day > v_today - 7), 0),
        'last_30_days_kes', coalesce(sum(s.kes), 0),
        'mpesa_30_days_kes', coalesce(sum(s.kes) filter (where s.via = 'mpesa'), 0),
        'cash_30_days_kes', coalesce(sum(s.kes) filter (where s.via = 'cash'), 0))
      from sales s),
    'daily', (
      select jsonb_agg(jsonb_build_object('day', d.day, 'kes', coalesce(t.kes, 0)) order by d.day)
      from generate_series(0, 29) as g(i)
      cross join lateral (select v_today - 29 + g.i as day) d
      left join (select s.day, sum(s.kes) as kes from sales s group by s.day) t on t.day = d.day),
    'payments', (
      select jsonb_build_object(
        'by_status', coalesce(jsonb_object_agg(p.status, p.n), '{}'::jsonb),
        'success_rate', round(sum(p.n) filter (where p.status = 'success')::numeric
                              / nullif(sum(p.n) filter (where p.status <> 'pending'), 0), 3))
      from paid p),
    -- Sessions that arrived from the organization's routers (radacct.organization_id), never
    -- whatever router holds their address now.
    'sessions_online', (
      select count(*)
      from radius.radacct a
      where a.organization_id = p_organization_id and a.acctstoptime is null
        and (p_site_id is null
             or exists (select 1 from public.routers r
                        where r.id = a.router_id and r.site_id = p_site_id))),
    'sold_by_plan', (
      select coalesce(jsonb_agg(jsonb_build_object('plan', t.name, 'count', t.n)
                                order by t.n desc, t.name), '[]'::jsonb)
      from (select pl.name, sum(s.vouchers) as n
            from sales s join public.plans pl on pl.id = s.plan_id
            group by pl.name) t),
    'top_sites', (
      select coalesce(jsonb_agg(jsonb_build_object('site', t.name, 'kes', t.kes)
                                order by t.kes desc, t.name), '[]'::jsonb)
      from (select si.name, sum(s.kes) as kes
            from sales s join public.sites si on si.id = s.site_id
            group by si.name
            order by kes desc, si.name
            limit 5) t)
  )
  into v_result;
  return v_result;
end;
$$;

revoke execute on function public.dashboard_summary(uuid, uuid) from public, anon, authenticated;

grant execute on function public.dashboard_summary(uuid, uuid) to authenticated;

comment on function public.dashboard_summary(uuid, uuid) is
'The admin dashboard over the last 30 Africa/Nairobi days, from the daily rollups. Revenue =
successful M-Pesa payments + cash sales (sell_voucher); p_site_id keeps that site''s M-Pesa
payments and sessions only (cash sales belong to no site).
Callers: authenticated owner/admin.
Returns: {revenue: {today_kes, last_7_days_kes, last_30_days_kes, mpesa_30_days_kes,
cash_30_days_kes}, daily: [{day, kes}] x 30, payments: {by_status: {status: count}, success_rate
(success / settled, 3 decimals, null if none)}, sessions_online, sold_by_plan: [{plan, count}],
top_sites: [{site, kes}] (top 5)}.
Errors: 42501 agent or outsider.';

-- When the router last sent accounting: the newest update of its open sessions, or of its latest
-- finished ones the Stop time (for sessions the sweeper closed, their last update: the sweeper
-- closing a session is not the router speaking). Null when it never sent any. By the router the
-- sessions arrived from (radacct.router_id), never by its address, which may have been
-- another organization's router before.
create function private.router_last_accounting(p_router_id uuid)
returns timestamptz
language sql
stable
security definer
set search_path = ''
as $$
  select greatest(
    (select max(coalesce(a.acctupdatetime, a.acctstarttime))
     from radius.radacct a
     where a.router_id = p_router_id and a.acctstoptime is null),
    (select max(case when l.acctterminatecause = 'Stale-Session'
                     then coalesce(l.acctupdatetime, l.acctstarttime)
                     else l.acctstoptime end)
     from (select a.acctstoptime, a.acctupdatetime, a.acctstarttime, a.acctterminatecause
           from radius.radacct a
           where a.router_id = p_router_id and a.acctstoptime is not null
           order by a.acctstoptime desc
           limit 20) l));
$$;

revoke all on function private.router_last_accounting(uuid) from public, anon, authenticated;

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

-- Sessions online now that arrived from the organization's routers (radacct.organization_id;
-- optionally one site's routers): the newest 200, as a phone screen shows them; the dashboard
-- has the total. Router and site are null for a router deleted since. The voucher must be the
-- organization's own. Planned for each call's arguments: the generic plan, made for any
-- organization and site, fetched and sorted all open sessions (165 ms at ten thousand), where a
-- custom plan reads the organization's open-session index newest first (about 10 ms).
create function public.sessions_online(p_organization_id uuid, p_site_id uuid default null)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
begin
  perform private.require_manager(p_organization_id);
  return (
    select coalesce(jsonb_agg(private.session_json(t.a, t.code, t.router, t.site)
                              order by (t.a).acctstarttime desc), '[]'::jsonb)
    from (
      select a, v.code, r.name as router, s.name as site
      from radius.radacct a
      left join public.routers r on r.id = a.router_id and r.organization_id = a.organization_id
      left join public.sites s on s.id = r.site_id
      left join public.vouchers v on v.id = a.voucher_id and v.organization_id = a.organization_id
      where a.organization_id = p_organization_id and a.acctstoptime is null
        and (p_site_id is null or r.site_id = p_site_id)
      order by a.acctstarttime desc
      limit 200) t);
end;
$$;

revoke execute on function public.sessions_online(uuid, uuid) from public, anon, authenticated;

grant execute on function public.sessions_online(uuid, uuid) to authenticated;

comment on function public.sessions_online(uuid, uuid) is
'Sessions open now that arrived from the organization''s routers (optionally one site''s): the
newest 200 (the dashboard has the total). A session belongs to the router it arrived from, not
to whoever holds that address later.
Callers: authenticated owner/admin.
Returns: [{id, voucher_id, code, mac, router, site, started_at, updated_at, stopped_at, seconds,
bytes_in, bytes_out, stop_cause}], newest first; router and site null once the router is gone.
Errors: 42501 agent or outsider.';

-- Finished sessions that arrived from the organization's routers (radacct.organization_id,
-- whether or not the router still exists), or of one of its vouchers, newest first, p_limit
-- (1..200) at a time; pass the last row's started_at as p_before for the next page. Planned for
-- each call's arguments, so a voucher's or an older page's sessions are found by index rather
-- than filtered out of the organization's newest.
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
set plan_cache_mode = force_custom_plan
as $$
begin
  perform private.require_manager(p_organization_id);
  if p_limit is null or p_limit not between 1 and 200 then
    raise exception 'p_limit must be between 1 and 200'
      using errcode = '22023', hint = 'limit_out_of_range';
  end if;
  return (
    select coalesce(jsonb_agg(t.row order by t.started desc), '[]'::jsonb)
    from (
      select private.session_json(a, v.code, r.name, s.name) as row, a.acctstarttime as started
      from (
        select * from radius.radacct a
        where a.organization_id = p_organization_id
          and a.acctstoptime is not null
          and (p_before is null or a.acctstarttime < p_before)
          and (p_voucher_id is null or a.voucher_id = p_voucher_id)
        order by a.acctstarttime desc
        limit p_limit) a
      left join public.routers r on r.id = a.router_id and r.organization_id = a.organization_id
      left join public.sites s on s.id = r.site_id
      left join public.vouchers v on v.id = a.voucher_id and v.organization_id = a.organization_id
      order by a.acctstarttime desc) t);
end;
$$;

revoke execute on function public.session_history(uuid, uuid, timestamptz, integer) from public, anon, authenticated;

grant execute on function public.session_history(uuid, uuid, timestamptz, integer) to authenticated;

comment on function public.session_history(uuid, uuid, timestamptz, integer) is
'Finished sessions that arrived from the organization''s routers (also those of routers deleted
since), or of one voucher, newest first, p_limit at a time; for the next page pass the last
row''s started_at as p_before.
Callers: authenticated owner/admin.
Returns: [session rows as sessions_online returns them; router and site null once the router is
gone].
Errors: 42501 agent or outsider; 22023 p_limit not 1 to 200.';

-- Each router of the organization: sessions open now and when it last sent accounting, from
-- the sessions that arrived from that router (radacct.router_id), not from its address.
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
                               where a.router_id = r.id and a.acctstoptime is null),
             'last_accounting_at', private.router_last_accounting(r.id))
           order by s.name, r.name), '[]'::jsonb)
    from public.routers r
    join public.sites s on s.id = r.site_id
    where r.organization_id = p_organization_id);
end;
$$;

revoke execute on function public.router_health(uuid) from public, anon, authenticated;

grant execute on function public.router_health(uuid) to authenticated;

comment on function public.router_health(uuid) is
'Each router of the organization: sessions open now and when it last sent accounting (a session
the sweeper closed counts by its last update, not by the close; null if it never sent any).
Callers: authenticated owner/admin.
Returns: [{router_id, name, site, nas_ip, open_sessions, last_accounting_at}], by site and name.
Errors: 42501 agent or outsider.';

-- What needs the operator's attention now: STK pushes failing in the last hour (e.g. wrong
-- credentials), SMS failing in the last day (e.g. balance exhausted), and routers that had
-- customers online but have sent nothing for more than 10 minutes (open sessions gone quiet,
-- or sessions the sweeper closed in the last hour for that reason).
-- In a few index probes per router instead of reading every open session of every router: a
-- router is not silent when an open session was heard from (updated, or started before its
-- first update) in the last 10 minutes (found from the newest start down, in
-- radacct_router_open_idx), or when its newest Stop is within the last 10 minutes and not the
-- sweeper's (it is among the 20 Stops private.router_last_accounting reads); it is no candidate
-- without open sessions or a sweeper close in the last hour. Only the rest get
-- private.router_last_accounting, which decides. Sessions count for the router they arrived
-- from (radacct.router_id), never for whoever holds that address now.
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
                   where a.router_id = r.id
                     and a.acctstoptime is null
                     and coalesce(a.acctupdatetime, a.acctstarttime) >= v_quiet_since
                   order by a.acctstarttime desc
                   limit 1)
             then null
             when (select a.acctstoptime >= v_quiet_since
                          and a.acctterminatecause is distinct from 'Stale-Session'
                   from radius.radacct a
                   where a.router_id = r.id and a.acctstoptime is not null
                   order by a.acctstoptime desc
                   limit 1)
             then null
             -- Not a router that had customers online: none open, no sweeper close in the hour.
             when not (exists (select 1 from radius.radacct a
                               where a.router_id = r.id and a.acctstoptime is null)
                       or exists (select 1 from radius.radacct a
                                  where a.router_id = r.id
                                    and a.acctstoptime > now() - interval '1 hour'
                                    and a.acctterminatecause = 'Stale-Session'))
             then null
             else private.router_last_accounting(r.id)
           end as last_at
    offset 0) h
  where r.organization_id = p_organization_id
    and h.last_at < v_quiet_since;
  return v_alerts;
end;
$$;

revoke execute on function public.dashboard_alerts(uuid) from public, anon, authenticated;

grant execute on function public.dashboard_alerts(uuid) to authenticated;

comment on function public.dashboard_alerts(uuid) is
'What needs the operator''s attention now.
Callers: authenticated owner/admin.
Returns: [] or [{kind: stk_failing, count, detail} (STK pushes refused in the last hour),
{kind: sms_failing, count, detail} (SMS failed in the last day), {kind: router_silent, router,
last_accounting_at} (routers with open sessions, or a sweeper close in the last hour, that have
sent nothing for over 10 minutes)].
Errors: 42501 agent or outsider.';

-- The admin's voucher detail page: the devices a voucher is bound to and its sessions. Both live
-- in schema radius (not exposed); session_history is for owners and admins and only finished
-- sessions, so agents could not see how a voucher they sold is being used.

-- The devices bound to a voucher (radius.voucher_devices) and its newest 50 sessions, open ones
-- first, for whoever may read the voucher itself: the same rule as the vouchers select policy
-- (owners and admins of its organization, agents for the vouchers they issued). Anyone else,
-- an unknown voucher or no user → 42501. {devices: [{mac, first_seen_at, last_seen_at}],
-- sessions: [private.session_json rows]}; router and site are null once the router is gone.
create function public.voucher_sessions(p_voucher_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_voucher public.vouchers;
begin
  select v.* into v_voucher from public.vouchers v
  where v.id = p_voucher_id
    and (private.has_role_at_least(v.organization_id, 'admin')
         or (v.created_by = auth.uid() and private.has_role(v.organization_id, 'agent')));
  if v_voucher.id is null then
    raise exception 'no such voucher, or it is not yours to see'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  return jsonb_build_object(
    'devices', (
      select coalesce(jsonb_agg(jsonb_build_object(
               'mac', d.mac, 'first_seen_at', d.first_seen_at, 'last_seen_at', d.last_seen_at)
             order by d.first_seen_at), '[]'::jsonb)
      from radius.voucher_devices d
      where d.voucher_id = v_voucher.id),
    'sessions', (
      select coalesce(jsonb_agg(private.session_json(t.a, v_voucher.code, t.router, t.site)
                                order by (t.a).acctstoptime is not null,
                                         (t.a).acctstarttime desc), '[]'::jsonb)
      from (
        -- The voucher's sessions recorded for its own organization's routers, each named by
        -- the router it arrived from (never by whoever holds that address now).
        select a, r.name as router, s.name as site
        from radius.radacct a
        left join public.routers r on r.id = a.router_id and r.organization_id = a.organization_id
        left join public.sites s on s.id = r.site_id
        where a.voucher_id = v_voucher.id
          and a.organization_id = v_voucher.organization_id
        order by a.acctstoptime is not null, a.acctstarttime desc
        limit 50) t));
end;
$$;

revoke execute on function public.voucher_sessions(uuid) from public, anon, authenticated;

grant execute on function public.voucher_sessions(uuid) to authenticated;

comment on function public.voucher_sessions(uuid) is
'The admin''s voucher page: the devices bound to the voucher and its newest 50 sessions, open
ones first.
Callers: authenticated owner/admin of the voucher''s organization, or the agent who issued it
(the vouchers select rule).
Returns: {devices: [{mac, first_seen_at, last_seen_at}], sessions: [session rows as
sessions_online returns them; router and site null once the router is gone]}.
Errors: 42501 others, unknown voucher or no user.';

-- Cash sales per seller on one Africa/Nairobi calendar day (p_day null = today there): one row
-- per person who sold at least one voucher that day, with their email (auth.users, which no API
-- role may read) and current role (null once they left), the number of vouchers, the total KES
-- and the first and last sale, most KES first. Owners and admins get every seller; an agent only
-- their own row (none on a day they sold nothing). Anyone else or no user → 42501.
create function public.cash_up(p_organization_id uuid, p_day date default null)
returns table (
  seller_id uuid,
  email text,
  role text,
  vouchers integer,
  total_kes bigint,
  first_sold_at timestamptz,
  last_sold_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_user uuid := auth.uid();
  v_all boolean := private.has_role_at_least(p_organization_id, 'admin');
  v_day date := coalesce(p_day, (now() at time zone 'Africa/Nairobi')::date);
  v_from timestamptz := v_day::timestamp at time zone 'Africa/Nairobi';
  v_to timestamptz := (v_day + 1)::timestamp at time zone 'Africa/Nairobi';
begin
  if p_organization_id is null or v_user is null
     or not (v_all or private.has_role(p_organization_id, 'agent')) then
    raise exception 'only members of the organization can see its cash-up'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  return query
    select s.sold_by, u.email::text, m.role, s.n, s.kes, s.first_at, s.last_at
    from (
      select v.sold_by, count(*)::integer as n, coalesce(sum(v.sold_price_kes), 0)::bigint as kes,
             min(v.sold_at) as first_at, max(v.sold_at) as last_at
      from public.vouchers v
      where v.organization_id = p_organization_id
        and v.sold_by is not null
        and v.sold_at >= v_from and v.sold_at < v_to
        and (v_all or v.sold_by = v_user)
      group by v.sold_by
    ) s
    left join auth.users u on u.id = s.sold_by
    left join public.memberships m
      on m.organization_id = p_organization_id and m.user_id = s.sold_by
    order by s.kes desc, s.n desc, u.email, s.sold_by;
end;
$$;

revoke execute on function public.cash_up(uuid, date) from public, anon, authenticated;

grant execute on function public.cash_up(uuid, date) to authenticated;

comment on function public.cash_up(uuid, date) is
'Cash sales (sell_voucher; M-Pesa vouchers are payments, not cash) per seller on one
Africa/Nairobi calendar day (p_day null = today there).
Callers: authenticated owner/admin (every seller) or agent (their own row only).
Returns: rows (seller_id, email, role (current; null once they left), vouchers, total_kes,
first_sold_at, last_sold_at), most KES first; only people who sold that day.
Errors: 42501 outsider, no user or null organization.';

-- The organization's customers whose phone number ends in p_digits (its digits; at least three,
-- else 22023), for those the customers select policy lets see them: owners and admins; others →
-- 42501. The caller orders, filters, embeds and pages (PostgREST applies them to the result).
create function public.search_customers(p_organization_id uuid, p_digits text)
returns setof public.customers
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_digits text := regexp_replace(coalesce(p_digits, ''), '[^0-9]', '', 'g');
begin
  if not private.has_role_at_least(p_organization_id, 'admin') then
    raise exception 'only owners and admins can search customers'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  if length(v_digits) < 3 then
    raise exception 'type at least the last 3 digits of the phone number'
      using errcode = '22023', hint = 'search_too_short';
  end if;
  -- Planned with the pattern itself, so the trigram index is chosen when it helps. Erased
  -- customers' markers (erase_customer) hold hex digits, never a phone: they are not found.
  return query execute
    'select c.* from public.customers c where c.organization_id = $1 and c.phone like $2
       and c.phone not like ''erased:%'''
    using p_organization_id, '%' || v_digits;
end;
$$;

revoke execute on function public.search_customers(uuid, text) from public, anon, authenticated;

grant execute on function public.search_customers(uuid, text) to authenticated;

comment on function public.search_customers(uuid, text) is
'The organization''s customers whose phone number ends in the digits of p_digits (anything else
ignored), through the trigram index: security definer for the same reason as search_vouchers.
Erased customers (erase_customer) are never found.
Callers: authenticated owner/admin.
Returns: setof customers; PostgREST applies the caller''s order, embeds and paging to it.
Errors: 42501 agent or outsider; 22023 fewer than 3 digits.';

-- ---------------------------------------------------------------------------------------------
-- The customer's rights (Kenya's Data Protection Act 2019): access and erasure by phone number
-- ---------------------------------------------------------------------------------------------

-- A phone number as the audit log keeps it: the network digit and the last two digits
-- ('+2547******78'), enough to match a request to its entry, not enough to call anyone.
create function private.masked_phone(p_phone text)
returns text
language sql
immutable
security definer
set search_path = ''
as $$
  select case when p_phone ~ '^\+254[17][0-9]{8}$'
    then left(p_phone, 5) || '******' || right(p_phone, 2) end
$$;

revoke all on function private.masked_phone(text) from public, anon, authenticated;

-- The unmatched receipts an organization holds for a phone: the phone or the payer Daraja named,
-- or a C2B hint that names exactly this number (a hash or all digits; a masked hint fits many
-- numbers and is not theirs to claim).
create function private.customer_receipts(p_organization_id uuid, p_phone text)
returns setof private.unmatched_receipts
language sql
stable
security definer
set search_path = ''
as $$
  select u.*
  from private.unmatched_receipts u
  where u.organization_id = p_organization_id
    and (u.phone = p_phone or u.verified_phone = p_phone
         or (nullif(btrim(u.msisdn_hint), '') is not null and u.msisdn_hint !~ '\*'
             and private.msisdn_matches(u.msisdn_hint, p_phone)))
$$;

revoke all on function private.customer_receipts(uuid, text) from public, anon, authenticated;

-- Everything an organization holds about one phone number (customer, payments, vouchers, their
-- sessions and devices, SMS, unmatched receipts), for a customer's access request; owners only,
-- audited with the phone masked. Vouchers are the ones bought by that customer or phone.
create function public.customer_data_export(p_organization_id uuid, p_phone text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_phone text := private.normalise_phone(p_phone);
  v_customer public.customers;
  v_vouchers uuid[];
  v_export jsonb;
begin
  if p_organization_id is null or not private.has_role(p_organization_id, 'owner') then
    raise exception 'only owners of the organization can export a customer''s data'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  if v_phone is null then
    raise exception 'not a Kenyan mobile number'
      using errcode = '22023', hint = 'phone_invalid';
  end if;
  select * into v_customer from public.customers c
  where c.organization_id = p_organization_id and c.phone = v_phone;
  select coalesce(array_agg(distinct v.id), '{}') into v_vouchers
  from public.vouchers v
  where v.organization_id = p_organization_id
    and (v.customer_id = v_customer.id
         or v.id in (select p.voucher_id from public.payments p
                     where p.organization_id = p_organization_id and p.phone = v_phone));
  v_export := jsonb_build_object(
    'phone', v_phone,
    'organization_id', p_organization_id,
    'exported_at', now(),
    'customer', case when v_customer.id is not null then to_jsonb(v_customer) end,
    'payments', (select coalesce(jsonb_agg(to_jsonb(p) order by p.created_at, p.id), '[]')
                 from public.payments p
                 where p.organization_id = p_organization_id
                   and (p.phone = v_phone or p.customer_id = v_customer.id)),
    'vouchers', (select coalesce(jsonb_agg(to_jsonb(v) order by v.created_at, v.id), '[]')
                 from public.vouchers v where v.id = any (v_vouchers)),
    'sessions', (select coalesce(jsonb_agg(jsonb_build_object(
                   'id', r.radacctid, 'voucher_id', r.voucher_id, 'router_id', r.router_id,
                   'started_at', r.acctstarttime, 'updated_at', r.acctupdatetime,
                   'stopped_at', r.acctstoptime, 'seconds', r.acctsessiontime,
                   'bytes_in', r.acctinputoctets, 'bytes_out', r.acctoutputoctets,
                   'mac', r.mac, 'calling_station_id', r.callingstationid,
                   'ip', host(r.framedipaddress), 'terminate_cause', r.acctterminatecause)
                   order by r.acctstarttime, r.radacctid), '[]')
                 from radius.radacct r
                 where r.voucher_id = any (v_vouchers) and r.organization_id = p_organization_id),
    'devices', (select coalesce(jsonb_agg(to_jsonb(d) order by d.first_seen_at, d.mac), '[]')
                from radius.voucher_devices d
                where d.voucher_id = any (v_vouchers) and d.mac <> ''),
    'sms', (select coalesce(jsonb_agg(to_jsonb(s) order by s.created_at, s.id), '[]')
            from public.sms_outbox s
            where s.organization_id = p_organization_id and s.to_phone = v_phone),
    'unmatched_receipts', (select coalesce(jsonb_agg(to_jsonb(u) order by u.received_at, u.receipt), '[]')
                           from private.customer_receipts(p_organization_id, v_phone) u));
  -- Who took a copy of whose data: the phone masked, rows per kind.
  perform private.audit_support(
    p_organization_id, 'customer_export', private.masked_phone(v_phone),
    (select jsonb_object_agg(e.key, jsonb_array_length(e.value))
     from jsonb_each(v_export) e where jsonb_typeof(e.value) = 'array'));
  return v_export;
end;
$$;

revoke execute on function public.customer_data_export(uuid, text) from public, anon, authenticated;

grant execute on function public.customer_data_export(uuid, text) to authenticated;

comment on function public.customer_data_export(uuid, text) is
'A customer''s access request: everything the organization holds about one phone number (any
Kenyan spelling), in one document; audited as support:customer_export with the phone masked
(+2547******78) and the rows per kind. After erase_customer nothing matches the phone any more.
Callers: authenticated owner.
Returns: {phone, organization_id, exported_at, customer (the row or null), payments, vouchers
(bought by that customer or phone), sessions (their RADIUS sessions: id, voucher_id, router_id,
started_at, updated_at, stopped_at, seconds, bytes_in, bytes_out, mac, calling_station_id, ip,
terminate_cause), devices (voucher_devices of those vouchers), sms (to that phone),
unmatched_receipts (by phone, verified payer or an exact C2B hint)}: arrays oldest first.
Errors: 42501 admin, agent, outsider, no user or null organization; 22023 phone_invalid.';

-- A customer's erasure request: the phone and device MACs go, the money stays. Payments keep
-- their amounts, receipts, dates and plans (the law's records, the dashboards' totals); their
-- phone becomes one random marker 'erased:<32 hex>' (the phone CHECKs allow it) and every MAC,
-- SMS text and raw callback naming the phone is cleared. Owners only, audited with the phone
-- masked; a suspended organization refuses it like any other change (organization_suspended).
create function public.erase_customer(p_organization_id uuid, p_phone text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_phone text := private.normalise_phone(p_phone);
  v_marker text := 'erased:' || replace(gen_random_uuid()::text, '-', '');
  v_digits text;
  v_customer uuid;
  v_payments uuid[];
  v_vouchers uuid[];
  v_codes text[];
  v_receipts text[];
  v_macs text[];
  v_counts jsonb;
  v_n integer;
begin
  if p_organization_id is null or not private.has_role(p_organization_id, 'owner') then
    raise exception 'only owners of the organization can erase a customer''s data'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  if v_phone is null then
    raise exception 'not a Kenyan mobile number'
      using errcode = '22023', hint = 'phone_invalid';
  end if;
  -- The national digits, in whichever spelling a raw body holds them (254…, +254…, 0…).
  v_digits := substr(v_phone, 5);
  select c.id into v_customer from public.customers c
  where c.organization_id = p_organization_id and c.phone = v_phone
  for update;
  select coalesce(array_agg(p.id), '{}') into v_payments
  from public.payments p
  where p.organization_id = p_organization_id
    and (p.phone = v_phone or p.customer_id = v_customer);
  select coalesce(array_agg(v.id), '{}'), coalesce(array_agg(v.code), '{}')
  into v_vouchers, v_codes
  from public.vouchers v
  where v.organization_id = p_organization_id
    and (v.customer_id = v_customer
         or v.id in (select p.voucher_id from public.payments p where p.id = any (v_payments)));
  select coalesce(array_agg(u.receipt), '{}') into v_receipts
  from private.customer_receipts(p_organization_id, v_phone) u;
  -- Every device the phone's payments and vouchers saw.
  select coalesce(array_agg(distinct m.mac), '{}') into v_macs
  from (
    select p.client_mac::text as mac from public.payments p
    where p.id = any (v_payments) and p.client_mac is not null
    union all
    select d.mac from radius.voucher_devices d where d.voucher_id = any (v_vouchers) and d.mac <> ''
    union all
    select radius.normalise_mac(r.callingstationid) from radius.radacct r
    where r.voucher_id = any (v_vouchers) and r.callingstationid is not null
    union all
    select r.mac from radius.radacct r where r.voucher_id = any (v_vouchers) and r.mac <> ''
  ) m;

  update public.customers c set phone = v_marker where c.id = v_customer;
  update public.payments p
  set phone = v_marker, client_mac = null,
      raw_callback = case when p.raw_callback is not null then
        regexp_replace(p.raw_callback::text, '(\+?254|0)?' || v_digits, '0', 'g')::jsonb end
  where p.id = any (v_payments);
  get diagnostics v_n = row_count;
  v_counts := jsonb_build_object('payments', v_n);
  update private.payment_callbacks c
  set body = regexp_replace(
        regexp_replace(c.body, '(\+?254|0)?' || v_digits, '0', 'g'),
        '"(FirstName|MiddleName|LastName|DebitPartyName)"(\s*:\s*)"[^"]*"', '"\1"\2"erased"', 'g')
  where c.payment_id = any (v_payments)
     or (c.organization_id = p_organization_id and c.receipt = any (v_receipts));
  update public.sms_outbox s
  set to_phone = v_marker, body = 'erased', provider_status = null,
      provider_message_id = null, last_error = case when s.status = 'queued' then 'erased' else s.last_error end,
      status = case when s.status = 'queued' then 'failed' else s.status end
  where s.organization_id = p_organization_id
    and (s.to_phone = v_phone or s.payment_id = any (v_payments));
  get diagnostics v_n = row_count;
  v_counts := v_counts || jsonb_build_object('sms', v_n);
  update private.unmatched_receipts u
  set phone = null, verified_phone = null, msisdn_hint = null
  where u.organization_id = p_organization_id and u.receipt = any (v_receipts);
  get diagnostics v_n = row_count;
  v_counts := v_counts || jsonb_build_object('unmatched_receipts', v_n);
  -- Devices keep their count (devices_allowed still holds) under a marker no MAC can match.
  update radius.voucher_devices d
  set mac = 'erased:' || substr(md5(d.voucher_id::text || d.mac || v_marker), 1, 12)
  where d.voucher_id = any (v_vouchers) and d.mac <> '';
  get diagnostics v_n = row_count;
  v_counts := v_counts || jsonb_build_object('devices', v_n);
  update radius.radacct r
  set mac = null, callingstationid = null, framedipaddress = null
  where r.voucher_id = any (v_vouchers);
  get diagnostics v_n = row_count;
  v_counts := v_counts || jsonb_build_object('sessions', v_n, 'vouchers', cardinality(v_vouchers));
  update radius.radpostauth a
  set callingstationid = null,
      username = case when radius.normalise_mac(a.username) = any (v_macs) then 'erased' else a.username end
  where a.username = any (v_codes)
     or (radius.normalise_mac(a.callingstationid) = any (v_macs)
         and a.nasipaddress in (select r.nas_ip from public.routers r
                                where r.organization_id = p_organization_id));
  delete from radius.lockouts l
  where l.organization_id = p_organization_id and l.mac = any (v_macs);
  delete from private.rate_limits l
  where strpos(l.bucket, v_phone) > 0
     or exists (select 1 from unnest(v_macs) m where strpos(l.bucket, m) > 0);
  -- Support actions that named the phone (support:issue_voucher) keep their record, not the phone.
  update public.audit_log a
  set new = jsonb_set(a.new, '{phone}', to_jsonb(v_marker))
  where a.organization_id = p_organization_id and a.new ->> 'phone' = v_phone;
  perform private.audit_support(p_organization_id, 'customer_erase',
                                private.masked_phone(v_phone), v_counts);
  return jsonb_build_object('erased', v_customer is not null or cardinality(v_payments) > 0
                                      or cardinality(v_receipts) > 0)
         || v_counts;
end;
$$;

revoke execute on function public.erase_customer(uuid, text) from public, anon, authenticated;

grant execute on function public.erase_customer(uuid, text) to authenticated;

comment on function public.erase_customer(uuid, text) is
'A customer''s erasure request, in one transaction: the phone number (any Kenyan spelling) is
replaced by one random marker erased:<32 hex> in customers, payments and sms_outbox, removed from
unmatched receipts (phone, verified payer, C2B hint) and raw callbacks (digits and payer names),
and the devices'' MACs are cleared or masked (payments.client_mac, voucher_devices, radacct,
radpostauth, lockouts, rate limits); SMS texts become ''erased'' (queued ones fail). Amounts,
receipts, dates, plans, vouchers and usage stay (the law''s money records; totals unchanged).
Audited as support:customer_erase with the phone masked (+2547******78) and the counts.
Callers: authenticated owner.
Returns: {erased (whether anything matched), payments, sms, unmatched_receipts, devices, sessions,
vouchers}: rows changed per kind.
Errors: 42501 admin, agent, outsider, no user or null organization, or organization_suspended;
22023 phone_invalid.';
