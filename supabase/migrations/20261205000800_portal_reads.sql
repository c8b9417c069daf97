-- What the captive portal reads. Anonymous callers reach no table, only these narrow RPCs; a
-- caller learns nothing about codes, receipts or devices it does not already hold.

-- The captive portal's read path. Anonymous callers reach no table: only this narrow RPC, which
-- returns a site's public branding and the active plans sold there, with the site's id
-- (pay-start takes it) and the logo the portal serves itself, or null when no site has this
-- reference (its id or slug, private.site_by_ref):
-- {id, name, slug, support_phone, primary_color, logo_url, default_language, available,
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
    'id', s.id,
    'name', s.name,
    'slug', s.slug,
    'support_phone', s.support_phone,
    'primary_color', s.primary_color,
    'logo_url', private.site_logo_path(s.id),
    'default_language', s.default_language,
    -- A suspended organization's portal says so and sells nothing.
    'available', o.suspended_at is null,
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
      where ps.site_id = s.id and p.active and o.suspended_at is null
    ), '[]'::jsonb)
  )
  from private.site_by_ref(p_slug) s
  join public.organizations o on o.id = s.organization_id
$$;

revoke execute on function public.portal_site(text) from public, anon, authenticated;

grant execute on function public.portal_site(text) to anon, authenticated, service_role;

comment on function public.portal_site(text) is
'The captive portal''s landing data for a site reference p_slug: its id or its slug (trimmed, any
case; private.site_by_ref).
Callers: anon, authenticated, service_role.
Returns: null for an unknown reference, else {id, name, slug, support_phone, primary_color, logo_url
(the portal path /s/<slug>/logo?v=<version>, or null), default_language, available (false while
platform staff suspend the organization: then no plans), plans: [{id, name, price_kes,
validity_seconds, time_quota_seconds, data_quota_bytes, download_kbps, upload_kbps,
devices_allowed}]}: the active plans sold at the site, cheapest first.';

-- Whether a host may receive a voucher code from this site's portal pages: the nas_ip or
-- login_host of one of the site's routers (hotspot variables in a URL are untrusted: a doctored
-- QR sticker could name any host). Answers only yes or no, so nothing about routers is listed.
create function public.portal_login_host_allowed(p_slug text, p_host text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from private.site_by_ref(p_slug) s
    join public.routers r on r.site_id = s.id and r.organization_id = s.organization_id
    where (r.login_host = lower(btrim(p_host)) or host(r.nas_ip) = lower(btrim(p_host)))
  )
$$;

revoke execute on function public.portal_login_host_allowed(text, text)
  from public, anon, authenticated;

grant execute on function public.portal_login_host_allowed(text, text)
  to anon, authenticated, service_role;

comment on function public.portal_login_host_allowed(text, text) is
'Whether the portal of the site with this id or slug (private.site_by_ref) may send a voucher login to this host (trimmed,
lower-cased): true when it is the nas_ip or login_host of one of the site''s routers.
Callers: anon, authenticated, service_role.';

