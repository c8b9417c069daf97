-- Money that bought nothing yet, and what can be done with it: C2B (till/paybill) confirmations,
-- receipt recovery by the customer (recover_voucher) and the support actions of owners and
-- admins (issue a voucher for a receipt, mark it refunded, resend an SMS), each audited.

-- Money received that bought nothing yet: a success callback matching no payment, a wrong
-- amount or phone, a C2B (till/paybill) payment made by hand. Redeemable once by receipt code
-- and paying phone (public.recover_voucher), but only after Daraja's Transaction Status API
-- confirmed it (verification, private.receipt_status_result); admins see them through their
-- support RPCs. A receipt is unique per organization: another operator cannot pre-claim it.
create table private.unmatched_receipts (
  receipt text not null check (receipt ~ '^[A-Z0-9]{6,20}$'),
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
  note text check (char_length(note) <= 500),
  -- Daraja's Transaction Status answer (edge function pay-verify): unverified (no query sent, or
  -- to be sent again) -> requested -> confirmed | refuted. Only confirmed money is redeemable,
  -- for verified_amount_kes; verified_phone is the payer Daraja named (DebitPartyName).
  verification text not null default 'unverified'
    check (verification in ('unverified', 'requested', 'confirmed', 'refuted')),
  verification_requested_at timestamptz,
  verified_at timestamptz,
  verified_amount_kes integer check (verified_amount_kes >= 0),
  verified_phone text check (verified_phone ~ '^\+254[17][0-9]{8}$'),
  verification_conversation_id text check (char_length(verification_conversation_id) <= 100),
  verification_error text check (char_length(verification_error) <= 500),
  primary key (receipt, organization_id),
  check (verification <> 'confirmed' or verified_amount_kes is not null)
);

alter table private.unmatched_receipts enable row level security;

revoke all on table private.unmatched_receipts from public, anon, authenticated, service_role;

comment on table private.unmatched_receipts is
'Money that bought nothing yet (no payment, wrong amount or phone, second payment, plan unavailable, C2B), unique per organization and receipt, redeemable once by receipt and phone after Daraja''s Transaction Status confirmed it (verification). No API role: recover_voucher, pay-verify and the support RPCs reach it.';

create index unmatched_receipts_organization_id_idx
  on private.unmatched_receipts (organization_id, received_at desc);

create index unmatched_receipts_waiting_idx
  on private.unmatched_receipts (verification_requested_at nulls first)
  where verification in ('unverified', 'requested') and redeemed_payment_id is null
    and refunded_at is null;

-- Wakes the worker's pay-verify job: a receipt is waiting for Daraja's confirmation.
create function private.notify_receipt_verification()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform pg_notify('receipt_verification', '');
  return null;
end;
$$;

revoke all on function private.notify_receipt_verification() from public, anon, authenticated;

comment on function private.notify_receipt_verification() is
'Trigger: NOTIFY receipt_verification when an unmatched receipt is stored, so the worker runs
pay-verify at once (Transaction Status query) instead of at its next period.
Callers: trigger unmatched_receipts_verify on private.unmatched_receipts.
Returns: null (statement trigger).';

create trigger unmatched_receipts_verify after insert on private.unmatched_receipts
  for each statement execute function private.notify_receipt_verification();

-- The same M-Pesa receipt seen at two organizations: one of them is a replay or a pre-claim of
-- the other's money. Each organization keeps its own row; platform staff see these
-- (public.platform_receipt_alerts).
create table private.receipt_alerts (
  receipt text not null,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  other_organization_id uuid not null references public.organizations (id) on delete cascade,
  seen_at timestamptz not null default now(),
  primary key (receipt, organization_id, other_organization_id)
);

alter table private.receipt_alerts enable row level security;

revoke all on table private.receipt_alerts from public, anon, authenticated, service_role;

comment on table private.receipt_alerts is
'A receipt that arrived at organization_id while other_organization_id already had it (a payment or an unmatched receipt). No API role; platform staff read it with platform_receipt_alerts().';

