-- M-Pesa payments end to end: per-organization M-Pesa and SMS settings (write-only secrets),
-- starting a payment (idempotency key, two-minute guard, rate limits), raw callback storage,
-- settlement in one SQL function, unmatched receipts, receipt recovery, the Daraja OAuth token
-- cache and the SMS outbox queue. The edge functions (supabase/functions/pay-*, sms-dispatch)
-- connect as `postgres` through SUPABASE_DB_URL and call the private.* functions below; the
-- API roles reach only the narrow public RPCs (settings, payment status, receipt recovery,
-- support actions).
--
-- All state (tokens, rate limits, idempotency keys) lives here, none in function memory.

-- ---------------------------------------------------------------------------------------------
-- Settings
-- ---------------------------------------------------------------------------------------------

-- An organization's Daraja (M-Pesa Express) credentials. Secrets are write-only through the API:
-- owners set them with set_mpesa_settings(), payment_settings() shows only their last characters.
create table private.mpesa_settings (
  organization_id uuid primary key references public.organizations (id) on delete cascade,
  environment text not null default 'sandbox' check (environment in ('sandbox', 'production')),
  -- BusinessShortCode: the paybill, or the store / head-office number of a till.
  shortcode text not null check (shortcode ~ '^[0-9]{5,7}$'),
  account_type text not null default 'paybill' check (account_type in ('paybill', 'till')),
  till_number text check (till_number ~ '^[0-9]{5,8}$'),
  passkey text not null check (char_length(passkey) between 8 and 200),
  consumer_key text not null check (char_length(consumer_key) between 4 and 200),
  consumer_secret text not null check (char_length(consumer_secret) between 4 and 200),
  updated_at timestamptz not null default now(),
  updated_by uuid,
  check (account_type = 'paybill' or till_number is not null)
);
alter table private.mpesa_settings enable row level security;
revoke all on table private.mpesa_settings from public, anon, authenticated, service_role;

-- An organization's Africa's Talking account for SMS (username, write-only API key, sender id).
create table private.sms_settings (
  organization_id uuid primary key references public.organizations (id) on delete cascade,
  username text not null check (username ~ '^[A-Za-z0-9_.-]{1,100}$'),
  api_key text not null check (char_length(api_key) between 8 and 200),
  sender_id text check (sender_id ~ '^[A-Za-z0-9 ]{1,11}$'),
  updated_at timestamptz not null default now(),
  updated_by uuid
);
alter table private.sms_settings enable row level security;
revoke all on table private.sms_settings from public, anon, authenticated, service_role;

-- The one cached Daraja access token per organization. Daraja invalidates the previous token
-- when a new one is issued, so every function instance shares this row and refreshes it while
-- holding its row lock (supabase/functions/_shared/daraja-token.ts).
create table private.daraja_tokens (
  organization_id uuid primary key references public.organizations (id) on delete cascade,
  access_token text,
  expires_at timestamptz,
  refreshed_at timestamptz,
  refresh_count integer not null default 0
);
alter table private.daraja_tokens enable row level security;
revoke all on table private.daraja_tokens from public, anon, authenticated, service_role;

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
create index rate_limits_window_start_idx on private.rate_limits (window_start);

-- Every callback as it arrived (body capped at 64 KiB), stored before it is processed, with
-- what became of it: ok, duplicate, forged, malformed, unmatched, mismatch, error, ...
create table private.payment_callbacks (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('stk', 'c2b')),
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
create index payment_callbacks_payment_id_idx on private.payment_callbacks (payment_id);
create index payment_callbacks_received_at_idx on private.payment_callbacks (received_at);

-- Money received that bought nothing yet: a success callback matching no payment, a wrong
-- amount or phone, a C2B (till/paybill) payment made by hand. Redeemable once by receipt code
-- and paying phone (public.recover_voucher); admins see them through their support RPCs.
create table private.unmatched_receipts (
  receipt text primary key check (receipt ~ '^[A-Z0-9]{6,20}$'),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  site_id uuid references public.sites (id) on delete set null,
  payment_id uuid references public.payments (id) on delete set null,
  phone text check (phone ~ '^\+254[17][0-9]{8}$'),
  amount_kes integer not null check (amount_kes >= 0),
  reason text not null
    check (reason in ('no_payment', 'amount_mismatch', 'phone_mismatch', 'second_payment',
                      'plan_unavailable', 'c2b')),
  received_at timestamptz not null default now(),
  redeemed_at timestamptz,
  redeemed_payment_id uuid references public.payments (id) on delete set null,
  overpaid_kes integer check (overpaid_kes >= 0),
  -- C2B: how M-Pesa described the payer (masked '2547 ***** 678' or a SHA-256 hex hash).
  msisdn_hint text check (char_length(msisdn_hint) <= 100),
  -- Refunded by hand (support): can no longer be redeemed.
  refunded_at timestamptz,
  refunded_by uuid,
  note text check (char_length(note) <= 500)
);
alter table private.unmatched_receipts enable row level security;
revoke all on table private.unmatched_receipts from public, anon, authenticated, service_role;
create index unmatched_receipts_organization_id_idx
  on private.unmatched_receipts (organization_id, received_at desc);

