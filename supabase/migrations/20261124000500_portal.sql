-- The captive portal's read path. Anonymous callers reach no table: only this narrow RPC, which
-- returns a site's public branding and the active plans sold there.

-- A site's portal data by slug, or null when the slug is unknown:
-- {name, slug, support_phone, primary_color, logo_url, default_language,
--  plans: [{id, name, price_kes, validity_seconds, time_quota_seconds, data_quota_bytes,
--           download_kbps, upload_kbps, devices_allowed}]}  (active plans, cheapest first).
create function public.portal_site(p_slug text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'name', s.name,
    'slug', s.slug,
    'support_phone', s.support_phone,
    'primary_color', s.primary_color,
    'logo_url', s.logo_url,
    'default_language', s.default_language,
    'plans', coalesce((
      select jsonb_agg(
        jsonb_build_object(
          'id', p.id,
          'name', p.name,
          'price_kes', p.price_kes,
          'validity_seconds', p.validity_seconds,
          'time_quota_seconds', p.time_quota_seconds,
          'data_quota_bytes', p.data_quota_bytes,
          'download_kbps', p.download_kbps,
          'upload_kbps', p.upload_kbps,
          'devices_allowed', p.devices_allowed
        )
        order by p.price_kes, p.name, p.id
      )
      from public.plan_sites ps
      join public.plans p on p.id = ps.plan_id and p.organization_id = ps.organization_id
      where ps.site_id = s.id and p.active
    ), '[]'::jsonb)
  )
  from public.sites s
  where s.slug = lower(btrim(p_slug))
$$;
revoke execute on function public.portal_site(text) from public, anon, authenticated;
grant execute on function public.portal_site(text) to anon, authenticated, service_role;