-- Trigger on payments and unmatched receipts: a receipt another organization already holds
-- raises a receipt alert (the row itself is kept: receipts are unique per organization).
create function private.receipt_cross_check()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_receipt text;
begin
  -- Each branch names only its own table's column (plpgsql checks fields when it runs them).
  if tg_table_name = 'payments' then
    v_receipt := new.mpesa_receipt;
  else
    v_receipt := new.receipt;
  end if;
  insert into private.receipt_alerts (receipt, organization_id, other_organization_id)
  select v_receipt, new.organization_id, o.organization_id
  from (select p.organization_id from public.payments p
        where p.mpesa_receipt = v_receipt and p.organization_id <> new.organization_id
        union
        select u.organization_id from private.unmatched_receipts u
        where u.receipt = v_receipt and u.organization_id <> new.organization_id) o
  on conflict do nothing;
  return null;
end;
$$;

revoke all on function private.receipt_cross_check() from public, anon, authenticated;

comment on function private.receipt_cross_check() is
'Trigger: a receipt (payments.mpesa_receipt, unmatched_receipts.receipt) that another organization
already holds is recorded in private.receipt_alerts for platform staff.
Callers: triggers payments_receipt_cross_check*, unmatched_receipts_cross_check.
Returns: null (after-row trigger).';

create trigger payments_receipt_cross_check after insert on public.payments
  for each row when (new.mpesa_receipt is not null)
  execute function private.receipt_cross_check();

create trigger payments_receipt_cross_check_update after update of mpesa_receipt on public.payments
  for each row when (new.mpesa_receipt is not null
                     and new.mpesa_receipt is distinct from old.mpesa_receipt)
  execute function private.receipt_cross_check();

create trigger unmatched_receipts_cross_check after insert on private.unmatched_receipts
  for each row execute function private.receipt_cross_check();

-- Receipts seen at more than one organization, newest first (platform staff only).
create function public.platform_receipt_alerts()
returns table (receipt text, organization_id uuid, organization_name text,
               other_organization_id uuid, other_organization_name text, seen_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_platform_staff();
  return query
  select a.receipt, a.organization_id, o.name, a.other_organization_id, other.name, a.seen_at
  from private.receipt_alerts a
  join public.organizations o on o.id = a.organization_id
  join public.organizations other on other.id = a.other_organization_id
  order by a.seen_at desc
  limit 500;
end;
$$;

revoke all on function public.platform_receipt_alerts() from public, anon;

grant execute on function public.platform_receipt_alerts() to authenticated;

comment on function public.platform_receipt_alerts() is
'M-Pesa receipts that arrived at an organization while another organization already held them
(a replayed or pre-claimed receipt), newest 500.
Callers: authenticated platform staff.
Returns: setof {receipt, organization_id, organization_name, other_organization_id,
other_organization_name, seen_at}.
Errors: 42501 not_platform_staff.';

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
    on conflict (receipt, organization_id) do nothing;
    v_outcome := case when found then 'recorded' else 'duplicate' end;
  end if;
  update private.payment_callbacks c set verdict = v_outcome where c.id = v_id;
  return jsonb_build_object('outcome', v_outcome);
end;
$$;

revoke all on function private.c2b_confirmation(uuid, text, jsonb) from public, anon, authenticated;

comment on function private.c2b_confirmation(uuid, text, jsonb) is
'A C2B (paybill/till) confirmation for the organization its URL was signed for: stores the raw
body in private.payment_callbacks, then keeps the money as an unverified unmatched receipt
(reason c2b, msisdn_hint = the masked or hashed MSISDN) that recover_voucher redeems once
Daraja''s Transaction Status confirmed it (pay-verify, woken by the insert). A repeated TransID
changes nothing. p_parsed: {receipt, amount, shortcode, msisdn, bill_ref}.
Callers: postgres only (edge function pay-c2b); no API role.
Returns: {outcome: recorded | duplicate | wrong_shortcode}. A malformed receipt or amount raises
(23514 / 23502 / 22P02).';

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

comment on function private.cheapest_plan_kes(uuid) is
'The price of the cheapest active plan the organization sells at any site: C2B validation refuses
smaller amounts before the customer pays.
Callers: postgres only (edge function pay-c2b); no API role.
Returns: integer KES, or null when it sells nothing.';

-- Receipt recovery on the portal: the M-Pesa receipt code and the phone that paid give back the
-- voucher (the same one every time). A receipt that bought nothing yet (unmatched) is redeemed
-- now for the dearest active plan sold at the site that it covers; the rest is recorded as
-- overpaid. Only once Daraja's Transaction Status confirmed it, and for the amount it
-- confirmed: before that {ok: false, error: 'verifying', retry_after_seconds} (and pay-verify is
-- woken). The phone is checked against the payer Daraja named, else the callback's phone, else
-- a C2B MSISDN description (masked or hashed, private.msisdn_matches). Unknown, refunded,
-- refuted, wrong phone, another organization's receipt: all the same
-- {ok: false, error: 'not_found'} (no enumeration); per 10 minutes 5 tries per phone, and 5 per
-- client (address + MAC, named by the portal), 22 per address, 30 per site, a client over its
-- budget spending nothing of the site's (private.lookup_throttle) ({ok: false, error: 'rate_limited'}). Success: {ok: true, voucher_code, plan_name,
-- amount_kes}; no plan that cheap: {ok: false, error: 'amount_too_small', amount_kes}.
create function public.recover_voucher(
  p_site_slug text, p_receipt text, p_phone text, p_client text default null
)
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
  v_wait integer;
  v_not_found constant jsonb := jsonb_build_object('ok', false, 'error', 'not_found');
