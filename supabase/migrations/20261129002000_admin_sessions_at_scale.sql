-- Sessions online and customers at scale (npm run bench:admin: ten million accounting rows,
-- ten thousand of them open at 100 routers).

-- The open sessions newest first: sessions_online() reads the first 200 of its organization
-- instead of fetching and sorting every open session's row.
create index radacct_open_start_idx on radius.radacct (acctstarttime desc) where acctstoptime is null;

-- Stock FreeRADIUS indexes no query of ours uses (usage and device counts go by voucher_id,
-- history by router): each cost a write on every Start and Stop.
drop index radius.radacct_start_user_idx;
drop index radius.radacct_class_idx;
drop index radius.radacct_username_idx;

-- The customers list, newest first, keyset-paged by (created_at, id).
create index customers_organization_created_idx
  on public.customers (organization_id, created_at desc, id desc);

-- As before (20261129000900_admin_at_scale.sql): the newest 200 sessions online at the
-- organization's routers, optionally one site. Planned for each call's arguments: the generic
-- plan, made for any organization and site, fetched and sorted all open sessions (165 ms at
-- ten thousand), where a custom plan reads the open-session index newest first (about 10 ms).
create or replace function public.sessions_online(p_organization_id uuid, p_site_id uuid default null)
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
      from public.routers r
      join public.sites s on s.id = r.site_id
      join radius.radacct a on a.nasipaddress = r.nas_ip and a.acctstoptime is null
      left join public.vouchers v on v.id = a.voucher_id
      where r.organization_id = p_organization_id
        and (p_site_id is null or r.site_id = p_site_id)
      order by a.acctstarttime desc
      limit 200) t);
end;
$$;

-- Customers found by the last digits of their phone number, through a trigram index. Under
-- row-level security `like` (not leakproof) stays out of index conditions, so a plain query
-- reads every customer of the organization (see 20261129001600_voucher_search.sql).
create index customers_phone_trgm_idx on public.customers using gin (phone extensions.gin_trgm_ops);

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
  if not private.has_role(p_organization_id, 'owner', 'admin') then
    raise exception 'only owners and admins can search customers' using errcode = '42501';
  end if;
  if length(v_digits) < 3 then
    raise exception 'type at least the last 3 digits of the phone number' using errcode = '22023';
  end if;
  -- Planned with the pattern itself, so the trigram index is chosen when it helps.
  return query execute
    'select c.* from public.customers c where c.organization_id = $1 and c.phone like $2'
    using p_organization_id, '%' || v_digits;
end;
$$;
revoke execute on function public.search_customers(uuid, text) from public, anon, authenticated;
grant execute on function public.search_customers(uuid, text) to authenticated;