-- ---------------------------------------------------------------------------------------------
-- Columns on payments and sms_outbox
-- ---------------------------------------------------------------------------------------------

-- status_token: the unguessable handle the portal polls with; language: the customer's portal
-- language (SMS); push_error: why the STK push was not accepted; via: what settled it;
-- receipt_missing: settled as paid by STK Query, receipt still unknown; result_code_raw: the
-- result code as Daraja sent it (some are strings, e.g. SFC_IC0003).
alter table public.payments
  add column status_token text unique check (status_token ~ '^[0-9a-f]{32}$'),
  add column language text not null default 'en' check (language in ('en', 'sw')),
  add column push_error text,
  add column via text check (via in ('callback', 'query', 'receipt', 'c2b', 'admin')),
  add column receipt_missing boolean not null default false,
  add column result_code_raw text,
  add column overpaid_kes integer check (overpaid_kes >= 0);
create index payments_phone_site_idx on public.payments (phone, site_id, created_at desc);

-- SMS queue: retries with backoff (next_attempt_at), the provider's answer per recipient.
alter table public.sms_outbox
  add column payment_id uuid references public.payments (id) on delete set null,
  add column next_attempt_at timestamptz not null default now(),
  add column provider_status jsonb;
create index sms_outbox_due_idx on public.sms_outbox (next_attempt_at) where status = 'queued';
create index sms_outbox_payment_id_idx on public.sms_outbox (payment_id);

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------

-- A Kenyan mobile number as typed (07…, 01…, 7…, 254…, +254…, with spaces or dashes) in E.164,
-- or null. Same rules as normalizeKenyanPhone() in supabase/functions/_shared/domain/phone.ts.
create function private.normalise_phone(p_input text)
returns text
language sql
immutable
security definer
set search_path = ''
as $$
  select case
    when c ~ '^\+254[17][0-9]{8}$' then c
    when c ~ '^254[17][0-9]{8}$' then '+' || c
    when c ~ '^0[17][0-9]{8}$' then '+254' || substr(c, 2)
    when c ~ '^[17][0-9]{8}$' then '+254' || c
  end
  from (select regexp_replace(coalesce(p_input, ''), '[\s().-]', '', 'g') as c) s
$$;
revoke all on function private.normalise_phone(text) from public, anon, authenticated;

-- Counts one hit in the bucket's current window and says whether it is still within p_limit.
-- Old windows are pruned now and then by the caller that opens a new one.
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
  if v_hits = 1 and random() < 0.01 then
    delete from private.rate_limits where window_start < now() - interval '1 day';
  end if;
  return v_hits <= p_limit;
end;
$$;
revoke all on function private.rate_limit_hit(text, integer, integer) from public, anon, authenticated;

-- Payment outcome for a Daraja result code: 0 paid, 1032 cancelled by the customer, 1037 and
-- 1019 no answer in time, anything else failed (codes can be strings such as SFC_IC0003).
create function private.payment_status_for(p_result_code text)
returns text
language sql
immutable
security definer
set search_path = ''
as $$
  select case btrim(coalesce(p_result_code, ''))
    when '0' then 'success'
    when '1032' then 'cancelled'
    when '1037' then 'timeout'
    when '1019' then 'timeout'
    else 'failed'
  end
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

-- The voucher SMS in the customer's language (one GSM-7 part for ordinary names).
create function private.voucher_sms_body(p_language text, p_code text, p_plan text, p_site text,
                                         p_receipt text)
returns text
language sql
immutable
security definer
set search_path = ''
as $$
  select left(case p_language
    when 'sw' then 'Vocha yako ya WiFi: ' || p_code || ' (' || p_plan || ') kwa ' || p_site
                   || coalesce('. Risiti ya M-Pesa ' || p_receipt, '') || '. Asante!'
    else 'Your WiFi voucher: ' || p_code || ' (' || p_plan || ') at ' || p_site
         || coalesce('. M-Pesa receipt ' || p_receipt, '') || '. Thank you!'
  end, 918)
$$;
revoke all on function private.voucher_sms_body(text, text, text, text, text) from public, anon, authenticated;

-- Creates what a paid payment buys, without touching the payment row (the caller records
-- voucher_id and customer_id in the same update that marks it paid, so the row is written once):
-- the customer (upserted), the voucher with the plan's frozen limits, the paying device's MAC
-- bound to it (so the device can log in by MAC) and the SMS in the customer's language.
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
  if p_payment.client_mac is not null then
    insert into radius.voucher_devices (voucher_id, mac)
    values (v_voucher.id, radius.normalise_mac(p_payment.client_mac::text))
    on conflict do nothing;
  end if;
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

-- Trigger: tells the local stack (and anything else LISTENing) that an SMS is waiting. In
-- production a Supabase database webhook on sms_outbox inserts calls sms-dispatch instead.
create function private.notify_sms_outbox()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform pg_notify('sms_outbox', '');
  return null;
end;
$$;
revoke all on function private.notify_sms_outbox() from public, anon, authenticated;

create trigger sms_outbox_notify after insert on public.sms_outbox
  for each statement execute function private.notify_sms_outbox();

-- ---------------------------------------------------------------------------------------------
-- Starting a payment (called by the pay-start edge function)
-- ---------------------------------------------------------------------------------------------