begin
  select s.* into v_site from private.site_by_ref(p_site_slug) s;
  if v_site.id is null or v_phone is null or v_receipt !~ '^[A-Z0-9]{6,20}$' then
    return v_not_found;
  end if;
  if not private.rate_limit_hit('recover:phone:' || v_phone, 5, 600) then
    return jsonb_build_object('ok', false, 'error', 'rate_limited', 'retry_after_seconds', 600);
  end if;
  v_wait := private.lookup_throttle('recover', v_site.id, p_client, 30, null);
  if v_wait is not null then
    return jsonb_build_object('ok', false, 'error', 'rate_limited', 'retry_after_seconds', v_wait);
  end if;

  select p.* into v_payment from public.payments p
  where p.mpesa_receipt = v_receipt and p.organization_id = v_site.organization_id;
  if v_payment.id is null then
    select u.* into v_unmatched from private.unmatched_receipts u
    where u.receipt = v_receipt and u.organization_id = v_site.organization_id
    for update;
    if v_unmatched.receipt is null
       or (v_unmatched.refunded_at is not null and v_unmatched.redeemed_payment_id is null)
       or (v_unmatched.redeemed_payment_id is null and v_unmatched.verification = 'refuted')
       or (v_unmatched.verified_phone is not null and v_unmatched.verified_phone <> v_phone)
       or (v_unmatched.verified_phone is null and v_unmatched.phone is not null
           and v_unmatched.phone <> v_phone)
       or (v_unmatched.verified_phone is null and v_unmatched.phone is null
           and not private.msisdn_matches(v_unmatched.msisdn_hint, v_phone)) then
      return v_not_found;
    end if;
    if v_unmatched.redeemed_payment_id is null and v_unmatched.verification <> 'confirmed' then
      -- Not confirmed by Daraja yet: wake pay-verify, ask the customer to try again shortly.
      perform pg_notify('receipt_verification', '');
      return jsonb_build_object('ok', false, 'error', 'verifying', 'retry_after_seconds', 5);
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
      where ps.site_id = v_site.id and pl.active and pl.price_kes <= v_unmatched.verified_amount_kes
      order by pl.price_kes desc, pl.id
      limit 1;
      if v_plan.id is null then
        return jsonb_build_object('ok', false, 'error', 'amount_too_small',
                                  'amount_kes', v_unmatched.verified_amount_kes);
      end if;
      -- The original payment (wrong amount/phone) keeps its failure; the receipt buys anew.
      insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes, status,
                                   mpesa_receipt, result_code, result_desc, via, language,
                                   overpaid_kes, status_token)
      values (v_site.organization_id, v_site.id, v_plan.id, v_phone, v_unmatched.verified_amount_kes,
              'success', v_receipt, 0, 'redeemed by receipt (' || v_unmatched.reason || ')',
              case when v_unmatched.reason = 'c2b' then 'c2b' else 'receipt' end,
              v_site.default_language, v_unmatched.verified_amount_kes - v_plan.price_kes,
              encode(extensions.gen_random_bytes(16), 'hex'))
      returning id into v_payment_id;
      perform private.issue_payment_voucher(v_payment_id);
      update private.unmatched_receipts u
      set redeemed_at = now(), redeemed_payment_id = v_payment_id,
          overpaid_kes = v_unmatched.verified_amount_kes - v_plan.price_kes
      where u.receipt = v_receipt and u.organization_id = v_site.organization_id;
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

