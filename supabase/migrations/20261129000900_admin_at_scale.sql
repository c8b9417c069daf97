-- Admin lists at scale (measured with npm run bench:admin at ten million accounting rows).

-- Payments filtered by status, newest first.
create index payments_status_idx on public.payments (organization_id, status, created_at desc);

-- Sessions online now at the organization's routers (optionally one site): the newest 200, as
-- a phone screen shows them; the dashboard has the total.
create or replace function public.sessions_online(p_organization_id uuid, p_site_id uuid default null)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
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