-- A payment's state for the portal's waiting page, by the unguessable token pay-start returned
-- (anyone holding it may ask), with the plan's id so a failed payment can be tried again:
-- {status, amount_kes, plan_id, plan_name, result_code, voucher_code (once paid),
--  receipt_missing}, or null for an unknown token or one older than the platform's
-- status_token_days (a token in a browser's history or a shared screenshot stops working).
-- plpgsql: private.platform_settings is created by a later migration.
create function public.payment_status(p_token text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return (
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
      and p.created_at > now() - (select make_interval(days => s.status_token_days)
                                  from private.platform_settings s)
  );
end;
$$;

revoke execute on function public.payment_status(text) from public, anon, authenticated;

grant execute on function public.payment_status(text) to anon, authenticated;

comment on function public.payment_status(text) is
'A payment''s state for the portal''s waiting page, by the unguessable status_token pay-start
returned (holding it is the right to ask).
Callers: anon, authenticated.
Returns: {status, amount_kes, plan_id, plan_name, result_code (as Daraja sent it), voucher_code
(once paid, else null), receipt_missing}, or null for an unknown token or one whose payment
started more than platform_settings.status_token_days (7) ago.';

-- The buckets of a portal lookup, narrowest first: the client (its address and device MAC),
-- its address, the site. Only the portal server (service role) names the client, as
-- '<address>|<mac>'; every other caller (the publishable key straight to PostgREST) is the one
-- address 'direct' (no client bucket), so callers that bypass the portal share one address's
-- budget and cannot lock a site by themselves. IPv6 addresses count by /64
-- (private.client_network).
create function private.lookup_buckets(p_kind text, p_site_id uuid, p_client text)
returns text[]
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_address text := 'direct';
  v_mac macaddr;
begin
  if auth.role() = 'service_role' then
    v_address := coalesce(private.client_network(split_part(coalesce(p_client, ''), '|', 1))::text, 'unknown');
    v_mac := private.mac_or_null(split_part(coalesce(p_client, ''), '|', 2));
  end if;
  return array[
    case when v_address <> 'direct' then
      p_kind || ':client:' || p_site_id || ':' || v_address || '/' || coalesce(v_mac::text, '') end,
    p_kind || ':ip:' || p_site_id || ':' || v_address,
    p_kind || ':site:' || p_site_id];
end;
$$;

revoke all on function private.lookup_buckets(text, uuid, text) from public, anon, authenticated;

-- Counts a portal lookup against its buckets (private.lookup_buckets) narrowest first and stops
-- at the first that is full, so a client over its own budget spends nothing of its address's or
-- its site's: one client cannot lock a site's pages for everyone. Per 10 minutes: the site
-- p_limit, an address 3/4 of it (customers behind a hotspot's NAT share one; one address alone
-- cannot lock the site), a client 1/6. With p_miss_limit (lookups that found nothing,
-- private.lookup_miss) lookups are refused while the client has had 1/4 of it, its address
-- 3/4 or the site all. Returns null when allowed, else seconds until the window ends.
create function private.lookup_throttle(
  p_kind text, p_site_id uuid, p_client text, p_limit integer, p_miss_limit integer
)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_buckets text[] := private.lookup_buckets(p_kind, p_site_id, p_client);
  v_limits integer[] := array[greatest(1, p_limit / 6), greatest(1, p_limit * 3 / 4), p_limit];
  v_misses integer[] := array[greatest(1, p_miss_limit / 4), greatest(1, p_miss_limit * 3 / 4), p_miss_limit];
  v_window timestamptz := to_timestamp(floor(extract(epoch from now()) / 600) * 600);
begin
  for i in 1..3 loop
    if p_miss_limit is not null and v_buckets[i] is not null and coalesce((
      select r.hits from private.rate_limits r
      where r.bucket = 'miss:' || v_buckets[i] and r.window_start = v_window), 0) >= v_misses[i] then
      return private.rate_limit_wait(600);
    end if;
  end loop;
  for i in 1..3 loop
    if v_buckets[i] is not null and not private.rate_limit_hit(v_buckets[i], v_limits[i], 600) then
      return private.rate_limit_wait(600);
    end if;
  end loop;
  return null;
end;
$$;

revoke all on function private.lookup_throttle(text, uuid, text, integer, integer) from public, anon, authenticated;

-- A portal lookup that found nothing, counted against the client, its address and the site
-- (private.lookup_throttle refuses further lookups once one of them has had too many).
create function private.lookup_miss(p_kind text, p_site_id uuid, p_client text)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  select count(private.rate_limit_hit('miss:' || b, 2147483647, 600))
  from unnest(private.lookup_buckets(p_kind, p_site_id, p_client)) b
  where b is not null;
$$;

revoke all on function private.lookup_miss(text, uuid, text) from public, anon, authenticated;

-- The captive portal's voucher status page: what is left on a code (time, data, expiry), for
-- anyone who holds the code, at the site whose organization issued it. Anonymous callers reach
-- it through this one narrow RPC; it never says whether a code exists elsewhere, and it is
-- throttled per site so it cannot serve as a guessing oracle.

-- portal_voucher_status(site slug, typed code, client) →
--   {ok: true, code, status, plan_name, devices_allowed, validity_seconds, first_used_at,
--    expires_at, seconds_left, time_quota_seconds, used_seconds, data_quota_bytes, used_bytes,
--    bytes_left}
--   {ok: false, error: 'not_found'}     unknown code, malformed code, another organization's
--                                       code or unknown site: all the same answer
--   {ok: false, error: 'rate_limited', retry_after_seconds}
-- Throttle (private.lookup_throttle, fixed 10-minute windows): 120 lookups per site and 20
-- misses (not_found), a client (address + MAC, named by the portal) 20 lookups and 5 misses, an
-- address 90 and 15; a client over its budget is refused without spending the site's.
-- seconds_left: the smaller of the time quota left and the time until expires_at (before the
-- first session: the whole validity, or the time quota if smaller); null quota = unlimited.
create function public.portal_voucher_status(p_site_slug text, p_code text, p_client text default null)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_site public.sites;
  v_code text := private.normalise_voucher_code(p_code);
  v_voucher public.vouchers;
  v_plan_name text;
  v_wait integer;
  v_seconds_left bigint;
  v_not_found constant jsonb := jsonb_build_object('ok', false, 'error', 'not_found');
begin
  select s.* into v_site from private.site_by_ref(p_site_slug) s;
  if v_site.id is null then
    return v_not_found;
  end if;
  v_wait := private.lookup_throttle('voucher-status', v_site.id, p_client, 120, 20);
  if v_wait is not null then
    return jsonb_build_object('ok', false, 'error', 'rate_limited', 'retry_after_seconds', v_wait);
  end if;

  if private.is_voucher_code(v_code) then
    select v.* into v_voucher from public.vouchers v
    where v.code = v_code and v.organization_id = v_site.organization_id;
  end if;
  if v_voucher.id is null then
    perform private.lookup_miss('voucher-status', v_site.id, p_client);
    return v_not_found;
  end if;

  select p.name into v_plan_name from public.plans p where p.id = v_voucher.plan_id;
  v_seconds_left := case
    when v_voucher.expires_at is null then v_voucher.validity_seconds::bigint
    else greatest(0, floor(extract(epoch from v_voucher.expires_at - now())))::bigint
  end;
  if v_voucher.time_quota_seconds is not null then
    v_seconds_left := least(v_seconds_left, greatest(0, v_voucher.time_quota_seconds - v_voucher.used_seconds));
  end if;
  if v_voucher.status <> 'active' then
    v_seconds_left := 0;
  end if;

  return jsonb_build_object(
    'ok', true,
    'code', v_voucher.code,
    -- inactive: a printed voucher not sold (or released) yet, which does not work until it is.
    'status', case
      when v_voucher.status = 'active' and v_voucher.expires_at <= now() then 'expired'
      else v_voucher.status end,
    'plan_name', v_plan_name,
    'devices_allowed', v_voucher.devices_allowed,
    'validity_seconds', v_voucher.validity_seconds,
    'first_used_at', v_voucher.first_used_at,
    'expires_at', v_voucher.expires_at,
    'seconds_left', v_seconds_left,
    'time_quota_seconds', v_voucher.time_quota_seconds,
    'used_seconds', v_voucher.used_seconds,
    'data_quota_bytes', v_voucher.data_quota_bytes,
    'used_bytes', v_voucher.used_bytes,
    'bytes_left', case when v_voucher.data_quota_bytes is null then null
      else greatest(0, v_voucher.data_quota_bytes - v_voucher.used_bytes) end
  );
end;
$$;

revoke execute on function public.portal_voucher_status(text, text, text) from public, anon, authenticated;

grant execute on function public.portal_voucher_status(text, text, text) to anon, authenticated, service_role;

comment on function public.portal_voucher_status(text, text, text) is
'The portal''s voucher status page: what is left on a code typed at a site (p_site_slug: its id or
slug, private.site_by_ref; the code in any case, spaces and dashes ignored); p_client (''<address>|<mac>'') counts only from the service role (the portal
server), anyone else is the one address ''direct''.
Callers: anon, authenticated, service_role.
Returns: {ok: true, code, status (active | inactive (not sold yet) | expired (once expires_at has passed) | exhausted | revoked), plan_name, devices_allowed,
validity_seconds, first_used_at, expires_at, seconds_left, time_quota_seconds, used_seconds,
data_quota_bytes, used_bytes, bytes_left} for a code of the site''s organization (seconds_left:
the smaller of time quota left and time to expiry, the validity before first use, 0 unless
active; null quota = unlimited); else {ok: false, error: not_found} (unknown or malformed code,
another organization, unknown site: no enumeration) or {ok: false, error: rate_limited,
retry_after_seconds}: per 10-minute window a client 20 lookups and 5 misses, its address 90 and
15, the site 120 and 20 (private.lookup_throttle); a refused client spends nothing of the site''s.';

-- A site's logo for the portal's /s/<id or slug>/logo: {content_type, base64} or null.
create function public.portal_logo(p_slug text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  -- encode() breaks base64 into 76-character lines; JSON wants one string.
  select jsonb_build_object('content_type', l.content_type,
                            'base64', translate(encode(l.bytes, 'base64'), E'\n', ''))
  from private.site_by_ref(p_slug) s join private.site_logos l on l.site_id = s.id
$$;

revoke execute on function public.portal_logo(text) from public, anon, authenticated;

grant execute on function public.portal_logo(text) to anon, authenticated, service_role;

comment on function public.portal_logo(text) is
'A site''s stored logo, which the portal serves at /s/<id or slug>/logo (p_slug: either,
private.site_by_ref).
Callers: anon, authenticated, service_role.
Returns: {content_type, base64} or null.';

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
  from private.site_by_ref(p_site_slug) s
  join public.payments p on p.site_id = s.id
  left join public.vouchers v on v.id = p.voucher_id
  where p.client_mac = private.mac_or_null(p_mac)
    and p.created_at > now() - interval '30 minutes'
    and p.status_token is not null
    and (p.status = 'pending' or (p.status = 'success' and v.first_used_at is null))
  order by p.created_at desc
  limit 1
$$;

revoke execute on function public.portal_resume(text, text) from public, anon, authenticated;

grant execute on function public.portal_resume(text, text) to service_role;

comment on function public.portal_resume(text, text) is
'The payment a device came back for: its newest payment at the site in the last 30 minutes that
is pending, or paid with a voucher not used yet. p_site_slug: the site''s id or slug
(private.site_by_ref); p_mac in any spelling (junk matches nothing,
never an error).
Callers: service_role only (the portal server: the MAC comes from the hotspot controller''s
redirect, and a device that paid can log in by MAC anyway).
Returns: {status_token, status} or null.';