revoke execute on function public.recover_voucher(text, text, text, text) from public, anon, authenticated;

grant execute on function public.recover_voucher(text, text, text, text) to anon, authenticated, service_role;

comment on function public.recover_voucher(text, text, text, text) is
'Portal receipt recovery: an M-Pesa receipt and the phone that paid give back its voucher (the
same one every time). An unmatched receipt of the site''s organization is redeemed once, after
Daraja''s Transaction Status confirmed it (verification confirmed), for the dearest active plan
sold at the site that the confirmed amount (verified_amount_kes) covers (overpaid_kes recorded);
the phone must be the payer Daraja named (verified_phone), else the callback''s phone, else match
a C2B receipt''s msisdn_hint. p_client (''<address>|<mac>'') counts only from the
service role (the portal server); anyone else is the one address ''direct''.
Callers: anon, authenticated, service_role.
Returns: {ok: true, voucher_code, plan_name, amount_kes} | {ok: false, error: not_found} (unknown,
refunded, refuted by Daraja, wrong phone, another organization: no enumeration) | {ok: false,
error: verifying, retry_after_seconds} (receipt and phone match, Daraja has not confirmed it yet;
wakes pay-verify) | {ok: false, error:
amount_too_small, amount_kes} | {ok: false, error: rate_limited, retry_after_seconds} (per 10
minutes 5 per phone, 5 per client, 22 per address, 30 per site: private.lookup_throttle). Bad input is not_found, never an error.';

