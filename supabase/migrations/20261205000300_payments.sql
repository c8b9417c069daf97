-- Customers and M-Pesa payments: the payment state machine, starting a payment (idempotency
-- key, two-minute guard, rate limits), raw callback storage, settlement in one SQL function and
-- reconciliation. Owners and admins read customers and payments; only the edge functions write
-- them. Agents cannot see any of it, nor revenue.
--
-- The payment files (this one, sms, payment_settings, receipts_support): the edge functions
-- (supabase/functions/pay-*, sms-dispatch) connect as `postgres` through SUPABASE_DB_URL and
-- call the private.* functions; the API roles reach only the narrow public RPCs (settings,
-- payment status, receipt recovery, support actions). All state (tokens, rate limits,
-- idempotency keys) lives in the database, none in function memory.

-- ---------------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------------

-- A paying customer of one organization, known by a Kenyan mobile number in E.164; after an
-- erasure request a random marker 'erased:<32 hex>' (public.erase_customer), as on its payments.
create table public.customers (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  phone text not null check (phone ~ '^\+254[17][0-9]{8}$' or phone ~ '^erased:[0-9a-f]{32}$'),
  created_at timestamptz not null default now(),
  unique (organization_id, phone),
  unique (id, organization_id)
);

alter table public.customers enable row level security;

comment on table public.customers is
'Paying customers of an organization, by Kenyan mobile number (E.164), created on first purchase. authenticated: owners/admins read; written only by the payment functions; anon: nothing.';

create index customers_organization_id_idx on public.customers (organization_id);

-- Vouchers issued to a customer (M-Pesa purchases) point at that customer.
alter table public.vouchers
  add column customer_id uuid,
  add foreign key (customer_id, organization_id) references public.customers (id, organization_id)
    on delete set null (customer_id);

create index vouchers_customer_id_idx on public.vouchers (customer_id, organization_id);

