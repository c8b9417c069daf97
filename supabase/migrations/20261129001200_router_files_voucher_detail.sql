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
    and (private.has_role(v.organization_id, 'owner', 'admin')
         or (v.created_by = auth.uid() and private.has_role(v.organization_id, 'agent')));
  if v_voucher.id is null then
    raise exception 'no such voucher, or it is not yours to see' using errcode = '42501';
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
        -- A router belongs to one organization; a NAS address can be reused after a router
        -- is deleted, so match it within the voucher's organization only.
        select a, r.name as router, s.name as site
        from radius.radacct a
        left join public.routers r
          on r.nas_ip = a.nasipaddress and r.organization_id = v_voucher.organization_id
        left join public.sites s on s.id = r.site_id
        where a.voucher_id = v_voucher.id
        order by a.acctstoptime is not null, a.acctstarttime desc
        limit 50) t));
end;
$$;
revoke execute on function public.voucher_sessions(uuid) from public, anon, authenticated;
grant execute on function public.voucher_sessions(uuid) to authenticated;