-- Money that bought nothing yet, newest first (owners and admins): [{receipt, amount_kes, phone,
-- msisdn_hint, reason, received_at, payment_id, redeemed_at, redeemed_payment_id, overpaid_kes,
-- refunded_at, note, verification, verified_amount_kes, verification_error}]. Others → 42501.
create function public.unmatched_receipts(p_organization_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.has_role_at_least(p_organization_id, 'admin') then
    raise exception 'only owners and admins can see unmatched receipts'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  return coalesce((
    select jsonb_agg(jsonb_build_object(
      'receipt', u.receipt, 'amount_kes', u.amount_kes, 'phone', u.phone,
      'msisdn_hint', u.msisdn_hint, 'reason', u.reason, 'received_at', u.received_at,
      'payment_id', u.payment_id, 'redeemed_at', u.redeemed_at,
      'redeemed_payment_id', u.redeemed_payment_id, 'overpaid_kes', u.overpaid_kes,
      'refunded_at', u.refunded_at, 'note', u.note, 'verification', u.verification,
      'verified_amount_kes', u.verified_amount_kes, 'verification_error', u.verification_error
    ) order by u.received_at desc)
    from private.unmatched_receipts u
    where u.organization_id = p_organization_id
  ), '[]'::jsonb);
end;
$$;

revoke execute on function public.unmatched_receipts(uuid) from public, anon, authenticated;

grant execute on function public.unmatched_receipts(uuid) to authenticated;

comment on function public.unmatched_receipts(uuid) is
'Money that bought nothing yet, for the support screen.
Callers: authenticated owner/admin.
Returns: [{receipt, amount_kes, phone, msisdn_hint, reason, received_at, payment_id, redeemed_at,
redeemed_payment_id, overpaid_kes, refunded_at, note, verification (unverified | requested |
confirmed | refuted), verified_amount_kes, verification_error}], newest first ([] when none).
Without an initiator in the M-Pesa settings receipts stay unverified (support_issue_voucher
still works: the owner decides).
Errors: 42501 agent or outsider.';

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
  where u.receipt = upper(btrim(p_receipt))
    and private.has_role_at_least(u.organization_id, 'admin')
  order by u.received_at
  limit 1
  for update;
  if v_unmatched.receipt is null then
    raise exception 'receipt not found in your organizations'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  if v_unmatched.redeemed_payment_id is not null or v_unmatched.refunded_at is not null then
    raise exception 'receipt % was already redeemed or refunded', v_unmatched.receipt
      using errcode = 'P0001', hint = 'receipt_closed';
  end if;
  if v_phone is null then
    raise exception 'phone must be a Kenyan mobile number'
      using errcode = '22023', hint = 'phone_invalid';
  end if;
  select p.* into v_plan from public.plans p
  where p.id = p_plan_id and p.organization_id = v_unmatched.organization_id and p.active;
  if v_plan.id is null then
    raise exception 'plan not found or not active in this organization'
      using errcode = '22023', hint = 'plan_not_available';
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
  where u.receipt = v_unmatched.receipt and u.organization_id = v_unmatched.organization_id;
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

comment on function public.support_issue_voucher(text, uuid, text) is
'Support: an unmatched receipt buys the given active plan of its organization for the given phone
(any price: the admin decides), as a success payment via admin; voucher issued, SMS queued;
audited as support:issue_voucher. Works whatever the receipt''s Transaction Status verification
(the owner''s decision, e.g. while no initiator is set); of the caller''s organizations holding
the receipt, the one that got it first.
Callers: authenticated owner/admin of the receipt''s organization.
Returns: {voucher_code, payment_id}.
Errors: 42501 unknown receipt or not yours; P0001 already redeemed or refunded; 22023 phone not a
Kenyan mobile number, or plan unknown or inactive in the organization.';

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
  where u.receipt = upper(btrim(p_receipt))
    and private.has_role_at_least(u.organization_id, 'admin')
  order by u.received_at
  limit 1
  for update;
  if v_unmatched.receipt is null then
    raise exception 'receipt not found in your organizations'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  if v_unmatched.redeemed_payment_id is not null then
    raise exception 'receipt % already bought a voucher', v_unmatched.receipt
      using errcode = 'P0001', hint = 'receipt_redeemed';
  end if;
  update private.unmatched_receipts u
  set refunded_at = coalesce(u.refunded_at, now()), refunded_by = coalesce(u.refunded_by, auth.uid()),
      note = left(p_note, 500)
  where u.receipt = v_unmatched.receipt and u.organization_id = v_unmatched.organization_id
  returning u.* into v_unmatched;
  perform private.audit_support(v_unmatched.organization_id, 'mark_refunded', v_unmatched.receipt,
    jsonb_build_object('amount_kes', v_unmatched.amount_kes, 'note', left(p_note, 500)));
  return jsonb_build_object('receipt', v_unmatched.receipt, 'refunded_at', v_unmatched.refunded_at);
end;
$$;

revoke execute on function public.support_mark_refunded(text, text) from public, anon, authenticated;

grant execute on function public.support_mark_refunded(text, text) to authenticated;

comment on function public.support_mark_refunded(text, text) is
'Support: marks an unredeemed receipt as refunded by hand (p_note kept, 500 characters), so
neither the portal nor support can redeem it; again keeps the first refunded_at. Audited as
support:mark_refunded.
Callers: authenticated owner/admin of the receipt''s organization.
Returns: {receipt, refunded_at}.
Errors: 42501 unknown receipt or not yours; P0001 it already bought a voucher.';

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
  if v_payment.id is null or not private.has_role_at_least(v_payment.organization_id, 'admin') then
    raise exception 'payment not found in your organizations'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  if v_payment.status <> 'success' or v_payment.voucher_id is null then
    raise exception 'payment % has no voucher to send', p_payment_id
      using errcode = 'P0001', hint = 'payment_without_voucher';
  end if;
  if not private.rate_limit_hit('resend:' || p_payment_id, 3, 3600) then
    raise exception 'the SMS of this payment was resent too often; try again later'
      using errcode = '54000', hint = 'sms_resend_limit';
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

comment on function public.support_resend_sms(uuid) is
'Support: queues the voucher SMS of a successful payment again, at most 3 times per payment per
hour; audited as support:resend_sms.
Callers: authenticated owner/admin of the payment''s organization.
Returns: {sms_id}.
Errors: 42501 unknown payment or not yours; P0001 no voucher (not a success); 54000 resent too
often.';

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
    where p.id = p_payment_id and m.user_id = p_user_id and m.role = any (private.roles_at_least('admin'))
  )
$$;

revoke all on function private.can_support_payment(uuid, uuid) from public, anon, authenticated;

comment on function private.can_support_payment(uuid, uuid) is
'Whether p_user_id (from the admin''s JWT) is an owner or admin of the payment''s organization:
the check before pay-reconcile re-checks one payment for them.
Callers: postgres only (edge function pay-reconcile); no API role.
Returns: boolean.';

