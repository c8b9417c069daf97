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

-- Keeps the rollups in step with payments: counted by status on the day they started, and an
-- M-Pesa sale on the day a payment succeeded (success is final, so once).
create function private.payment_rollup()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform private.add_payments(new.organization_id, private.nairobi_day(new.created_at),
                                 new.site_id, new.status, 1);
  elsif new.status is distinct from old.status then
    perform private.add_payments(old.organization_id, private.nairobi_day(old.created_at),
                                 old.site_id, old.status, -1);
    perform private.add_payments(new.organization_id, private.nairobi_day(new.created_at),
                                 new.site_id, new.status, 1);
  end if;
  if new.status = 'success' and (tg_op = 'INSERT' or old.status <> 'success') then
    perform private.add_sale(new.organization_id,
                             private.nairobi_day(coalesce(new.settled_at, now())),
                             new.site_id, new.plan_id, 'mpesa', 1, new.amount_kes);
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
  for each row execute function private.voucher_sale_rollup();

-- Recomputes an organization's rollups from its payments and vouchers (data loaded in bulk
-- with triggers off, or a repair); returns the number of rollup rows.
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

-- Existing data (a deployment upgrading to this migration).
select private.rebuild_rollups(o.id) from public.organizations o;

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
  if not private.has_role(p_organization_id, 'owner', 'admin') then
    raise exception 'only owners and admins can see the dashboard' using errcode = '42501';
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
    'sessions_online', (
      select count(*)
      from public.routers r
      join radius.radacct a on a.nasipaddress = r.nas_ip and a.acctstoptime is null
      where r.organization_id = p_organization_id
        and (p_site_id is null or r.site_id = p_site_id)),
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