-- Records a pending payment before any STK push, or returns the one this request already made.
-- Returns {ok: true, payment_id, status_token, amount_kes, phone, organization_id, plan_name,
-- existing, push: bool (false when an existing payment must not be pushed again)} or
-- {ok: false, error: 'invalid_phone'|'plan_not_sold'|'router_not_at_site'|'not_configured'|
-- 'too_soon'|'rate_limited', retry_after_seconds}. Limits: phone 5, MAC 5 per 10 minutes;
-- router 30 per minute; one push per phone and site per two minutes.
create function private.pay_start(
  p_site_id uuid,
  p_plan_id uuid,
  p_phone text,
  p_router_id uuid,
  p_client_mac text,
  p_idempotency_key text,
  p_language text
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
  if p_router_id is not null and not exists (
    select 1 from public.routers r where r.id = p_router_id and r.site_id = p_site_id
  ) then
    return jsonb_build_object('ok', false, 'error', 'router_not_at_site');
  end if;
  if p_client_mac is not null and btrim(p_client_mac) <> '' then
    begin
      v_mac := btrim(p_client_mac)::macaddr;
    exception when others then
      return jsonb_build_object('ok', false, 'error', 'invalid_request');
    end;
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
  select p.* into v_existing from public.payments p
  where p.phone = v_phone and p.site_id = p_site_id
    and p.created_at > now() - interval '2 minutes'
    and p.push_error is null
  order by p.created_at desc
  limit 1;
  if found then
    if v_existing.status = 'pending' and v_existing.plan_id = p_plan_id then
      return private.pay_start_answer(v_existing, true, v_plan.name);
    end if;
    return jsonb_build_object(
      'ok', false, 'error', 'too_soon',
      'retry_after_seconds',
      greatest(1, ceil(extract(epoch from v_existing.created_at + interval '2 minutes' - now())))::int
    );
  end if;

  if not private.rate_limit_hit('start:phone:' || v_phone, 5, 600)
     or (v_mac is not null and not private.rate_limit_hit('start:mac:' || v_mac::text, 5, 600))
     or (p_router_id is not null and not private.rate_limit_hit('start:router:' || p_router_id, 30, 60)) then
    return jsonb_build_object('ok', false, 'error', 'rate_limited', 'retry_after_seconds', 60);
  end if;

  insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes, router_id,
                               client_mac, idempotency_key, status_token, language)
  values (v_org, p_site_id, p_plan_id, v_phone, v_plan.price_kes, p_router_id, v_mac, v_key,
          encode(extensions.gen_random_bytes(16), 'hex'),
          case when p_language = 'sw' then 'sw' else 'en' end)
  returning * into v_payment;
  return private.pay_start_answer(v_payment, false, v_plan.name);
end;
$$;
revoke all on function private.pay_start(uuid, uuid, text, uuid, text, text, text) from public, anon, authenticated;

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
    raise exception 'payment % not found', p_payment_id using errcode = 'P0002';
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