-- ---------------------------------------------------------------------------------------------
-- Transaction Status: money is verified with Daraja before it becomes internet
-- ---------------------------------------------------------------------------------------------

-- Unmatched receipts waiting for Daraja's Transaction Status, claimed for one pay-verify run:
-- never asked (or asked again after a timeout), or asked more than 5 minutes ago without an
-- answer; only organizations with an initiator (no initiator: they wait). Claiming marks them
-- requested now, so concurrent runs never ask twice. Returns (organization_id, receipt) rows.
create function private.receipt_verification_claim(p_limit integer, p_organization_id uuid default null)
returns table (organization_id uuid, receipt text)
language plpgsql
security definer
set search_path = ''
as $$
begin
  return query
  with due as (
    select u.receipt, u.organization_id
    from private.unmatched_receipts u
    join private.mpesa_settings m on m.organization_id = u.organization_id
    where u.verification in ('unverified', 'requested')
      and u.redeemed_payment_id is null and u.refunded_at is null
      and (u.verification_requested_at is null
           or u.verification_requested_at < now() - interval '5 minutes')
      and m.initiator_name is not null and m.security_credential is not null
      and (p_organization_id is null or u.organization_id = p_organization_id)
    order by u.verification_requested_at nulls first, u.received_at
    limit greatest(least(p_limit, 500), 1)
    for update of u skip locked
  )
  update private.unmatched_receipts u
  set verification = 'requested', verification_requested_at = now()
  from due
  where u.receipt = due.receipt and u.organization_id = due.organization_id
  returning u.organization_id, u.receipt;
end;
$$;

revoke all on function private.receipt_verification_claim(integer, uuid) from public, anon, authenticated;

comment on function private.receipt_verification_claim(integer, uuid) is
'Claims up to p_limit (1 to 500) unmatched receipts waiting for Daraja''s Transaction Status
(unverified, or requested more than 5 minutes ago; not redeemed or refunded; the organization has
an initiator), optionally of one organization, and marks them requested now (skip locked: runs
never ask twice).
Callers: postgres only (edge function pay-verify); no API role.
Returns: setof (organization_id, receipt).';

-- What Daraja answered when pay-verify sent the query: its ConversationID, or the error (the
-- receipt stays requested and is asked again after 5 minutes).
create function private.receipt_verification_sent(
  p_organization_id uuid, p_receipt text, p_conversation_id text, p_error text
)
returns void
language sql
security definer
set search_path = ''
as $$
  update private.unmatched_receipts u
  set verification_conversation_id = coalesce(left(p_conversation_id, 100), u.verification_conversation_id),
      verification_error = left(p_error, 500)
  where u.organization_id = p_organization_id and u.receipt = p_receipt
    and u.verification = 'requested'
$$;

revoke all on function private.receipt_verification_sent(uuid, text, text, text) from public, anon, authenticated;

comment on function private.receipt_verification_sent(uuid, text, text, text) is
'Records Daraja''s synchronous answer to a Transaction Status query: the ConversationID, or the
error (null when accepted); the receipt stays requested (asked again after 5 minutes).
Callers: postgres only (edge function pay-verify); no API role.
Returns: nothing.';

