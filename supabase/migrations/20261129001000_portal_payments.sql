-- The portal's pay flow (issue 5): the site's id for starting a payment, and resuming a device's
-- payment when a captive mini-browser was closed during the M-Pesa prompt.

-- A site's portal data by slug, now with the site's id (pay-start takes it) and the logo the
-- portal serves itself (20261129000950_site_logos.sql), or null when the slug is unknown:
-- {id, name, slug, support_phone, primary_color, logo_url, default_language,
--  plans: [{id, name, price_kes, validity_seconds, time_quota_seconds, data_quota_bytes,
--           download_kbps, upload_kbps, devices_allowed}]}  (active plans, cheapest first).
create or replace function public.portal_site(p_slug text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'id', s.id,
    'name', s.name,
    'slug', s.slug,
    'support_phone', s.support_phone,
    'primary_color', s.primary_color,
    'logo_url', private.site_logo_path(s.id),
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

-- A MAC in any spelling as macaddr, or null when it is not one (never an error: the value comes
-- from a URL anyone can type).
create function private.mac_or_null(p_mac text)
returns macaddr
language plpgsql
immutable
security definer
set search_path = ''
as $$
begin
  if p_mac is null or length(p_mac) > 40 then
    return null;
  end if;
  return btrim(p_mac)::macaddr;
exception when others then
  return null;
end;
$$;
revoke all on function private.mac_or_null(text) from public, anon, authenticated;

-- Resume looks a device's payments up on every portal visit.
create index payments_client_mac_idx on public.payments (client_mac, created_at desc)
  where client_mac is not null;

-- The payment a device came back for: its newest payment at this site in the last 30 minutes
-- that is still pending, or paid with a voucher nobody has used yet. {status_token, status} or
-- null. Only the portal server calls it (service role): the MAC comes from the hotspot
-- controller's redirect, and a device already paid can log in by MAC anyway (radius.sql), so
-- this reveals nothing a device on the same hotspot could not get from the router.
create function public.portal_resume(p_site_slug text, p_mac text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object('status_token', p.status_token, 'status', p.status)
  from public.sites s
  join public.payments p on p.site_id = s.id
  left join public.vouchers v on v.id = p.voucher_id
  where s.slug = lower(btrim(p_site_slug))
    and p.client_mac = private.mac_or_null(p_mac)
    and p.created_at > now() - interval '30 minutes'
    and p.status_token is not null
    and (p.status = 'pending' or (p.status = 'success' and v.first_used_at is null))
  order by p.created_at desc
  limit 1
$$;
revoke execute on function public.portal_resume(text, text) from public, anon, authenticated;
grant execute on function public.portal_resume(text, text) to service_role;

-- A payment by its status token (the portal's waiting page), now with the plan's id so a
-- failed payment can be tried again: {status, amount_kes, plan_id, plan_name, result_code,
-- voucher_code, receipt_missing}, or null.
create or replace function public.payment_status(p_token text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'status', p.status,
    'amount_kes', p.amount_kes,
    'plan_id', p.plan_id,
    'plan_name', pl.name,
    'result_code', coalesce(p.result_code_raw, p.result_code::text),
    'voucher_code', v.code,
    'receipt_missing', p.receipt_missing
  )
  from public.payments p
  join public.plans pl on pl.id = p.plan_id
  left join public.vouchers v on v.id = p.voucher_id and p.status = 'success'
  where p.status_token = lower(btrim(p_token))
$$;
