-- The captive portal's voucher status page: what is left on a code (time, data, expiry), for
-- anyone who holds the code, at the site whose organization issued it. Anonymous callers reach
-- it through this one narrow RPC; it never says whether a code exists elsewhere, and it is
-- throttled per site so it cannot serve as a guessing oracle.

-- portal_voucher_status(site slug, typed code) →
--   {ok: true, code, status, plan_name, devices_allowed, validity_seconds, first_used_at,
--    expires_at, seconds_left, time_quota_seconds, used_seconds, data_quota_bytes, used_bytes,
--    bytes_left}
--   {ok: false, error: 'not_found'}     unknown code, malformed code, another organization's
--                                       code or unknown site: all the same answer
--   {ok: false, error: 'rate_limited', retry_after_seconds}
-- Throttle (private.rate_limit_hit, fixed 10-minute windows): 120 lookups per site, and after
-- 20 misses (not_found) at a site every lookup there is refused until the window ends.
-- seconds_left: the smaller of the time quota left and the time until expires_at (before the
-- first session: the whole validity, or the time quota if smaller); null quota = unlimited.
create function public.portal_voucher_status(p_site_slug text, p_code text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_site public.sites;
  v_code text := upper(regexp_replace(coalesce(p_code, ''), '[\s\-]', '', 'g'));
  v_voucher public.vouchers;
  v_plan_name text;
  v_window timestamptz := to_timestamp(floor(extract(epoch from now()) / 600) * 600);
  v_misses integer;
  v_seconds_left bigint;
  v_not_found constant jsonb := jsonb_build_object('ok', false, 'error', 'not_found');
  v_limited jsonb;
begin
  select s.* into v_site from public.sites s where s.slug = lower(btrim(coalesce(p_site_slug, '')));
  if v_site.id is null then
    return v_not_found;
  end if;
  v_limited := jsonb_build_object('ok', false, 'error', 'rate_limited',
    'retry_after_seconds', greatest(1, ceil(extract(epoch from v_window + interval '10 minutes' - now())))::integer);

  select r.hits into v_misses from private.rate_limits r
  where r.bucket = 'voucher-status:miss:' || v_site.id and r.window_start = v_window;
  if coalesce(v_misses, 0) >= 20
     or not private.rate_limit_hit('voucher-status:site:' || v_site.id, 120, 600) then
    return v_limited;
  end if;

  if v_code ~ '^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10,14}$' then
    select v.* into v_voucher from public.vouchers v
    where v.code = v_code and v.organization_id = v_site.organization_id;
  end if;
  if v_voucher.id is null then
    perform private.rate_limit_hit('voucher-status:miss:' || v_site.id, 20, 600);
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
revoke execute on function public.portal_voucher_status(text, text) from public, anon, authenticated;
grant execute on function public.portal_voucher_status(text, text) to anon, authenticated;

-- What the router set-up files (supabase/functions/_shared/domain/router-files.ts: the RouterOS
-- script and the hotspot login.html) need for one router, including its RADIUS secret, for
-- owners and admins of the router's organization only. Every call is audited (audit_log
-- table_name 'router_setup', without the secret). Others, unknown router, no user → 42501.
-- {router_id, name, vendor, nas_ip, coa_port, require_message_authenticator, site_slug, secret}
create function public.router_setup(p_router_id uuid)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_router public.routers;
  v_slug text;
  v_secret text;
begin
  select r.* into v_router from public.routers r
  where r.id = p_router_id
    and r.organization_id in (select private.orgs_with_role('owner', 'admin'));
  if v_router.id is null then
    raise exception 'no such router, or only its owners and admins may set it up'
      using errcode = '42501';
  end if;
  select s.slug into v_slug from public.sites s where s.id = v_router.site_id;
  select rs.secret into v_secret from private.router_secrets rs where rs.router_id = v_router.id;
  insert into public.audit_log (organization_id, actor, actor_role, action, table_name, row_id, new)
  values (v_router.organization_id, auth.uid(), coalesce(auth.role(), session_user), 'update',
          'router_setup', v_router.id::text,
          jsonb_build_object('rendered', 'router set-up with secret', 'nas_ip', v_router.nas_ip::text));
  return jsonb_build_object(
    'router_id', v_router.id,
    'name', v_router.name,
    'vendor', v_router.vendor,
    'nas_ip', v_router.nas_ip::text,
    'coa_port', v_router.coa_port,
    'require_message_authenticator', v_router.require_message_authenticator,
    'site_slug', v_slug,
    'secret', v_secret
  );
end;
$$;
revoke execute on function public.router_setup(uuid) from public, anon, authenticated;
grant execute on function public.router_setup(uuid) to authenticated;