-- Daraja's Transaction Status result for a receipt (its ResultURL was signed for the
-- organization and receipt): stores the raw body (kind 'status'), then decides. Confirmed when
-- ResultCode 0 names this receipt, TransactionStatus Completed and a credit party that is the
-- organization's shortcode or till; the confirmed Amount (not the claimed one) and the payer's
-- phone (DebitPartyName) are kept. An initiator/credential error keeps it waiting (with the
-- error); a queue timeout asks again; anything else refutes it.
create function private.receipt_status_result(
  p_organization_id uuid, p_receipt text, p_body text, p_parsed jsonb
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id bigint;
  v_row private.unmatched_receipts;
  v_code text := btrim(coalesce(p_parsed ->> 'result_code', ''));
  v_desc text := left(p_parsed ->> 'result_desc', 300);
  v_credit text := split_part(coalesce(p_parsed ->> 'credit_party', ''), ' - ', 1);
  v_amount numeric;
  v_outcome text;
begin
  insert into private.payment_callbacks (kind, organization_id, receipt, verdict, body)
  values ('status', p_organization_id, left(p_receipt, 40), 'received', left(coalesce(p_body, ''), 65536))
  returning id into v_id;
  select u.* into v_row from private.unmatched_receipts u
  where u.organization_id = p_organization_id and u.receipt = p_receipt
  for update;
  if v_row.receipt is null then
    v_outcome := 'unknown';
  elsif v_row.verification in ('confirmed', 'refuted') then
    v_outcome := 'duplicate';
  elsif coalesce((p_parsed ->> 'timeout')::boolean, false) then
    update private.unmatched_receipts u
    set verification = 'unverified', verification_requested_at = null,
        verification_error = 'Daraja queue timeout; asking again'
    where u.organization_id = p_organization_id and u.receipt = p_receipt;
    v_outcome := 'timeout';
  elsif v_code in ('2001', '18', '20', '8006') then
    -- Our initiator or its credential is wrong: says nothing about the money. Keep it waiting.
    update private.unmatched_receipts u
    set verification = 'unverified',
        verification_error = left('initiator refused: ' || v_code || ' ' || coalesce(v_desc, ''), 500)
    where u.organization_id = p_organization_id and u.receipt = p_receipt;
    v_outcome := 'initiator_error';
  else
    v_amount := case when coalesce(p_parsed ->> 'amount', '') ~ '^[0-9]{1,9}(\.[0-9]+)?$'
                     then (p_parsed ->> 'amount')::numeric end;
    if v_code = '0'
       and upper(btrim(coalesce(p_parsed ->> 'receipt_no', ''))) = p_receipt
       and lower(btrim(coalesce(p_parsed ->> 'transaction_status', ''))) = 'completed'
       and v_amount is not null
       and exists (select 1 from private.mpesa_settings m
                   where m.organization_id = p_organization_id
                     and btrim(v_credit) in (m.shortcode, m.till_number)) then
      update private.unmatched_receipts u
      set verification = 'confirmed', verified_at = now(), verified_amount_kes = floor(v_amount),
          verified_phone = private.normalise_phone(
            split_part(coalesce(p_parsed ->> 'debit_party', ''), ' - ', 1)),
          verification_error = null
      where u.organization_id = p_organization_id and u.receipt = p_receipt;
      v_outcome := 'confirmed';
    else
      update private.unmatched_receipts u
      set verification = 'refuted', verified_at = now(),
          verification_error = left(case
            when v_code <> '0' then 'Daraja: ' || v_code || ' ' || coalesce(v_desc, '')
            when upper(btrim(coalesce(p_parsed ->> 'receipt_no', ''))) <> p_receipt then 'another receipt'
            when lower(btrim(coalesce(p_parsed ->> 'transaction_status', ''))) <> 'completed'
              then 'status ' || coalesce(p_parsed ->> 'transaction_status', '?')
            when v_amount is null then 'no amount'
            else 'credited to ' || coalesce(nullif(v_credit, ''), '?') || ', not this organization'
          end, 500)
      where u.organization_id = p_organization_id and u.receipt = p_receipt;
      v_outcome := 'refuted';
    end if;
  end if;
  update private.payment_callbacks c set verdict = v_outcome where c.id = v_id;
  return jsonb_build_object('outcome', v_outcome);
end;
$$;

revoke all on function private.receipt_status_result(uuid, text, text, jsonb) from public, anon, authenticated;

comment on function private.receipt_status_result(uuid, text, text, jsonb) is
'Daraja''s Transaction Status result (or queue timeout) for one unmatched receipt, from the
ResultURL signed for the organization and receipt: the raw body is stored in
private.payment_callbacks (kind status), then: ResultCode 0 naming this ReceiptNo, TransactionStatus
Completed, CreditPartyName starting with the organization''s shortcode or till → confirmed, with
verified_amount_kes = the confirmed Amount (what recover_voucher redeems) and verified_phone = the
DebitPartyName phone when it is one; 2001/18/20/8006 (initiator or credential refused) → stays
unverified with verification_error; timeout → unverified, asked again; anything else → refuted
(recover_voucher answers not_found). Confirmed or refuted is final. p_parsed: {timeout?,
result_code, result_desc, receipt_no, amount, transaction_status, debit_party, credit_party}.
Callers: postgres only (edge function pay-verify); no API role.
Returns: {outcome: confirmed | refuted | initiator_error | timeout | duplicate | unknown}.';
