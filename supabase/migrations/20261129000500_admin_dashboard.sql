-- The admin dashboard, computed in the database so the app never downloads rows to add them up.

-- Sold vouchers by day: cash sales (and the vouchers M-Pesa payments issued) for revenue.
create index vouchers_sold_idx on public.vouchers (organization_id, sold_at)
  where sold_at is not null;

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
  v_today date := (now() at time zone 'Africa/Nairobi')::date;
  v_from timestamptz := (v_today - 29)::timestamp at time zone 'Africa/Nairobi';
  v_result jsonb;
begin
  if not private.has_role(p_organization_id, 'owner', 'admin') then
    raise exception 'only owners and admins can see the dashboard' using errcode = '42501';
  end if;

  with paid as (
    select p.id, p.status, p.amount_kes, p.site_id, p.voucher_id, p.created_at, p.settled_at
    from public.payments p
    where p.organization_id = p_organization_id
      and p.created_at >= v_from - interval '1 day'
      and (p_site_id is null or p.site_id = p_site_id)
  ),
  sales as (
    select (p.settled_at at time zone 'Africa/Nairobi')::date as day, p.amount_kes as kes,
           'mpesa' as via, p.site_id
    from paid p
    where p.status = 'success' and p.settled_at >= v_from
    union all
    select (v.sold_at at time zone 'Africa/Nairobi')::date, v.sold_price_kes, 'cash', null
    from public.vouchers v
    where v.organization_id = p_organization_id
      and v.sold_at >= v_from
      and p_site_id is null
      and not exists (select 1 from public.payments p where p.voucher_id = v.id)
  ),
  days as (
    select d::date as day
    from generate_series(v_from at time zone 'Africa/Nairobi',
                         v_today::timestamp, interval '1 day') as d
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
      select jsonb_agg(jsonb_build_object('day', d.day, 'kes',
               (select coalesce(sum(s.kes), 0) from sales s where s.day = d.day)) order by d.day)
      from days d),
    'payments', (
      select jsonb_build_object(
        'by_status', coalesce(jsonb_object_agg(t.status, t.n), '{}'::jsonb),
        'success_rate', (select round(count(*) filter (where p.status = 'success')::numeric
                                      / nullif(count(*) filter (where p.status <> 'pending'), 0), 3)
                         from paid p where p.created_at >= v_from))
      from (select p.status, count(*) as n from paid p where p.created_at >= v_from
            group by p.status) t),
    'sessions_online', (
      select count(*)
      from radius.radacct a
      join public.vouchers v on v.id = a.voucher_id
      left join public.routers r on r.nas_ip = a.nasipaddress
      where a.acctstoptime is null
        and v.organization_id = p_organization_id
        and (p_site_id is null or r.site_id = p_site_id)),
    'sold_by_plan', (
      select coalesce(jsonb_agg(jsonb_build_object('plan', t.name, 'count', t.n) order by t.n desc, t.name), '[]'::jsonb)
      from (select pl.name, count(*) as n
            from public.vouchers v
            join public.plans pl on pl.id = v.plan_id
            left join public.payments p on p.voucher_id = v.id
            where v.organization_id = p_organization_id
              and v.sold_at >= v_from
              and (p_site_id is null or p.site_id = p_site_id)
            group by pl.name) t),
    'top_sites', (
      select coalesce(jsonb_agg(jsonb_build_object('site', t.name, 'kes', t.kes) order by t.kes desc, t.name), '[]'::jsonb)
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