-- Daraja credentials of an organization, for the functions only (never through the API).
create function private.mpesa_credentials(p_organization_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select to_jsonb(m) from private.mpesa_settings m where m.organization_id = p_organization_id
$$;
revoke all on function private.mpesa_credentials(uuid) from public, anon, authenticated;

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
      on conflict (receipt) do nothing;
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
      if exists (select 1 from public.payments p where p.mpesa_receipt = v_receipt) then
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
        and (exists (select 1 from public.payments p where p.mpesa_receipt = v_receipt)
             or exists (select 1 from private.unmatched_receipts u where u.receipt = v_receipt)) then
    -- Already credited, or kept to be redeemed: the same money never buys twice.
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
      on conflict (receipt) do nothing;
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
      on conflict (receipt) do nothing;
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

-- An STK callback, exactly as the pay-notify function received it: stores the raw body first,
-- then (when the function could parse it) settles in a subtransaction, so a failure while
-- settling still leaves the callback stored with verdict 'error' for review. p_parsed holds
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
begin
  select p.organization_id into v_org from public.payments p where p.id = p_payment_id;
  insert into private.payment_callbacks (kind, payment_id, organization_id, checkout_request_id,
                                         receipt, verdict, body)
  values ('stk', p_payment_id, v_org, left(p_parsed ->> 'checkout_request_id', 100),
          left(p_parsed ->> 'receipt', 40), p_verdict, left(coalesce(p_body, ''), 65536))
  returning id into v_id;
  if p_verdict <> 'received' or p_parsed is null then
    return jsonb_build_object('outcome', p_verdict, 'callback_id', v_id);
  end if;
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

-- ---------------------------------------------------------------------------------------------
-- SMS queue (called by the sms-dispatch edge function)
-- ---------------------------------------------------------------------------------------------

-- Claims up to p_limit due messages (skipping ones another dispatcher holds): each gets one
-- more attempt and is hidden for a lease of 60 s; returns them with their organization's SMS
-- settings (null when the organization has none).
create function private.sms_claim(p_limit integer)
returns table (id uuid, organization_id uuid, to_phone text, body text, attempts integer,
               username text, api_key text, sender_id text)
language plpgsql
security definer
set search_path = ''
as $$
begin
  return query
  with due as (
    select o.id from public.sms_outbox o
    where o.status = 'queued' and o.next_attempt_at <= now()
    order by o.next_attempt_at
    limit p_limit
    for update skip locked
  ), claimed as (
    update public.sms_outbox o
    set attempts = o.attempts + 1, next_attempt_at = now() + interval '60 seconds'
    from due where o.id = due.id
    returning o.id, o.organization_id, o.to_phone, o.body, o.attempts
  )
  select c.id, c.organization_id, c.to_phone, c.body, c.attempts, s.username, s.api_key, s.sender_id
  from claimed c
  left join private.sms_settings s on s.organization_id = c.organization_id;
end;
$$;
revoke all on function private.sms_claim(integer) from public, anon, authenticated;

-- Records a send attempt: 'sent' (with the provider's message id), 'retry' (transport error or
-- 5xx: again after 30 s, 2 min, 8 min, 32 min; failed after 5 attempts) or 'failed' (final,
-- e.g. a recipient the provider refused). p_provider_status is the provider's per-recipient answer.
create function private.sms_result(p_id uuid, p_outcome text, p_message_id text, p_error text,
                                   p_provider_status jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.sms_outbox o
  set status = case
        when p_outcome = 'sent' then 'sent'
        when p_outcome = 'failed' or o.attempts >= 5 then 'failed'
        else 'queued' end,
      sent_at = case when p_outcome = 'sent' then now() end,
      provider_message_id = coalesce(left(p_message_id, 200), o.provider_message_id),
      last_error = left(p_error, 500),
      provider_status = p_provider_status,
      next_attempt_at = now() + make_interval(secs => 30 * power(4, greatest(o.attempts - 1, 0)))
  where o.id = p_id and o.status = 'queued';
end;
$$;
revoke all on function private.sms_result(uuid, text, text, text, jsonb) from public, anon, authenticated;

-- ---------------------------------------------------------------------------------------------
-- Public RPCs
-- ---------------------------------------------------------------------------------------------

-- Sets the organization's M-Pesa settings (owners only). Null secrets keep the stored ones, so
-- the admin app can change the shortcode without re-typing the passkey; a first save needs all.
-- Returns payment_settings(). Bad values → 22023; not an owner → 42501.
create function public.set_mpesa_settings(
  p_organization_id uuid,
  p_environment text,
  p_shortcode text,
  p_account_type text,
  p_till_number text default null,
  p_passkey text default null,
  p_consumer_key text default null,
  p_consumer_secret text default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not private.has_role(p_organization_id, 'owner') then
    raise exception 'only owners can change M-Pesa settings' using errcode = '42501';
  end if;
  begin
    update private.mpesa_settings m
    set environment = coalesce(p_environment, 'sandbox'),
        shortcode = btrim(p_shortcode),
        account_type = coalesce(p_account_type, 'paybill'),
        till_number = nullif(btrim(p_till_number), ''),
        passkey = coalesce(btrim(p_passkey), m.passkey),
        consumer_key = coalesce(btrim(p_consumer_key), m.consumer_key),
        consumer_secret = coalesce(btrim(p_consumer_secret), m.consumer_secret),
        updated_at = now(),
        updated_by = auth.uid()
    where m.organization_id = p_organization_id;
    if not found then
      insert into private.mpesa_settings (organization_id, environment, shortcode, account_type,
        till_number, passkey, consumer_key, consumer_secret, updated_by)
      values (p_organization_id, coalesce(p_environment, 'sandbox'), btrim(p_shortcode),
              coalesce(p_account_type, 'paybill'), nullif(btrim(p_till_number), ''),
              btrim(p_passkey), btrim(p_consumer_key), btrim(p_consumer_secret), auth.uid());
    end if;
  exception when not_null_violation or check_violation or invalid_text_representation then
    raise exception 'invalid M-Pesa settings: %', sqlerrm using errcode = '22023';
  end;
  -- New credentials: the cached token belonged to the old ones.
  delete from private.daraja_tokens t where t.organization_id = p_organization_id;
  insert into public.audit_log (organization_id, actor, actor_role, action, table_name, row_id, new)
  values (p_organization_id, auth.uid(), coalesce(auth.role(), session_user), 'update',
          'mpesa_settings', p_organization_id::text,
          jsonb_build_object('environment', p_environment, 'shortcode', p_shortcode,
                             'account_type', p_account_type, 'till_number', p_till_number,
                             'secrets_changed', p_passkey is not null or p_consumer_key is not null
                                                or p_consumer_secret is not null));
  return public.payment_settings(p_organization_id);
end;
$$;
revoke execute on function public.set_mpesa_settings(uuid, text, text, text, text, text, text, text)
  from public, anon, authenticated;
grant execute on function public.set_mpesa_settings(uuid, text, text, text, text, text, text, text)
  to authenticated;

-- Sets the organization's Africa's Talking SMS settings (owners only); a null API key keeps the
-- stored one. Returns payment_settings(). Bad values → 22023; not an owner → 42501.
create function public.set_sms_settings(
  p_organization_id uuid,
  p_username text,
  p_api_key text default null,
  p_sender_id text default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not private.has_role(p_organization_id, 'owner') then
    raise exception 'only owners can change SMS settings' using errcode = '42501';
  end if;
  begin
    update private.sms_settings s
    set username = btrim(p_username),
        api_key = coalesce(btrim(p_api_key), s.api_key),
        sender_id = nullif(btrim(p_sender_id), ''),
        updated_at = now(),
        updated_by = auth.uid()
    where s.organization_id = p_organization_id;
    if not found then
      insert into private.sms_settings (organization_id, username, api_key, sender_id, updated_by)
      values (p_organization_id, btrim(p_username), btrim(p_api_key), nullif(btrim(p_sender_id), ''),
              auth.uid());
    end if;
  exception when not_null_violation or check_violation or invalid_text_representation then
    raise exception 'invalid SMS settings: %', sqlerrm using errcode = '22023';
  end;
  insert into public.audit_log (organization_id, actor, actor_role, action, table_name, row_id, new)
  values (p_organization_id, auth.uid(), coalesce(auth.role(), session_user), 'update',
          'sms_settings', p_organization_id::text,
          jsonb_build_object('username', p_username, 'sender_id', p_sender_id,
                             'secrets_changed', p_api_key is not null));
  return public.payment_settings(p_organization_id);
end;
$$;
revoke execute on function public.set_sms_settings(uuid, text, text, text) from public, anon, authenticated;
grant execute on function public.set_sms_settings(uuid, text, text, text) to authenticated;

-- What the admin app shows about the payment settings (owners and admins): never a secret,
-- only whether it is configured and its last four characters.
-- {mpesa: null | {environment, shortcode, account_type, till_number, passkey_hint,
--  consumer_key_hint, consumer_secret_hint, updated_at}, sms: null | {username, sender_id,
--  api_key_hint, updated_at}}; hints look like '…c919'.
create function public.payment_settings(p_organization_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.has_role(p_organization_id, 'owner', 'admin') then
    raise exception 'only owners and admins can see payment settings' using errcode = '42501';
  end if;
  return jsonb_build_object(
    'mpesa', (
      select jsonb_build_object(
        'environment', m.environment, 'shortcode', m.shortcode, 'account_type', m.account_type,
        'till_number', m.till_number,
        'passkey_hint', '…' || right(m.passkey, 4),
        'consumer_key_hint', '…' || right(m.consumer_key, 4),
        'consumer_secret_hint', '…' || right(m.consumer_secret, 4),
        'updated_at', m.updated_at)
      from private.mpesa_settings m where m.organization_id = p_organization_id),
    'sms', (
      select jsonb_build_object(
        'username', s.username, 'sender_id', s.sender_id,
        'api_key_hint', '…' || right(s.api_key, 4), 'updated_at', s.updated_at)
      from private.sms_settings s where s.organization_id = p_organization_id)
  );
end;
$$;
revoke execute on function public.payment_settings(uuid) from public, anon, authenticated;
grant execute on function public.payment_settings(uuid) to authenticated;

-- A payment's state for the portal, by the unguessable token pay-start returned (anyone holding
-- it may ask): {status, amount_kes, plan_name, result_code, voucher_code (once paid),
-- receipt_missing}, or null for an unknown token.
create function public.payment_status(p_token text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'status', p.status,
    'amount_kes', p.amount_kes,
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
revoke execute on function public.payment_status(text) from public, anon, authenticated;
grant execute on function public.payment_status(text) to anon, authenticated;

-- ---------------------------------------------------------------------------------------------
-- C2B: payments made by hand to the paybill or till
-- ---------------------------------------------------------------------------------------------

-- Whether a phone (E.164) is the one a C2B MSISDN hint describes: the same SHA-256 hash, or the
-- same visible digits of a masked number. No hint at all: the receipt alone is the proof.
create function private.msisdn_matches(p_hint text, p_phone text)
returns boolean
language sql
immutable
security definer
set search_path = ''
as $$
  select case
    when p_hint is null or btrim(p_hint) = '' then true
    when lower(btrim(p_hint)) ~ '^[0-9a-f]{64}$' then
      lower(btrim(p_hint)) = encode(extensions.digest(substr(p_phone, 2), 'sha256'), 'hex')
    when regexp_replace(p_hint, '\s', '', 'g') ~ '^[0-9]{12}$' then
      regexp_replace(p_hint, '\s', '', 'g') = substr(p_phone, 2)
    when regexp_replace(p_hint, '\s', '', 'g') ~ '^[0-9]+\*+[0-9]*$' then
      substr(p_phone, 2) like replace(split_part(regexp_replace(p_hint, '\s', '', 'g'), '*', 1), '_', '')
                               || '%' || reverse(split_part(reverse(regexp_replace(p_hint, '\s', '', 'g')), '*', 1))
    else false
  end
$$;
revoke all on function private.msisdn_matches(text, text) from public, anon, authenticated;

-- A C2B confirmation for an organization (its URL was signed for it): stores the raw body, then
-- keeps the money as an unmatched receipt (reason 'c2b') that the customer redeems with the
-- receipt code. A repeat of the same TransID changes nothing. Returns {outcome}: recorded |
-- duplicate | wrong_shortcode.
create function private.c2b_confirmation(p_organization_id uuid, p_body text, p_parsed jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id bigint;
  v_receipt text := upper(btrim(p_parsed ->> 'receipt'));
  v_outcome text;
begin
  insert into private.payment_callbacks (kind, organization_id, receipt, verdict, body)
  values ('c2b', p_organization_id, left(v_receipt, 40), 'received', left(coalesce(p_body, ''), 65536))
  returning id into v_id;
  if not exists (
    select 1 from private.mpesa_settings m
    where m.organization_id = p_organization_id
      and (p_parsed ->> 'shortcode') in (m.shortcode, m.till_number)
  ) then
    v_outcome := 'wrong_shortcode';
  else
    insert into private.unmatched_receipts (receipt, organization_id, amount_kes, reason, msisdn_hint,
                                            phone)
    values (v_receipt, p_organization_id, floor((p_parsed ->> 'amount')::numeric)::integer, 'c2b',
            left(p_parsed ->> 'msisdn', 100), private.normalise_phone(p_parsed ->> 'msisdn'))
    on conflict (receipt) do nothing;
    v_outcome := case when found then 'recorded' else 'duplicate' end;
  end if;
  update private.payment_callbacks c set verdict = v_outcome where c.id = v_id;
  return jsonb_build_object('outcome', v_outcome);
end;
$$;
revoke all on function private.c2b_confirmation(uuid, text, jsonb) from public, anon, authenticated;

-- The cheapest active plan an organization sells anywhere (C2B validation: smaller amounts buy
-- nothing and are refused before the customer pays).
create function private.cheapest_plan_kes(p_organization_id uuid)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
  select min(p.price_kes)
  from public.plans p
  join public.plan_sites ps on ps.plan_id = p.id and ps.organization_id = p.organization_id
  where p.organization_id = p_organization_id and p.active
$$;
revoke all on function private.cheapest_plan_kes(uuid) from public, anon, authenticated;

-- Receipt recovery on the portal: the M-Pesa receipt code and the phone that paid give back the
-- voucher (the same one every time). A receipt that bought nothing yet (unmatched) is redeemed
-- now for the dearest active plan sold at the site that it covers; the rest is recorded as
-- overpaid. A C2B receipt, whose payer M-Pesa only describes (masked or hashed MSISDN), is
-- checked against that description (private.msisdn_matches). Unknown, refunded, wrong phone,
-- another organization's receipt: all the same
-- {ok: false, error: 'not_found'} (no enumeration); 5 tries per phone and 30 per site per
-- 10 minutes ({ok: false, error: 'rate_limited'}). Success: {ok: true, voucher_code, plan_name,
-- amount_kes}; no plan that cheap: {ok: false, error: 'amount_too_small', amount_kes}.
create function public.recover_voucher(p_site_slug text, p_receipt text, p_phone text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_site public.sites;
  v_phone text := private.normalise_phone(p_phone);
  v_receipt text := upper(regexp_replace(coalesce(p_receipt, ''), '\s', '', 'g'));
  v_payment public.payments;
  v_unmatched private.unmatched_receipts;
  v_plan public.plans;
  v_payment_id uuid;
  v_not_found constant jsonb := jsonb_build_object('ok', false, 'error', 'not_found');
begin
  select s.* into v_site from public.sites s where s.slug = lower(btrim(p_site_slug));
  if v_site.id is null or v_phone is null or v_receipt !~ '^[A-Z0-9]{6,20}$' then
    return v_not_found;
  end if;
  if not private.rate_limit_hit('recover:phone:' || v_phone, 5, 600)
     or not private.rate_limit_hit('recover:site:' || v_site.id, 30, 600) then
    return jsonb_build_object('ok', false, 'error', 'rate_limited', 'retry_after_seconds', 600);
  end if;

  select p.* into v_payment from public.payments p
  where p.mpesa_receipt = v_receipt and p.organization_id = v_site.organization_id;
  if v_payment.id is null then
    select u.* into v_unmatched from private.unmatched_receipts u
    where u.receipt = v_receipt and u.organization_id = v_site.organization_id
    for update;
    if v_unmatched.receipt is null
       or (v_unmatched.refunded_at is not null and v_unmatched.redeemed_payment_id is null)
       or (v_unmatched.phone is not null and v_unmatched.phone <> v_phone)
       or (v_unmatched.phone is null and not private.msisdn_matches(v_unmatched.msisdn_hint, v_phone)) then
      return v_not_found;
    end if;
    if v_unmatched.redeemed_payment_id is not null then
      select p.* into v_payment from public.payments p where p.id = v_unmatched.redeemed_payment_id;
      if v_payment.phone <> v_phone then
        return v_not_found;
      end if;
    else
      select pl.* into v_plan
      from public.plans pl
      join public.plan_sites ps on ps.plan_id = pl.id and ps.organization_id = pl.organization_id
      where ps.site_id = v_site.id and pl.active and pl.price_kes <= v_unmatched.amount_kes
      order by pl.price_kes desc, pl.id
      limit 1;
      if v_plan.id is null then
        return jsonb_build_object('ok', false, 'error', 'amount_too_small',
                                  'amount_kes', v_unmatched.amount_kes);
      end if;
      -- The original payment (wrong amount/phone) keeps its failure; the receipt buys anew.
      insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes, status,
                                   mpesa_receipt, result_code, result_desc, via, language,
                                   overpaid_kes, status_token)
      values (v_site.organization_id, v_site.id, v_plan.id, v_phone, v_unmatched.amount_kes,
              'success', v_receipt, 0, 'redeemed by receipt (' || v_unmatched.reason || ')',
              case when v_unmatched.reason = 'c2b' then 'c2b' else 'receipt' end,
              v_site.default_language, v_unmatched.amount_kes - v_plan.price_kes,
              encode(extensions.gen_random_bytes(16), 'hex'))
      returning id into v_payment_id;
      perform private.issue_payment_voucher(v_payment_id);
      update private.unmatched_receipts u
      set redeemed_at = now(), redeemed_payment_id = v_payment_id,
          overpaid_kes = v_unmatched.amount_kes - v_plan.price_kes
      where u.receipt = v_receipt;
      select p.* into v_payment from public.payments p where p.id = v_payment_id;
    end if;
  elsif v_payment.phone <> v_phone or v_payment.status <> 'success' then
    return v_not_found;
  end if;

  return (
    select jsonb_build_object('ok', true, 'voucher_code', v.code, 'plan_name', pl.name,
                              'amount_kes', v_payment.amount_kes)
    from public.vouchers v join public.plans pl on pl.id = v.plan_id
    where v.id = v_payment.voucher_id
  );
end;
$$;
revoke execute on function public.recover_voucher(text, text, text) from public, anon, authenticated;
grant execute on function public.recover_voucher(text, text, text) to anon, authenticated;

-- ---------------------------------------------------------------------------------------------
-- Support actions for owners and admins (the admin app), each audited
-- ---------------------------------------------------------------------------------------------

-- Writes one audit_log row for a support action.
create function private.audit_support(p_organization_id uuid, p_action text, p_row_id text, p_details jsonb)
returns void
language sql
security definer
set search_path = ''
as $$
  insert into public.audit_log (organization_id, actor, actor_role, action, table_name, row_id, new)
  values (p_organization_id, auth.uid(), coalesce(auth.role(), session_user), 'update',
          'support:' || p_action, p_row_id, p_details)
$$;
revoke all on function private.audit_support(uuid, text, text, jsonb) from public, anon, authenticated;

-- Money that bought nothing yet, newest first (owners and admins): [{receipt, amount_kes, phone,
-- msisdn_hint, reason, received_at, payment_id, redeemed_at, redeemed_payment_id, overpaid_kes,
-- refunded_at, note}]. Others → 42501.
create function public.unmatched_receipts(p_organization_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.has_role(p_organization_id, 'owner', 'admin') then
    raise exception 'only owners and admins can see unmatched receipts' using errcode = '42501';
  end if;
  return coalesce((
    select jsonb_agg(jsonb_build_object(
      'receipt', u.receipt, 'amount_kes', u.amount_kes, 'phone', u.phone,
      'msisdn_hint', u.msisdn_hint, 'reason', u.reason, 'received_at', u.received_at,
      'payment_id', u.payment_id, 'redeemed_at', u.redeemed_at,
      'redeemed_payment_id', u.redeemed_payment_id, 'overpaid_kes', u.overpaid_kes,
      'refunded_at', u.refunded_at, 'note', u.note
    ) order by u.received_at desc)
    from private.unmatched_receipts u
    where u.organization_id = p_organization_id
  ), '[]'::jsonb);
end;
$$;
revoke execute on function public.unmatched_receipts(uuid) from public, anon, authenticated;
grant execute on function public.unmatched_receipts(uuid) to authenticated;

-- Issues the voucher for an unmatched or mismatched receipt (owners and admins): the receipt buys
-- the given plan of the organization for the given phone (any price: the admin decides), as a
-- success payment with via 'admin'; the SMS is queued. Returns {voucher_code, payment_id}.
-- Already redeemed or refunded → P0001; unknown receipt or not yours → 42501; bad phone 22023.
create function public.support_issue_voucher(p_receipt text, p_plan_id uuid, p_phone text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_unmatched private.unmatched_receipts;
  v_phone text := private.normalise_phone(p_phone);
  v_plan public.plans;
  v_payment_id uuid;
begin
  select u.* into v_unmatched from private.unmatched_receipts u
  where u.receipt = upper(btrim(p_receipt)) for update;
  if v_unmatched.receipt is null or not private.has_role(v_unmatched.organization_id, 'owner', 'admin') then
    raise exception 'receipt not found in your organizations' using errcode = '42501';
  end if;
  if v_unmatched.redeemed_payment_id is not null or v_unmatched.refunded_at is not null then
    raise exception 'receipt % was already redeemed or refunded', v_unmatched.receipt;
  end if;
  if v_phone is null then
    raise exception 'phone must be a Kenyan mobile number' using errcode = '22023';
  end if;
  select p.* into v_plan from public.plans p
  where p.id = p_plan_id and p.organization_id = v_unmatched.organization_id and p.active;
  if v_plan.id is null then
    raise exception 'plan not found or not active in this organization' using errcode = '22023';
  end if;
  insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes, status,
                               mpesa_receipt, result_code, result_desc, via, status_token,
                               overpaid_kes)
  values (v_unmatched.organization_id, v_unmatched.site_id, v_plan.id, v_phone,
          greatest(v_unmatched.amount_kes, 1), 'success', v_unmatched.receipt, 0,
          'issued by support (' || v_unmatched.reason || ')', 'admin',
          encode(extensions.gen_random_bytes(16), 'hex'),
          greatest(v_unmatched.amount_kes - v_plan.price_kes, 0))
  returning id into v_payment_id;
  perform private.issue_payment_voucher(v_payment_id);
  update private.unmatched_receipts u
  set redeemed_at = now(), redeemed_payment_id = v_payment_id,
      overpaid_kes = greatest(v_unmatched.amount_kes - v_plan.price_kes, 0)
  where u.receipt = v_unmatched.receipt;
  perform private.audit_support(v_unmatched.organization_id, 'issue_voucher', v_unmatched.receipt,
    jsonb_build_object('plan_id', v_plan.id, 'phone', v_phone, 'payment_id', v_payment_id,
                       'amount_kes', v_unmatched.amount_kes));
  return (select jsonb_build_object('voucher_code', v.code, 'payment_id', v_payment_id)
          from public.payments p join public.vouchers v on v.id = p.voucher_id
          where p.id = v_payment_id);
end;
$$;
revoke execute on function public.support_issue_voucher(text, uuid, text) from public, anon, authenticated;
grant execute on function public.support_issue_voucher(text, uuid, text) to authenticated;

-- Marks an unredeemed receipt as refunded by hand (owners and admins), so it can never be
-- redeemed. Returns {receipt, refunded_at}. Redeemed already → P0001; unknown → 42501.
create function public.support_mark_refunded(p_receipt text, p_note text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_unmatched private.unmatched_receipts;
begin
  select u.* into v_unmatched from private.unmatched_receipts u
  where u.receipt = upper(btrim(p_receipt)) for update;
  if v_unmatched.receipt is null or not private.has_role(v_unmatched.organization_id, 'owner', 'admin') then
    raise exception 'receipt not found in your organizations' using errcode = '42501';
  end if;
  if v_unmatched.redeemed_payment_id is not null then
    raise exception 'receipt % already bought a voucher', v_unmatched.receipt;
  end if;
  update private.unmatched_receipts u
  set refunded_at = coalesce(u.refunded_at, now()), refunded_by = coalesce(u.refunded_by, auth.uid()),
      note = left(p_note, 500)
  where u.receipt = v_unmatched.receipt
  returning u.* into v_unmatched;
  perform private.audit_support(v_unmatched.organization_id, 'mark_refunded', v_unmatched.receipt,
    jsonb_build_object('amount_kes', v_unmatched.amount_kes, 'note', left(p_note, 500)));
  return jsonb_build_object('receipt', v_unmatched.receipt, 'refunded_at', v_unmatched.refunded_at);
end;
$$;
revoke execute on function public.support_mark_refunded(text, text) from public, anon, authenticated;
grant execute on function public.support_mark_refunded(text, text) to authenticated;

-- Queues the voucher SMS of a successful payment again (owners and admins; at most 3 per payment
-- per hour). Returns {sms_id}. Not a success → P0001; not yours → 42501; too often → 54000.
create function public.support_resend_sms(p_payment_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_payment public.payments;
  v_sms uuid;
begin
  select p.* into v_payment from public.payments p where p.id = p_payment_id;
  if v_payment.id is null or not private.has_role(v_payment.organization_id, 'owner', 'admin') then
    raise exception 'payment not found in your organizations' using errcode = '42501';
  end if;
  if v_payment.status <> 'success' or v_payment.voucher_id is null then
    raise exception 'payment % has no voucher to send', p_payment_id;
  end if;
  if not private.rate_limit_hit('resend:' || p_payment_id, 3, 3600) then
    raise exception 'the SMS of this payment was resent too often; try again later' using errcode = '54000';
  end if;
  insert into public.sms_outbox (organization_id, to_phone, body, payment_id)
  select v_payment.organization_id, v_payment.phone,
         private.voucher_sms_body(v_payment.language, v.code, pl.name, coalesce(s.name, 'WiFi'),
                                  v_payment.mpesa_receipt),
         v_payment.id
  from public.vouchers v
  join public.plans pl on pl.id = v.plan_id
  left join public.sites s on s.id = v_payment.site_id
  where v.id = v_payment.voucher_id
  returning id into v_sms;
  perform private.audit_support(v_payment.organization_id, 'resend_sms', p_payment_id::text,
    jsonb_build_object('sms_id', v_sms));
  return jsonb_build_object('sms_id', v_sms);
end;
$$;
revoke execute on function public.support_resend_sms(uuid) from public, anon, authenticated;
grant execute on function public.support_resend_sms(uuid) to authenticated;

-- Whether the signed-in user may re-check this payment now (pay-reconcile's admin path).
create function private.can_support_payment(p_payment_id uuid, p_user_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.payments p
    join public.memberships m on m.organization_id = p.organization_id
    where p.id = p_payment_id and m.user_id = p_user_id and m.role in ('owner', 'admin')
  )
$$;
revoke all on function private.can_support_payment(uuid, uuid) from public, anon, authenticated;