-- One M-Pesa STK push and its outcome. amount_kes is the price asked, frozen at creation.
-- Status: pending -> success | failed | cancelled | timeout; failed/cancelled/timeout -> success
-- (a late success wins); success is final.
create table public.payments (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  site_id uuid,
  plan_id uuid not null,
  customer_id uuid,
  phone text not null check (phone ~ '^\+254[17][0-9]{8}$' or phone ~ '^erased:[0-9a-f]{32}$'),
  amount_kes integer not null check (amount_kes > 0),
  status text not null default 'pending'
    check (status in ('pending', 'success', 'failed', 'cancelled', 'timeout')),
  checkout_request_id text unique,
  merchant_request_id text,
  mpesa_receipt text,
  result_code integer,
  result_desc text,
  raw_callback jsonb,
  voucher_id uuid,
  router_id uuid,
  client_mac macaddr,
  idempotency_key text check (char_length(idempotency_key) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  settled_at timestamptz,
  -- The unguessable handle the portal polls with.
  status_token text unique check (status_token ~ '^[0-9a-f]{32}$'),
  -- The customer's portal language (SMS).
  language text not null default (private.languages())[1]
    check (language = any (private.languages())),
  -- Why the STK push was not accepted.
  push_error text,
  -- What settled it.
  via text check (via in ('callback', 'query', 'receipt', 'c2b', 'admin')),
  -- Settled as paid by STK Query, receipt still unknown.
  receipt_missing boolean not null default false,
  -- The result code as Daraja sent it (some are strings, e.g. SFC_IC0003).
  result_code_raw text,
  -- What a receipt paid beyond the plan it was redeemed for.
  overpaid_kes integer check (overpaid_kes >= 0),
  unique (organization_id, idempotency_key),
  -- A receipt is unique per organization (receipt first: the cross-organization check reads it
  -- by receipt alone); the same receipt at another organization raises a receipt alert.
  unique (mpesa_receipt, organization_id),
  foreign key (site_id, organization_id) references public.sites (id, organization_id)
    on delete set null (site_id),
  foreign key (plan_id, organization_id) references public.plans (id, organization_id),
  foreign key (customer_id, organization_id) references public.customers (id, organization_id)
    on delete set null (customer_id),
  foreign key (voucher_id, organization_id) references public.vouchers (id, organization_id),
  foreign key (router_id, organization_id) references public.routers (id, organization_id)
    on delete set null (router_id)
);

alter table public.payments enable row level security;

comment on table public.payments is
'M-Pesa payments: pending -> success | failed | cancelled | timeout, failed/cancelled/timeout -> success, success final (trigger, 23514). authenticated: owners/admins read; written only by the private payment functions; anon: nothing.';

create index payments_organization_id_idx on public.payments (organization_id, created_at desc);

create index payments_revenue_idx on public.payments (organization_id, settled_at)
  where status = 'success';

create index payments_pending_idx on public.payments (created_at) where status = 'pending';

create index payments_site_id_idx on public.payments (site_id, organization_id);

create index payments_plan_id_idx on public.payments (plan_id, organization_id);

create index payments_customer_id_idx on public.payments (customer_id, organization_id);

create index payments_voucher_id_idx on public.payments (voucher_id, organization_id);

create index payments_router_id_idx on public.payments (router_id, organization_id);

-- ---------------------------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------------------------

-- Trigger: the payment state machine. Keeps amount_kes and a recorded receipt frozen, allows
-- only the documented status transitions, and stamps settled_at when a payment settles.
create function private.payment_transition()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.status <> 'pending' and new.settled_at is null then
      new.settled_at := now();
    end if;
    return new;
  end if;

  if new.amount_kes <> old.amount_kes then
    raise exception 'a payment''s amount is frozen (% KES)', old.amount_kes
      using errcode = '23514', hint = 'payment_amount_frozen';
  end if;
  if old.mpesa_receipt is not null and new.mpesa_receipt is distinct from old.mpesa_receipt then
    raise exception 'payment % already has receipt %', old.id, old.mpesa_receipt
      using errcode = '23514', hint = 'payment_receipt_frozen';
  end if;
  if new.status is distinct from old.status then
    if old.status = 'success' then
      raise exception 'payment % already succeeded; success is final', old.id
        using errcode = '23514', hint = 'payment_success_final';
    elsif not (
      (old.status = 'pending' and new.status in ('success', 'failed', 'cancelled', 'timeout'))
      or (old.status in ('failed', 'cancelled', 'timeout') and new.status = 'success')
    ) then
      raise exception 'payment % cannot go from % to %', old.id, old.status, new.status
        using errcode = '23514', hint = 'payment_transition_invalid';
    end if;
    new.settled_at := now();
  end if;
  new.updated_at := now();
  return new;
end;
$$;

revoke all on function private.payment_transition() from public, anon, authenticated;

create trigger payments_transition before insert or update on public.payments
  for each row execute function private.payment_transition();

-- ---------------------------------------------------------------------------------------------
-- Privileges: owners and admins read; writes only by service_role (which bypasses RLS).
-- ---------------------------------------------------------------------------------------------
revoke all on table public.customers from anon, authenticated;

revoke all on table public.payments from anon, authenticated;

grant select on table public.customers to authenticated;

grant select on table public.payments to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Policies
-- ---------------------------------------------------------------------------------------------
create policy "owners and admins can read customers"
  on public.customers for select to authenticated
  using (organization_id in (select private.orgs_with_role_at_least('admin')));

create policy "owners and admins can read payments"
  on public.payments for select to authenticated
  using (organization_id in (select private.orgs_with_role_at_least('admin')));

-- ---------------------------------------------------------------------------------------------
-- Rate limits, callbacks, unmatched receipts
-- ---------------------------------------------------------------------------------------------

-- Fixed-window counters: one row per bucket (e.g. 'start:phone:+2547…') and window start.
create table private.rate_limits (
  bucket text not null,
  window_start timestamptz not null,
  hits integer not null default 0,
  primary key (bucket, window_start)
);

alter table private.rate_limits enable row level security;

revoke all on table private.rate_limits from public, anon, authenticated, service_role;

comment on table private.rate_limits is
'Fixed-window counters by bucket (pay_start: start:device|ip|router|site|org-phone|phone; recover:phone; portal lookups: recover|voucher-status:client|ip|site and their misses, miss:voucher-status:…; resend:) and window start. No API role; only the security definer functions write it.';

create index rate_limits_window_start_idx on private.rate_limits (window_start);

-- Every callback as it arrived (body capped at 64 KiB), stored before it is processed, with
-- what became of it: ok, duplicate, forged, malformed, unmatched, mismatch, error, ...
-- (kind status: Daraja's Transaction Status results, private.receipt_status_result).
create table private.payment_callbacks (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('stk', 'c2b', 'status')),
  payment_id uuid,
  organization_id uuid,
  checkout_request_id text,
  receipt text,
  verdict text not null,
  detail text,
  body text not null,
  received_at timestamptz not null default now()
);

alter table private.payment_callbacks enable row level security;

revoke all on table private.payment_callbacks from public, anon, authenticated, service_role;

comment on table private.payment_callbacks is
'Every STK, C2B and Transaction Status (kind status) callback as it arrived (first 64 KiB of the body) with its verdict (a settle_payment outcome, forged, malformed, oversized, error; C2B: recorded, duplicate, wrong_shortcode; status: a receipt_status_result outcome). No API role.';

create index payment_callbacks_payment_id_idx on private.payment_callbacks (payment_id);

create index payment_callbacks_received_at_idx on private.payment_callbacks (received_at);

-- Junk callbacks (forged token, malformed, oversized, a signed URL past its lifetime) are
-- counted, not stored: one row per kind, reason and hour, so a flood costs O(1) rows.
create table private.callback_junk (
  kind text not null check (kind in ('stk', 'c2b', 'status')),
  reason text not null check (reason in ('forged', 'malformed', 'oversized', 'expired')),
  hour timestamptz not null,
  hits bigint not null default 0,
  primary key (kind, reason, hour)
);

alter table private.callback_junk enable row level security;

revoke all on table private.callback_junk from public, anon, authenticated, service_role;

comment on table private.callback_junk is
'How many junk callbacks (forged, malformed, oversized, expired URL) arrived per kind (stk, c2b, status) and hour; kept 30 days (private.retention_run). No API role; written by private.callback_junk().';

-- The first few junk callbacks of each kind, reason and hour (body cut to 1,024 characters),
-- enough to see what an attack looks like without storing the attack.
create table private.callback_junk_samples (
  id bigint generated always as identity primary key,
  kind text not null,
  reason text not null,
  hour timestamptz not null,
  ref text,
  body text not null,
  received_at timestamptz not null default now()
);

alter table private.callback_junk_samples enable row level security;

revoke all on table private.callback_junk_samples from public, anon, authenticated, service_role;

comment on table private.callback_junk_samples is
'The first 5 junk callbacks per kind, reason and hour (ref: the payment or organization id of the URL; body: first 1,024 characters); kept 30 days (private.retention_run). No API role; written by private.callback_junk().';

create index callback_junk_samples_hour_idx on private.callback_junk_samples (hour);

create index payments_phone_site_idx on public.payments (phone, site_id, created_at desc);

-- A Kenyan mobile number as typed (07…, 01…, 7…, 254…, +254…, with spaces, dashes, dots or
-- brackets) in E.164, or null. Same rules as normalizeKenyanPhone() in
-- supabase/functions/_shared/domain/phone.ts.
-- plpgsql, like payment_status_for() and voucher_sms_body(), which every settlement also calls:
-- as `language sql` functions with `set search_path` they cannot be inlined, and each call sets
-- up the SQL function again in every transaction; plpgsql keeps its compiled form for the
-- session (callgrind and npm run bench:payments, supabase/functions/README.md, Benchmark).
create function private.normalise_phone(p_input text)
returns text
language plpgsql
immutable
security definer
set search_path = ''
as $$
declare
  c text := private.strip_separators(p_input, '().-');
begin
  return case
    when c ~ '^\+254[17][0-9]{8}$' then c
    when c ~ '^254[17][0-9]{8}$' then '+' || c
    when c ~ '^0[17][0-9]{8}$' then '+254' || substr(c, 2)
    when c ~ '^[17][0-9]{8}$' then '+254' || c
  end;
end;
$$;

revoke all on function private.normalise_phone(text) from public, anon, authenticated;

-- Counts one hit in the bucket's current window and says whether it is still within p_limit.
-- Old windows go with the retention job (private.retention_run).
create function private.rate_limit_hit(p_bucket text, p_limit integer, p_window_seconds integer)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_window timestamptz := to_timestamp(floor(extract(epoch from now()) / p_window_seconds) * p_window_seconds);
  v_hits integer;
begin
  insert into private.rate_limits as r (bucket, window_start, hits)
  values (p_bucket, v_window, 1)
  on conflict (bucket, window_start) do update set hits = r.hits + 1
  returning r.hits into v_hits;
  return v_hits <= p_limit;
end;
$$;

revoke all on function private.rate_limit_hit(text, integer, integer) from public, anon, authenticated;

-- Seconds until the current fixed window of p_window_seconds ends: a refusal's retry_after.
create function private.rate_limit_wait(p_window_seconds integer)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
  select greatest(1, ceil(p_window_seconds - extract(epoch from now())::numeric % p_window_seconds))::integer
$$;

revoke all on function private.rate_limit_wait(integer) from public, anon, authenticated;

-- A client's address as a rate-limit key, or null when it is not one: an IPv4 address itself, an
-- IPv6 address's /64 (one subscriber is given a whole /64 and could rotate inside it).
create function private.client_network(p_address text)
returns cidr
language plpgsql
immutable
security definer
set search_path = ''
as $$
declare
  v inet;
begin
  v := btrim(p_address)::inet;
  return network(set_masklen(v, case family(v) when 4 then 32 else 64 end));
exception when invalid_text_representation then
  return null;
end;
$$;

revoke all on function private.client_network(text) from public, anon, authenticated;

-- Payment outcome for a Daraja result code: 0 paid, 1032 cancelled by the customer, 1037 and
-- 1019 no answer in time, anything else failed (codes can be strings such as SFC_IC0003).
create function private.payment_status_for(p_result_code text)
returns text
language plpgsql
immutable
security definer
set search_path = ''
as $$
begin
  return case btrim(coalesce(p_result_code, ''))
    when '0' then 'success'
    when '1032' then 'cancelled'
    when '1037' then 'timeout'
    when '1019' then 'timeout'
    else 'failed'
  end;
end;
$$;

revoke all on function private.payment_status_for(text) from public, anon, authenticated;

-- The customer of an organization with this phone, created on first purchase.
create function private.customer_for(p_organization_id uuid, p_phone text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  insert into public.customers (organization_id, phone)
  values (p_organization_id, p_phone)
  on conflict (organization_id, phone) do nothing
  returning id into v_id;
  if v_id is null then
    select c.id into v_id from public.customers c
    where c.organization_id = p_organization_id and c.phone = p_phone;
  end if;
  return v_id;
end;
$$;

revoke all on function private.customer_for(uuid, text) from public, anon, authenticated;

-- Creates what a paid payment buys, without touching the payment row (the caller records
-- voucher_id and customer_id in the same update that marks it paid, so the row is written once):
-- the customer (upserted), the voucher with the plan's frozen limits and the SMS in the
-- customer's language. No device is bound here: the MAC in the payment came from a URL anyone
-- can write, so the voucher binds the device that logs in with its code (radius.authorize).
-- Returns {voucher_id, customer_id}.
create function private.create_payment_voucher(p_payment public.payments, p_receipt text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_voucher public.vouchers;
  v_customer uuid := private.customer_for(p_payment.organization_id, p_payment.phone);
begin
  insert into public.vouchers (organization_id, plan_id, customer_id, created_by, sold_at,
                               sold_price_kes)
  values (p_payment.organization_id, p_payment.plan_id, v_customer, null, now(),
          p_payment.amount_kes - coalesce(p_payment.overpaid_kes, 0))
  returning * into v_voucher;
  insert into public.sms_outbox (organization_id, to_phone, body, payment_id)
  select p_payment.organization_id, p_payment.phone,
         private.voucher_sms_body(p_payment.language, v_voucher.code, pl.name,
                                  coalesce((select s.name from public.sites s where s.id = p_payment.site_id), 'WiFi'),
                                  p_receipt),
         p_payment.id
  from public.plans pl where pl.id = p_payment.plan_id;
  return jsonb_build_object('voucher_id', v_voucher.id, 'customer_id', v_customer);
end;
$$;

revoke all on function private.create_payment_voucher(public.payments, text) from public, anon, authenticated;

-- Issues the voucher of a payment already marked paid (receipt redemption, support), once:
-- callers hold the payment's row lock or just inserted it. Returns the voucher id.
create function private.issue_payment_voucher(p_payment_id uuid)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_payment public.payments;
  v_issued jsonb;
begin
  select p.* into v_payment from public.payments p where p.id = p_payment_id;
  if v_payment.voucher_id is not null then
    return v_payment.voucher_id;
  end if;
  v_issued := private.create_payment_voucher(v_payment, v_payment.mpesa_receipt);
  update public.payments p
  set voucher_id = (v_issued ->> 'voucher_id')::uuid, customer_id = (v_issued ->> 'customer_id')::uuid
  where p.id = p_payment_id;
  return (v_issued ->> 'voucher_id')::uuid;
end;
$$;

revoke all on function private.issue_payment_voucher(uuid) from public, anon, authenticated;

-- ---------------------------------------------------------------------------------------------
-- Starting a payment (called by the pay-start edge function)
-- ---------------------------------------------------------------------------------------------

-- Records a pending payment before any STK push, or returns the one this request already made.
-- Returns {ok: true, payment_id, status_token, amount_kes, phone, organization_id, plan_name,
-- existing, push: bool (false when an existing payment must not be pushed again)} or
-- {ok: false, error: 'invalid_phone'|'plan_not_sold'|'hotspot_unavailable' (organization
-- suspended)|'router_not_at_site'|'not_configured'|'already_pending'|'too_soon'|'rate_limited',
-- retry_after_seconds}. One push per phone and site per two minutes; the caps per 10-minute
-- window are below.
create function private.pay_start(
  p_site_id uuid,
  p_plan_id uuid,
  p_phone text,
  p_router_id uuid,
  p_client_mac text,
  p_idempotency_key text,
  p_language text,
  p_client_ip text default null,
  p_login_host text default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_phone text := private.normalise_phone(p_phone);
  v_org uuid;
  v_plan public.plans;
  v_mac macaddr;
  v_ip cidr;
  v_router uuid := p_router_id;
  v_existing public.payments;
  v_payment public.payments;
  v_key text := nullif(btrim(coalesce(p_idempotency_key, '')), '');
begin
  if v_phone is null then
    return jsonb_build_object('ok', false, 'error', 'invalid_phone');
  end if;
  if v_key is null or char_length(v_key) > 200 then
    return jsonb_build_object('ok', false, 'error', 'invalid_request');
  end if;
  select s.organization_id into v_org from public.sites s where s.id = p_site_id;
  select pl.* into v_plan
  from public.plans pl
  join public.plan_sites ps on ps.plan_id = pl.id and ps.organization_id = pl.organization_id
  where pl.id = p_plan_id and ps.site_id = p_site_id and pl.active;
  if v_org is null or v_plan.id is null then
    return jsonb_build_object('ok', false, 'error', 'plan_not_sold');
  end if;
  if exists (select 1 from public.organizations o where o.id = v_org and o.suspended_at is not null) then
    return jsonb_build_object('ok', false, 'error', 'hotspot_unavailable');
  end if;
  if p_router_id is not null and not exists (
    select 1 from public.routers r where r.id = p_router_id and r.site_id = p_site_id
  ) then
    return jsonb_build_object('ok', false, 'error', 'router_not_at_site');
  end if;
  -- The router the customer came from, by the login address its hotspot variables name (its
  -- login_host or nas_ip), when the caller did not name it: the per-router cap.
  if v_router is null and btrim(coalesce(p_login_host, '')) <> '' then
    select min(r.id::text)::uuid into v_router from public.routers r
    where r.site_id = p_site_id
      and (r.login_host = lower(btrim(p_login_host)) or host(r.nas_ip) = lower(btrim(p_login_host)))
    having count(*) = 1;
  end if;
  if btrim(coalesce(p_client_mac, '')) <> '' then
    v_mac := private.mac_or_null(p_client_mac);
    if v_mac is null then
      return jsonb_build_object('ok', false, 'error', 'invalid_request');
    end if;
  end if;
  if btrim(coalesce(p_client_ip, '')) <> '' then
    v_ip := private.client_network(p_client_ip);
    if v_ip is null then
      return jsonb_build_object('ok', false, 'error', 'invalid_request');
    end if;
  end if;
  if not exists (select 1 from private.mpesa_settings m where m.organization_id = v_org) then
    return jsonb_build_object('ok', false, 'error', 'not_configured');
  end if;

  -- One decision at a time per phone and site: a double tap with two keys cannot push twice.
  perform pg_advisory_xact_lock(hashtextextended('pay_start:' || v_phone || ':' || p_site_id, 0));

  -- The same form submitted again: the same payment, never a second push.
  select p.* into v_existing from public.payments p
  where p.organization_id = v_org and p.idempotency_key = v_key;
  if found then
    return private.pay_start_answer(v_existing, true, v_plan.name);
  end if;

  -- A push to this phone for this site in the last two minutes (Daraja's result code 17 rule).
  -- Another request never gets that payment: its status token would hand over the code to
  -- whoever typed the phone number. The device is compared only to choose the words: the same
  -- device (MAC) is told its payment is waiting on the phone (already_pending; the portal takes
  -- the browser that started it back to it by its cookie), any other is told to wait.
  select p.* into v_existing from public.payments p
  where p.phone = v_phone and p.site_id = p_site_id
    and p.created_at > now() - interval '2 minutes'
    and p.push_error is null
  order by p.created_at desc
  limit 1;
  if found then
    return jsonb_build_object(
      'ok', false,
      'error', case when v_existing.status = 'pending' and v_existing.client_mac = v_mac
                    then 'already_pending' else 'too_soon' end,
      'retry_after_seconds',
      greatest(1, ceil(extract(epoch from v_existing.created_at + interval '2 minutes' - now())))::int
    );
  end if;

  -- Caps where abuse happens, per 10-minute window, narrowest first: a refused request stops
  -- before the wider buckets, so it never spends another device's, site's or operator's share.
  -- The device (its MAC, per organization) is soft: "wait" (too_soon), as a customer retrying.
  if v_mac is not null and not private.rate_limit_hit('start:device:' || v_org || ':' || v_mac::text, 4, 600) then
    return jsonb_build_object('ok', false, 'error', 'too_soon',
                              'retry_after_seconds', private.rate_limit_wait(600));
  end if;
  -- The client's public address is a whole hotspot behind one NAT: sized for a busy site.
  if (v_ip is not null and not private.rate_limit_hit('start:ip:' || v_ip::text, 60, 600))
     or (v_router is not null and not private.rate_limit_hit('start:router:' || v_router, 60, 600))
     or not private.rate_limit_hit('start:site:' || p_site_id, 120, 600)
     -- Per phone within this organization: another operator's traffic never fills it.
     or not private.rate_limit_hit('start:org-phone:' || v_org || ':' || v_phone, 5, 600)
     -- Platform-wide per phone, 3x one organization's cap: only pushes an organization's own cap
     -- admitted get here, so no single operator can exhaust it.
     or not private.rate_limit_hit('start:phone:' || v_phone, 15, 600) then
    return jsonb_build_object('ok', false, 'error', 'rate_limited',
                              'retry_after_seconds', private.rate_limit_wait(600));
  end if;

  insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes, router_id,
                               client_mac, idempotency_key, status_token, language)
  values (v_org, p_site_id, p_plan_id, v_phone, v_plan.price_kes, v_router, v_mac, v_key,
          encode(extensions.gen_random_bytes(16), 'hex'),
          private.language_or_default(p_language))
  returning * into v_payment;
  return private.pay_start_answer(v_payment, false, v_plan.name);
end;
$$;

revoke all on function private.pay_start(uuid, uuid, text, uuid, text, text, text, text, text) from public, anon, authenticated;

comment on function private.pay_start(uuid, uuid, text, uuid, text, text, text, text, text) is
'Records a pending payment before the STK push, or returns the one this request already made.
Callers: postgres only (edge function pay-start); no API role.
Returns: {ok: true, payment_id, status_token, organization_id, amount_kes, phone, plan_name, status,
push_error, existing, push (false: an existing payment, do not push again)} or {ok: false, error:
invalid_phone | invalid_request (no or > 200 char idempotency key, bad MAC or address) | plan_not_sold |
router_not_at_site | not_configured | already_pending | too_soon | rate_limited, retry_after_seconds?}.
Under an advisory lock per phone and site: same idempotency key = same payment; a push to that
phone and site in the last 2 minutes (another key) never returns that payment: already_pending
when it is pending and from the same device MAC, else too_soon;
per 10 minutes: 4 per device MAC in the organization (too_soon), then 60 per client address, 60
per router, 120 per site, 5 per phone in the organization, 15 per phone platform-wide
(rate_limited); retry_after_seconds = the rest of the window. p_client_ip: the customer''s public
address (the portal''s trusted X-Forwarded-For); p_login_host: the hotspot''s login address, which
names the router (login_host or nas_ip, one router of the site) when p_router_id is null.';

-- pay_start's answer for a payment.
create function private.pay_start_answer(p_payment public.payments, p_existing boolean, p_plan_name text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'ok', true,
    'payment_id', p_payment.id,
    'status_token', p_payment.status_token,
    'organization_id', p_payment.organization_id,
    'amount_kes', p_payment.amount_kes,
    'phone', p_payment.phone,
    'plan_name', p_plan_name,
    'status', p_payment.status,
    'push_error', p_payment.push_error,
    'existing', p_existing,
    'push', not p_existing
  )
$$;

revoke all on function private.pay_start_answer(public.payments, boolean, text) from public, anon, authenticated;

-- Stores what Daraja answered to the STK push: the CheckoutRequestID (a callback that came
-- first may have set it already: it must agree), or the error that failed the payment.
create function private.pay_push_result(
  p_payment_id uuid,
  p_checkout_request_id text,
  p_merchant_request_id text,
  p_error text
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_payment public.payments;
begin
  select p.* into v_payment from public.payments p where p.id = p_payment_id for update;
  if not found then
    raise exception 'payment % not found', p_payment_id
      using errcode = 'P0002', hint = 'payment_not_found';
  end if;
  if p_error is not null then
    update public.payments p
    set push_error = left(p_error, 500),
        status = case when p.status = 'pending' then 'failed' else p.status end,
        result_desc = coalesce(p.result_desc, left(p_error, 500))
    where p.id = p_payment_id and p.checkout_request_id is null
    returning p.* into v_payment;
  elsif v_payment.checkout_request_id is null then
    update public.payments p
    set checkout_request_id = p_checkout_request_id,
        merchant_request_id = coalesce(p.merchant_request_id, p_merchant_request_id)
    where p.id = p_payment_id
    returning p.* into v_payment;
  end if;
  return jsonb_build_object('status', v_payment.status, 'checkout_request_id',
                            v_payment.checkout_request_id);
end;
$$;

revoke all on function private.pay_push_result(uuid, text, text, text) from public, anon, authenticated;

comment on function private.pay_push_result(uuid, text, text, text) is
'Stores Daraja''s answer to the STK push: the CheckoutRequestID (kept as it is when a callback
that came first set it), or p_error, which fails the payment (push_error) if it is still pending
and has no checkout yet.
Callers: postgres only (edge function pay-start); no API role.
Returns: {status, checkout_request_id}.
Errors: P0002 unknown payment.';

-- ---------------------------------------------------------------------------------------------
-- Settlement: the one place a payment's outcome is decided
-- ---------------------------------------------------------------------------------------------

-- Settles a payment from a callback, an STK Query answer or a support action, in the caller's
-- single transaction. Matches by CheckoutRequestID (or, for a callback that beat the STK push
-- response, by the payment id its URL was signed for). ResultCode 0 with a receipt always wins,
-- even over timeout/failed/cancelled; success is final; a duplicate is a no-op; the voucher is
-- issued exactly once (payment row lock + voucher_id check). A success with the wrong amount or
-- phone, or matching nothing, is kept as an unmatched receipt instead of being credited.
-- Returns {outcome, payment_id, status, voucher_id}. outcome: success | duplicate | recorded
-- (failure stored) | ignored (nothing to change) | unmatched | mismatch | replay.
create function private.settle_payment(
  p_payment_id uuid,
  p_checkout_request_id text,
  p_result_code text,
  p_result_desc text,
  p_amount numeric,
  p_receipt text,
  p_phone text,
  p_via text
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_payment public.payments;
  v_status text := private.payment_status_for(p_result_code);
  v_receipt text := nullif(upper(btrim(coalesce(p_receipt, ''))), '');
  v_phone text := private.normalise_phone(p_phone);
  v_code integer := case when btrim(coalesce(p_result_code, '')) ~ '^-?[0-9]{1,9}$'
                         then btrim(p_result_code)::integer end;
  v_amount integer := case when p_amount is not null and p_amount = trunc(p_amount)
                                and p_amount between 0 and 2147483647
                           then p_amount::integer end;
  v_reason text;
  v_org uuid;
  v_site uuid;
  v_issued jsonb;
  v_voucher_id uuid;
begin
  -- A signed callback (and the reconciler) name the payment: only that payment can be settled,
  -- so one leaked callback URL cannot touch any other payment.
  if p_payment_id is not null then
    select p.* into v_payment from public.payments p where p.id = p_payment_id for update;
    if v_payment.id is not null and v_payment.checkout_request_id is not null
       and p_checkout_request_id is not null
       and v_payment.checkout_request_id <> p_checkout_request_id then
      -- Signed for this payment but about another checkout: keep the money, touch nothing.
      v_org := v_payment.organization_id;
      v_site := v_payment.site_id;
      v_payment := null;
    end if;
  elsif p_checkout_request_id is not null then
    select p.* into v_payment from public.payments p
    where p.checkout_request_id = p_checkout_request_id
    for update;
  end if;

  if v_payment.id is null then
    if v_status = 'success' and v_receipt is not null and v_amount is not null then
      insert into private.unmatched_receipts (receipt, organization_id, site_id, phone, amount_kes, reason)
      select v_receipt, o.id, v_site, v_phone, v_amount, 'no_payment'
      from public.organizations o where o.id = v_org
      on conflict (receipt, organization_id) do nothing;
      if found then
        return jsonb_build_object('outcome', 'unmatched');
      end if;
      return jsonb_build_object('outcome', case when v_org is null then 'ignored' else 'replay' end);
    end if;
    return jsonb_build_object('outcome', 'ignored');
  end if;

  -- The callback beat the push response: it names the checkout, so remember it now.
  if v_payment.checkout_request_id is null and p_checkout_request_id is not null then
    update public.payments p set checkout_request_id = p_checkout_request_id
    where p.id = v_payment.id returning p.* into v_payment;
  end if;

  if v_status <> 'success' then
    if v_payment.status = 'pending' then
      update public.payments p
      set status = v_status, result_code = v_code, result_code_raw = btrim(p_result_code),
          result_desc = left(p_result_desc, 500), via = p_via
      where p.id = v_payment.id;
      return jsonb_build_object('outcome', 'recorded', 'payment_id', v_payment.id, 'status', v_status);
    end if;
    return jsonb_build_object('outcome', 'ignored', 'payment_id', v_payment.id,
                              'status', v_payment.status);
  end if;

  -- Success from here on.
  if v_receipt is null and p_via <> 'query' and p_via <> 'admin' then
    -- ResultCode 0 without a receipt in a callback proves nothing: ask Daraja later.
    return jsonb_build_object('outcome', 'ignored', 'payment_id', v_payment.id,
                              'status', v_payment.status);
  end if;

  if v_payment.status = 'success' then
    if v_receipt is null or v_receipt = v_payment.mpesa_receipt then
      return jsonb_build_object('outcome', 'duplicate', 'payment_id', v_payment.id,
                                'status', 'success', 'voucher_id', v_payment.voucher_id);
    end if;
    if v_payment.mpesa_receipt is null and v_payment.receipt_missing then
      -- Settled by STK Query earlier; the callback brings the receipt.
      if exists (select 1 from public.payments p
                 where p.mpesa_receipt = v_receipt and p.organization_id = v_payment.organization_id) then
        return jsonb_build_object('outcome', 'replay', 'payment_id', v_payment.id);
      end if;
      update public.payments p
      set mpesa_receipt = v_receipt, receipt_missing = false
      where p.id = v_payment.id;
      return jsonb_build_object('outcome', 'duplicate', 'payment_id', v_payment.id,
                                'status', 'success', 'voucher_id', v_payment.voucher_id);
    end if;
    v_reason := 'second_payment';
  elsif v_receipt is not null
        and (exists (select 1 from public.payments p
                     where p.mpesa_receipt = v_receipt and p.organization_id = v_payment.organization_id)
             or exists (select 1 from private.unmatched_receipts u
                        where u.receipt = v_receipt and u.organization_id = v_payment.organization_id)) then
    -- Already credited, or kept to be redeemed, here: the same money never buys twice. The same
    -- receipt at another organization is not a replay of ours: it is kept and raises a receipt
    -- alert (private.receipt_cross_check), so no operator can pre-claim another's receipt.
    return jsonb_build_object('outcome', 'replay', 'payment_id', v_payment.id);
  elsif v_amount is distinct from v_payment.amount_kes and not (p_via = 'query' and p_amount is null) then
    v_reason := 'amount_mismatch';
  elsif v_phone is not null and v_phone <> v_payment.phone then
    v_reason := 'phone_mismatch';
  end if;

  if v_reason is not null then
    if v_receipt is not null and v_amount is not null then
      insert into private.unmatched_receipts (receipt, organization_id, site_id, payment_id, phone,
                                              amount_kes, reason)
      values (v_receipt, v_payment.organization_id, v_payment.site_id, v_payment.id,
              coalesce(v_phone, v_payment.phone), v_amount, v_reason)
      on conflict (receipt, organization_id) do nothing;
    end if;
    if v_payment.status = 'pending' then
      update public.payments p
      set status = 'failed', result_code = v_code, result_code_raw = btrim(p_result_code),
          result_desc = left(v_reason || ': paid ' || coalesce(v_amount::text, '?') || ' KES from '
                             || coalesce(v_phone, '?') || ', receipt ' || coalesce(v_receipt, '?'), 500),
          via = p_via
      where p.id = v_payment.id;
    end if;
    return jsonb_build_object('outcome', 'mismatch', 'payment_id', v_payment.id, 'reason', v_reason);
  end if;

  begin
    -- One write of the payment row: paid, with its voucher and customer.
    v_issued := case when v_payment.voucher_id is null
                     then private.create_payment_voucher(v_payment, v_receipt) end;
    update public.payments p
    set status = 'success',
        mpesa_receipt = v_receipt,
        receipt_missing = v_receipt is null,
        result_code = 0,
        result_code_raw = btrim(p_result_code),
        result_desc = left(p_result_desc, 500),
        via = p_via,
        voucher_id = coalesce(p.voucher_id, (v_issued ->> 'voucher_id')::uuid),
        customer_id = coalesce((v_issued ->> 'customer_id')::uuid, p.customer_id)
    where p.id = v_payment.id
    returning p.voucher_id into v_voucher_id;
    return jsonb_build_object('outcome', 'success', 'payment_id', v_payment.id, 'status', 'success',
                              'voucher_id', v_voucher_id);
  exception when check_violation or foreign_key_violation then
    -- The plan was switched off or deleted since the push: the money stays redeemable.
    if v_receipt is not null then
      insert into private.unmatched_receipts (receipt, organization_id, site_id, payment_id, phone,
                                              amount_kes, reason)
      values (v_receipt, v_payment.organization_id, v_payment.site_id, v_payment.id,
              v_payment.phone, coalesce(v_amount, v_payment.amount_kes), 'plan_unavailable')
      on conflict (receipt, organization_id) do nothing;
    end if;
    if v_payment.status = 'pending' then
      update public.payments p
      set status = 'failed', result_code = v_code, result_code_raw = btrim(p_result_code),
          result_desc = left('plan_unavailable: ' || sqlerrm, 500), via = p_via
      where p.id = v_payment.id;
    end if;
    return jsonb_build_object('outcome', 'mismatch', 'payment_id', v_payment.id,
                              'reason', 'plan_unavailable');
  end;
end;
$$;

revoke all on function private.settle_payment(uuid, text, text, text, numeric, text, text, text)
  from public, anon, authenticated;

comment on function private.settle_payment(uuid, text, text, text, numeric, text, text, text) is
'The one place a payment''s outcome is decided, in the caller''s transaction under the payment''s
row lock. Given p_payment_id (a signed callback URL, the reconciler) only that payment is
settled. Result 0 with a receipt (via query or admin: without one, receipt_missing) = success,
also over failed/cancelled/timeout, voucher issued once; wrong amount or phone, another checkout
or a plan gone = kept in private.unmatched_receipts (redeemable once Transaction Status confirms
it), not credited; a receipt already used in the same organization = replay (at another
organization it is kept and raises a receipt alert, private.receipt_cross_check); 1032 cancelled, 1037/1019 timeout, other codes failed; success is final.
Callers: postgres only (pay_callback, edge function pay-reconcile with p_via query); no API role.
Returns: {outcome: success | duplicate | recorded | ignored | unmatched | mismatch | replay,
payment_id?, status?, voucher_id?, reason? (mismatch)}.';

-- Counts one junk callback and keeps it as a sample while its hour has fewer than 5. Counters
-- and samples go with the retention job (30 days: private.retention_policies).
create function private.callback_junk(p_kind text, p_reason text, p_ref text, p_body text)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_hour timestamptz := date_trunc('hour', now());
  v_hits bigint;
begin
  insert into private.callback_junk as j (kind, reason, hour, hits)
  values (p_kind, p_reason, v_hour, 1)
  on conflict (kind, reason, hour) do update set hits = j.hits + 1
  returning j.hits into v_hits;
  if v_hits <= 5 then
    insert into private.callback_junk_samples (kind, reason, hour, ref, body)
    values (p_kind, p_reason, v_hour, left(p_ref, 100), left(coalesce(p_body, ''), 1024));
  end if;
  return v_hits;
end;
$$;

revoke all on function private.callback_junk(text, text, text, text) from public, anon, authenticated;

comment on function private.callback_junk(text, text, text, text) is
'Counts a junk callback in private.callback_junk (kind stk | c2b | status; reason forged | malformed |
oversized | expired) and keeps the first 5 per kind, reason and hour in
private.callback_junk_samples (body cut to 1,024 characters); the retention job deletes
counters and samples after 30 days (private.retention_run).
Callers: postgres only (pay_callback; edge functions pay-c2b, pay-verify); no API role.
Returns: the hour''s count so far.';

-- An STK callback, exactly as the pay-notify function received it. Junk (p_verdict forged,
-- malformed or oversized, or a signed URL whose payment settled longer ago than the platform's
-- callback_url_hours) is only counted (private.callback_junk): a flood costs no rows. A real
-- one is stored raw first, then settled in a subtransaction, so a failure while settling still
-- leaves the callback stored with verdict 'error' for review. p_parsed holds
-- {checkout_request_id, merchant_request_id, result_code, result_desc, amount, receipt, phone}.
create function private.pay_callback(p_payment_id uuid, p_body text, p_verdict text, p_parsed jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id bigint;
  v_result jsonb;
  v_org uuid;
  v_settled_at timestamptz;
begin
  if p_verdict <> 'received' or p_parsed is null then
    perform private.callback_junk('stk', p_verdict, p_payment_id::text, p_body);
    return jsonb_build_object('outcome', p_verdict);
  end if;
  select p.organization_id, p.settled_at into v_org, v_settled_at
  from public.payments p where p.id = p_payment_id;
  if v_settled_at < now() - (select make_interval(hours => s.callback_url_hours)
                             from private.platform_settings s) then
    perform private.callback_junk('stk', 'expired', p_payment_id::text, p_body);
    return jsonb_build_object('outcome', 'expired');
  end if;
  insert into private.payment_callbacks (kind, payment_id, organization_id, checkout_request_id,
                                         receipt, verdict, body)
  values ('stk', p_payment_id, v_org, left(p_parsed ->> 'checkout_request_id', 100),
          left(p_parsed ->> 'receipt', 40), p_verdict, left(coalesce(p_body, ''), 65536))
  returning id into v_id;
  begin
    v_result := private.settle_payment(
      p_payment_id,
      p_parsed ->> 'checkout_request_id',
      p_parsed ->> 'result_code',
      p_parsed ->> 'result_desc',
      (p_parsed ->> 'amount')::numeric,
      p_parsed ->> 'receipt',
      p_parsed ->> 'phone',
      'callback'
    );
  exception when others then
    update private.payment_callbacks c set verdict = 'error', detail = left(sqlerrm, 500)
    where c.id = v_id;
    return jsonb_build_object('outcome', 'error', 'callback_id', v_id);
  end;
  update private.payment_callbacks c set verdict = v_result ->> 'outcome' where c.id = v_id;
  return v_result || jsonb_build_object('callback_id', v_id);
end;
$$;

revoke all on function private.pay_callback(uuid, text, text, jsonb) from public, anon, authenticated;

comment on function private.pay_callback(uuid, text, text, jsonb) is
'An STK callback as pay-notify received it. p_verdict forged | malformed | oversized, or a
signed URL whose payment settled more than platform_settings.callback_url_hours (48) ago
(outcome expired): counted by private.callback_junk, not stored. Otherwise (p_verdict received,
p_parsed {checkout_request_id, merchant_request_id, result_code, result_desc, amount, receipt,
phone}) the raw body (first 64 KiB) is stored in private.payment_callbacks and settled by
settle_payment in a subtransaction, and its outcome becomes the verdict (a failure: verdict
error, the callback stays stored).
Callers: postgres only (edge function pay-notify); no API role.
Returns: settle_payment''s answer plus callback_id, {outcome: error, callback_id}, or
{outcome: forged | malformed | oversized | expired} (nothing stored).';

-- Pending payments for the reconciler: older than p_older_than_seconds, oldest first.
create function private.pay_reconcile_candidates(p_older_than_seconds integer, p_limit integer)
returns table (payment_id uuid, organization_id uuid, checkout_request_id text, age_seconds integer)
language sql
stable
security definer
set search_path = ''
as $$
  select p.id, p.organization_id, p.checkout_request_id,
         extract(epoch from now() - p.created_at)::integer
  from public.payments p
  where p.status = 'pending'
    and p.created_at < now() - make_interval(secs => p_older_than_seconds)
  order by p.created_at
  limit p_limit
$$;

revoke all on function private.pay_reconcile_candidates(integer, integer) from public, anon, authenticated;

comment on function private.pay_reconcile_candidates(integer, integer) is
'Pending payments older than p_older_than_seconds, oldest first, at most p_limit.
Callers: postgres only (edge function pay-reconcile); no API role.
Returns: rows (payment_id, organization_id, checkout_request_id, age_seconds).';

-- Marks a still-pending payment as timed out (a later success callback can still overturn it).
create function private.pay_mark_timeout(p_payment_id uuid, p_reason text)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.payments p
  set status = 'timeout', result_desc = left(p_reason, 500), via = 'query'
  where p.id = p_payment_id and p.status = 'pending';
  return found;
end;
$$;

revoke all on function private.pay_mark_timeout(uuid, text) from public, anon, authenticated;

comment on function private.pay_mark_timeout(uuid, text) is
'Marks a still-pending payment timeout (result_desc p_reason, via query); a later success
callback can still overturn it.
Callers: postgres only (edge function pay-reconcile); no API role.
Returns: true when the payment was pending and is now timeout.';

-- Payments filtered by status, newest first (the admin's list; npm run bench:admin).
create index payments_status_idx on public.payments (organization_id, status, created_at desc);

-- Resume looks a device's payments up on every portal visit.
create index payments_client_mac_idx on public.payments (client_mac, created_at desc)
  where client_mac is not null;

-- dashboard_alerts: STK pushes that failed (push_error set) in the last hour, and SMS that
-- failed in the last day. Few rows match either, so the partial indexes stay small and neither
-- query reads the organization's other payments or messages of that period.
create index payments_push_error_idx on public.payments (organization_id, created_at)
  where push_error is not null;

-- The customers list, newest first, keyset-paged by (created_at, id).
create index customers_organization_created_idx
  on public.customers (organization_id, created_at desc, id desc);

-- Customers found by the last digits of their phone number, through a trigram index. Under
-- row-level security `like` (not leakproof) stays out of index conditions, so a plain query
-- reads every customer of the organization (as for vouchers_code_trgm_idx).
create index customers_phone_trgm_idx on public.customers using gin (phone extensions.gin_trgm_ops);
