--
-- PostgreSQL database dump
--

\restrict wifibillingschema

-- Written by `npm run schema:snapshot` (do not edit): pg_dump 15 --schema-only of
-- public, private, radius after supabase/migrations, without the seed. The server and pg_dump
-- version lines of pg_dump's header are left out, so a point release does not change the file.

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: private; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA private;


ALTER SCHEMA private OWNER TO postgres;

--
-- Name: public; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA public;


ALTER SCHEMA public OWNER TO postgres;

--
-- Name: SCHEMA public; Type: COMMENT; Schema: -; Owner: postgres
--

COMMENT ON SCHEMA public IS 'standard public schema';


--
-- Name: radius; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA radius;


ALTER SCHEMA radius OWNER TO postgres;

--
-- Name: account_confirmed(text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.account_confirmed(p_email text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select exists (
    select 1 from auth.users u
    where lower(u.email) = lower(p_email) and u.deleted_at is null
      and u.email_confirmed_at is not null);
$$;


ALTER FUNCTION private.account_confirmed(p_email text) OWNER TO postgres;

--
-- Name: FUNCTION account_confirmed(p_email text); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.account_confirmed(p_email text) IS 'Whether a confirmed, not deleted Auth account has this email (case-insensitive).
Callers: edge_functions (team-invite).
Returns: boolean.';


--
-- Name: add_payments(uuid, date, uuid, text, integer); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.add_payments(p_organization_id uuid, p_day date, p_site_id uuid, p_status text, p_payments integer) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  insert into private.daily_payments as d (organization_id, day, site_id, status, payments)
  values (p_organization_id, p_day, p_site_id, p_status, p_payments)
  on conflict (organization_id, day, site_id, status)
  do update set payments = d.payments + excluded.payments;
$$;


ALTER FUNCTION private.add_payments(p_organization_id uuid, p_day date, p_site_id uuid, p_status text, p_payments integer) OWNER TO postgres;

--
-- Name: add_sale(uuid, date, uuid, uuid, text, integer, bigint); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.add_sale(p_organization_id uuid, p_day date, p_site_id uuid, p_plan_id uuid, p_via text, p_vouchers integer, p_kes bigint) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  insert into private.daily_sales as d (organization_id, day, site_id, plan_id, via, vouchers, kes)
  values (p_organization_id, p_day, p_site_id, p_plan_id, p_via, p_vouchers, p_kes)
  on conflict (organization_id, day, site_id, plan_id, via)
  do update set vouchers = d.vouchers + excluded.vouchers, kes = d.kes + excluded.kes;
$$;


ALTER FUNCTION private.add_sale(p_organization_id uuid, p_day date, p_site_id uuid, p_plan_id uuid, p_via text, p_vouchers integer, p_kes bigint) OWNER TO postgres;

--
-- Name: audit_c2b_register(uuid, uuid, jsonb); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.audit_c2b_register(p_organization_id uuid, p_actor uuid, p_new jsonb) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  insert into public.audit_log (organization_id, actor, actor_role, action, table_name, row_id, new)
  values (p_organization_id, p_actor, 'authenticated', 'update', 'c2b_urls', p_organization_id::text,
          p_new);
$$;


ALTER FUNCTION private.audit_c2b_register(p_organization_id uuid, p_actor uuid, p_new jsonb) OWNER TO postgres;

--
-- Name: FUNCTION audit_c2b_register(p_organization_id uuid, p_actor uuid, p_new jsonb); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.audit_c2b_register(p_organization_id uuid, p_actor uuid, p_new jsonb) IS 'Writes the audit_log row of a C2B URL registration (table_name c2b_urls, action update, actor
the owner, new p_new: shortcode, outcome, generation, URLs).
Callers: edge_functions (pay-c2b).
Returns: nothing.';


--
-- Name: audit_payment_recheck(uuid, uuid); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.audit_payment_recheck(p_payment_id uuid, p_user_id uuid) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select private.audit_support(p.organization_id, 'recheck_payment', p.id::text,
                               jsonb_build_object('user_id', p_user_id))
  from public.payments p where p.id = p_payment_id;
$$;


ALTER FUNCTION private.audit_payment_recheck(p_payment_id uuid, p_user_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION audit_payment_recheck(p_payment_id uuid, p_user_id uuid); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.audit_payment_recheck(p_payment_id uuid, p_user_id uuid) IS 'Writes the support:recheck_payment audit row for the payment''s organization (private.audit_support).
Callers: edge_functions (pay-reconcile).
Returns: nothing.';


--
-- Name: audit_row(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.audit_row() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_old jsonb := case when tg_op in ('UPDATE', 'DELETE') then to_jsonb(old) end;
  v_new jsonb := case when tg_op in ('INSERT', 'UPDATE') then to_jsonb(new) end;
  v_row jsonb := coalesce(v_new, v_old);
begin
  insert into public.audit_log (organization_id, actor, actor_role, action, table_name, row_id, old, new)
  values (
    case when tg_table_name = 'organizations' then (v_row ->> 'id')::uuid
         else (v_row ->> 'organization_id')::uuid end,
    auth.uid(),
    coalesce(auth.role(), session_user),
    lower(tg_op),
    tg_table_name,
    coalesce(v_row ->> 'id', (v_row ->> 'plan_id') || ':' || (v_row ->> 'site_id')),
    v_old,
    v_new
  );
  return null;
end;
$$;


ALTER FUNCTION private.audit_row() OWNER TO postgres;

--
-- Name: audit_support(uuid, text, text, jsonb); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.audit_support(p_organization_id uuid, p_action text, p_row_id text, p_details jsonb) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  insert into public.audit_log (organization_id, actor, actor_role, action, table_name, row_id, new)
  values (p_organization_id, auth.uid(), coalesce(auth.role(), session_user), 'update',
          'support:' || p_action, p_row_id, p_details)
$$;


ALTER FUNCTION private.audit_support(p_organization_id uuid, p_action text, p_row_id text, p_details jsonb) OWNER TO postgres;

--
-- Name: FUNCTION audit_support(p_organization_id uuid, p_action text, p_row_id text, p_details jsonb); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.audit_support(p_organization_id uuid, p_action text, p_row_id text, p_details jsonb) IS 'Writes one audit_log row for a support action: table_name support:<p_action>, action update,
row_id p_row_id, new p_details, actor auth.uid() (null on the edge functions'' own connection),
actor_role the JWT role or the database user.
Callers: postgres only: the support RPCs, set_site_logo, and pay-reconcile (support:recheck_payment).
Returns: nothing.';


--
-- Name: c2b_confirmation(uuid, text, jsonb); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.c2b_confirmation(p_organization_id uuid, p_body text, p_parsed jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION private.c2b_confirmation(p_organization_id uuid, p_body text, p_parsed jsonb) OWNER TO postgres;

--
-- Name: FUNCTION c2b_confirmation(p_organization_id uuid, p_body text, p_parsed jsonb); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.c2b_confirmation(p_organization_id uuid, p_body text, p_parsed jsonb) IS 'A C2B (paybill/till) confirmation for the organization its URL was signed for: stores the raw
body in private.payment_callbacks, then keeps the money as an unverified unmatched receipt
(reason c2b, msisdn_hint = the masked or hashed MSISDN) that recover_voucher redeems once
Daraja''s Transaction Status confirmed it (pay-verify, woken by the insert). A repeated TransID
changes nothing. p_parsed: {receipt, amount, shortcode, msisdn, bill_ref}.
Callers: postgres only (edge function pay-c2b); no API role.
Returns: {outcome: recorded | duplicate | wrong_shortcode}. A malformed receipt or amount raises
(23514 / 23502 / 22P02).';


--
-- Name: c2b_rotate(uuid, uuid); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.c2b_rotate(p_organization_id uuid, p_actor uuid) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_row private.c2b_url_generations;
begin
  if not exists (select 1 from public.memberships m where m.organization_id = p_organization_id
                 and m.user_id = p_actor and m.role = 'owner') then
    raise exception 'only owners can rotate C2B URLs' using errcode = '42501', hint = 'not_allowed';
  end if;
  insert into private.c2b_url_generations (organization_id) values (p_organization_id)
  on conflict (organization_id) do nothing;
  select * into v_row from private.c2b_url_generations g
  where g.organization_id = p_organization_id for update;
  update private.c2b_url_generations g
  set generation = v_row.generation + 1,
      -- A rotation still unregistered: Daraja has the previous generation, which stays.
      previous_generation = case when v_row.registered_at is null and v_row.previous_generation is not null
                                 then v_row.previous_generation else v_row.generation end,
      previous_expires_at = null,
      registered_at = null,
      rotated_at = now(),
      rotated_by = p_actor
  where g.organization_id = p_organization_id
  returning * into v_row;
  insert into public.audit_log (organization_id, actor, actor_role, action, table_name, row_id, new)
  values (p_organization_id, p_actor, 'authenticated', 'update', 'c2b_urls', p_organization_id::text,
          jsonb_build_object('rotated', true, 'generation', v_row.generation,
                             'previous_generation', v_row.previous_generation));
  return private.c2b_urls(p_organization_id);
end;
$$;


ALTER FUNCTION private.c2b_rotate(p_organization_id uuid, p_actor uuid) OWNER TO postgres;

--
-- Name: FUNCTION c2b_rotate(p_organization_id uuid, p_actor uuid); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.c2b_rotate(p_organization_id uuid, p_actor uuid) IS 'Rotates the organization''s C2B URLs: generation + 1, not yet registered. The generation Daraja
has stays accepted until the new one is registered (then 72 hours); older ones are refused at
once. Audited (table_name c2b_urls, rotated true) without the URLs.
Callers: postgres only (edge function pay-c2b /rotate, for the signed-in p_actor); no API role.
Returns: c2b_urls(p_organization_id).
Errors: 42501 p_actor is not an owner.';


--
-- Name: c2b_url_registered(uuid, integer); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.c2b_url_registered(p_organization_id uuid, p_generation integer) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  insert into private.c2b_url_generations (organization_id) values (p_organization_id)
  on conflict (organization_id) do nothing;
  update private.c2b_url_generations g
  set registered_at = now(),
      previous_expires_at = case when g.previous_generation is null then null
                                 else now() + interval '72 hours' end
  where g.organization_id = p_organization_id
    and g.generation = p_generation
    and g.registered_at is null;
  return private.c2b_urls(p_organization_id);
end;
$$;


ALTER FUNCTION private.c2b_url_registered(p_organization_id uuid, p_generation integer) OWNER TO postgres;

--
-- Name: FUNCTION c2b_url_registered(p_organization_id uuid, p_generation integer); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.c2b_url_registered(p_organization_id uuid, p_generation integer) IS 'Records that Daraja accepted the C2B URLs of p_generation. When it is the current, unregistered
generation: registered now, and the previous generation expires in 72 hours (the grace for
confirmations already on their way); otherwise nothing changes (a later rotation won).
Callers: postgres only (edge function pay-c2b /register and /rotate); no API role.
Returns: c2b_urls(p_organization_id).';


--
-- Name: c2b_urls(uuid); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.c2b_urls(p_organization_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select jsonb_build_object(
    'generation', coalesce(g.generation, 1),
    'registered_at', g.registered_at,
    'rotated_at', g.rotated_at,
    'previous_generation', case when g.previous_expires_at is null or g.previous_expires_at > now()
                                then g.previous_generation end,
    'previous_expires_at', case when g.previous_expires_at > now() then g.previous_expires_at end)
  from (select 1) one
  left join private.c2b_url_generations g on g.organization_id = p_organization_id
$$;


ALTER FUNCTION private.c2b_urls(p_organization_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION c2b_urls(p_organization_id uuid); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.c2b_urls(p_organization_id uuid) IS 'The generations of an organization''s C2B URLs that work now.
Callers: postgres only (edge function pay-c2b: every notification, and the admin''s view); no API role.
Returns: {generation (1 when never rotated), registered_at, rotated_at, previous_generation (null
once expired, or when there is none), previous_expires_at (null while the current generation is
not registered: the previous one then works until it is)}.';


--
-- Name: callback_junk(text, text, text, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.callback_junk(p_kind text, p_reason text, p_ref text, p_body text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION private.callback_junk(p_kind text, p_reason text, p_ref text, p_body text) OWNER TO postgres;

--
-- Name: FUNCTION callback_junk(p_kind text, p_reason text, p_ref text, p_body text); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.callback_junk(p_kind text, p_reason text, p_ref text, p_body text) IS 'Counts a junk callback in private.callback_junk (kind stk | c2b | status; reason forged | malformed |
oversized | expired) and keeps the first 5 per kind, reason and hour in
private.callback_junk_samples (body cut to 1,024 characters); the retention job deletes
counters and samples after 30 days (private.retention_run).
Callers: postgres only (pay_callback; edge functions pay-c2b, pay-verify); no API role.
Returns: the hour''s count so far.';


--
-- Name: can_support_payment(uuid, uuid); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.can_support_payment(p_payment_id uuid, p_user_id uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select exists (
    select 1 from public.payments p
    join public.memberships m on m.organization_id = p.organization_id
    where p.id = p_payment_id and m.user_id = p_user_id and m.role = any (private.roles_at_least('admin'))
  )
$$;


ALTER FUNCTION private.can_support_payment(p_payment_id uuid, p_user_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION can_support_payment(p_payment_id uuid, p_user_id uuid); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.can_support_payment(p_payment_id uuid, p_user_id uuid) IS 'Whether p_user_id (from the admin''s JWT) is an owner or admin of the payment''s organization:
the check before pay-reconcile re-checks one payment for them.
Callers: postgres only (edge function pay-reconcile); no API role.
Returns: boolean.';


--
-- Name: cheapest_plan_kes(uuid); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.cheapest_plan_kes(p_organization_id uuid) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select min(p.price_kes)
  from public.plans p
  join public.plan_sites ps on ps.plan_id = p.id and ps.organization_id = p.organization_id
  where p.organization_id = p_organization_id and p.active
$$;


ALTER FUNCTION private.cheapest_plan_kes(p_organization_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION cheapest_plan_kes(p_organization_id uuid); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.cheapest_plan_kes(p_organization_id uuid) IS 'The price of the cheapest active plan the organization sells at any site: C2B validation refuses
smaller amounts before the customer pays.
Callers: postgres only (edge function pay-c2b); no API role.
Returns: integer KES, or null when it sells nothing.';


--
-- Name: client_network(text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.client_network(p_address text) RETURNS cidr
    LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v inet;
begin
  v := btrim(p_address)::inet;
  return network(set_masklen(v, case family(v) when 4 then 32 else 64 end));
exception when invalid_text_representation then
  return null;
end;
$$;


ALTER FUNCTION private.client_network(p_address text) OWNER TO postgres;

--
-- Name: languages(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.languages() RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  return array['en', 'sw'];
end;
$$;


ALTER FUNCTION private.languages() OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: payments; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.payments (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    site_id uuid,
    plan_id uuid NOT NULL,
    customer_id uuid,
    phone text NOT NULL,
    amount_kes integer NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    checkout_request_id text,
    merchant_request_id text,
    mpesa_receipt text,
    result_code integer,
    result_desc text,
    raw_callback jsonb,
    voucher_id uuid,
    router_id uuid,
    client_mac macaddr,
    idempotency_key text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    settled_at timestamp with time zone,
    status_token text,
    language text DEFAULT (private.languages())[1] NOT NULL,
    push_error text,
    via text,
    receipt_missing boolean DEFAULT false NOT NULL,
    result_code_raw text,
    overpaid_kes integer,
    CONSTRAINT payments_amount_kes_check CHECK ((amount_kes > 0)),
    CONSTRAINT payments_idempotency_key_check CHECK (((char_length(idempotency_key) >= 1) AND (char_length(idempotency_key) <= 200))),
    CONSTRAINT payments_language_check CHECK ((language = ANY (private.languages()))),
    CONSTRAINT payments_overpaid_kes_check CHECK ((overpaid_kes >= 0)),
    CONSTRAINT payments_phone_check CHECK (((phone ~ '^\+254[17][0-9]{8}$'::text) OR (phone ~ '^erased:[0-9a-f]{32}$'::text))),
    CONSTRAINT payments_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'success'::text, 'failed'::text, 'cancelled'::text, 'timeout'::text]))),
    CONSTRAINT payments_status_token_check CHECK ((status_token ~ '^[0-9a-f]{32}$'::text)),
    CONSTRAINT payments_via_check CHECK ((via = ANY (ARRAY['callback'::text, 'query'::text, 'receipt'::text, 'c2b'::text, 'admin'::text])))
);


ALTER TABLE public.payments OWNER TO postgres;

--
-- Name: TABLE payments; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.payments IS 'M-Pesa payments: pending -> success | failed | cancelled | timeout, failed/cancelled/timeout -> success, success final (trigger, 23514). authenticated: owners/admins read; written only by the private payment functions; anon: nothing.';


--
-- Name: create_payment_voucher(public.payments, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.create_payment_voucher(p_payment public.payments, p_receipt text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION private.create_payment_voucher(p_payment public.payments, p_receipt text) OWNER TO postgres;

--
-- Name: customer_for(uuid, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.customer_for(p_organization_id uuid, p_phone text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION private.customer_for(p_organization_id uuid, p_phone text) OWNER TO postgres;

--
-- Name: unmatched_receipts; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.unmatched_receipts (
    receipt text NOT NULL,
    organization_id uuid NOT NULL,
    site_id uuid,
    payment_id uuid,
    phone text,
    amount_kes integer NOT NULL,
    reason text NOT NULL,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    redeemed_at timestamp with time zone,
    redeemed_payment_id uuid,
    overpaid_kes integer,
    msisdn_hint text,
    refunded_at timestamp with time zone,
    refunded_by uuid,
    note text,
    verification text DEFAULT 'unverified'::text NOT NULL,
    verification_requested_at timestamp with time zone,
    verified_at timestamp with time zone,
    verified_amount_kes integer,
    verified_phone text,
    verification_conversation_id text,
    verification_error text,
    CONSTRAINT unmatched_receipts_amount_kes_check CHECK ((amount_kes >= 0)),
    CONSTRAINT unmatched_receipts_check CHECK (((verification <> 'confirmed'::text) OR (verified_amount_kes IS NOT NULL))),
    CONSTRAINT unmatched_receipts_msisdn_hint_check CHECK ((char_length(msisdn_hint) <= 100)),
    CONSTRAINT unmatched_receipts_note_check CHECK ((char_length(note) <= 500)),
    CONSTRAINT unmatched_receipts_overpaid_kes_check CHECK ((overpaid_kes >= 0)),
    CONSTRAINT unmatched_receipts_phone_check CHECK ((phone ~ '^\+254[17][0-9]{8}$'::text)),
    CONSTRAINT unmatched_receipts_reason_check CHECK ((reason = ANY (ARRAY['no_payment'::text, 'amount_mismatch'::text, 'phone_mismatch'::text, 'second_payment'::text, 'plan_unavailable'::text, 'c2b'::text]))),
    CONSTRAINT unmatched_receipts_receipt_check CHECK ((receipt ~ '^[A-Z0-9]{6,20}$'::text)),
    CONSTRAINT unmatched_receipts_verification_check CHECK ((verification = ANY (ARRAY['unverified'::text, 'requested'::text, 'confirmed'::text, 'refuted'::text]))),
    CONSTRAINT unmatched_receipts_verification_conversation_id_check CHECK ((char_length(verification_conversation_id) <= 100)),
    CONSTRAINT unmatched_receipts_verification_error_check CHECK ((char_length(verification_error) <= 500)),
    CONSTRAINT unmatched_receipts_verified_amount_kes_check CHECK ((verified_amount_kes >= 0)),
    CONSTRAINT unmatched_receipts_verified_phone_check CHECK ((verified_phone ~ '^\+254[17][0-9]{8}$'::text))
);


ALTER TABLE private.unmatched_receipts OWNER TO postgres;

--
-- Name: TABLE unmatched_receipts; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.unmatched_receipts IS 'Money that bought nothing yet (no payment, wrong amount or phone, second payment, plan unavailable, C2B), unique per organization and receipt, redeemable once by receipt and phone after Daraja''s Transaction Status confirmed it (verification). No API role: recover_voucher, pay-verify and the support RPCs reach it.';


--
-- Name: customer_receipts(uuid, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.customer_receipts(p_organization_id uuid, p_phone text) RETURNS SETOF private.unmatched_receipts
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select u.*
  from private.unmatched_receipts u
  where u.organization_id = p_organization_id
    and (u.phone = p_phone or u.verified_phone = p_phone
         or (nullif(btrim(u.msisdn_hint), '') is not null and u.msisdn_hint !~ '\*'
             and private.msisdn_matches(u.msisdn_hint, p_phone)))
$$;


ALTER FUNCTION private.customer_receipts(p_organization_id uuid, p_phone text) OWNER TO postgres;

--
-- Name: has_role(uuid, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.has_role(p_organization_id uuid, p_role text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select exists (
    select 1
    from public.memberships m
    where m.organization_id = p_organization_id
      and m.user_id = auth.uid()
      and m.role = p_role
  )
$$;


ALTER FUNCTION private.has_role(p_organization_id uuid, p_role text) OWNER TO postgres;

--
-- Name: has_role_at_least(uuid, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.has_role_at_least(p_organization_id uuid, p_role text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select exists (
    select 1
    from public.memberships m
    where m.organization_id = p_organization_id
      and m.user_id = auth.uid()
      and m.role = any (private.roles_at_least(p_role))
  )
$$;


ALTER FUNCTION private.has_role_at_least(p_organization_id uuid, p_role text) OWNER TO postgres;

--
-- Name: image_type(bytea); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.image_type(p_bytes bytea) RETURNS text
    LANGUAGE sql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select case
    when substr(p_bytes, 1, 8) = '\x89504e470d0a1a0a'::bytea then 'image/png'
    when substr(p_bytes, 1, 3) = '\xffd8ff'::bytea then 'image/jpeg'
    when substr(p_bytes, 1, 4) = '\x52494646'::bytea and substr(p_bytes, 9, 4) = '\x57454250'::bytea
      then 'image/webp'
    when substr(p_bytes, 1, 4) = '\x47494638'::bytea then 'image/gif'
  end
$$;


ALTER FUNCTION private.image_type(p_bytes bytea) OWNER TO postgres;

--
-- Name: is_platform_staff(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.is_platform_staff() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select exists (select 1 from private.platform_staff s where s.user_id = auth.uid())
$$;


ALTER FUNCTION private.is_platform_staff() OWNER TO postgres;

--
-- Name: is_voucher_code(text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.is_voucher_code(p_code text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $_$
begin
  return coalesce(p_code ~ ('^[' || private.voucher_alphabet() || ']{10,14}$'), false);
end;
$_$;


ALTER FUNCTION private.is_voucher_code(p_code text) OWNER TO postgres;

--
-- Name: is_voucher_prefix(text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.is_voucher_prefix(p_prefix text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $_$
begin
  return coalesce(p_prefix ~ ('^[' || private.voucher_alphabet() || ']{0,4}$'), false);
end;
$_$;


ALTER FUNCTION private.is_voucher_prefix(p_prefix text) OWNER TO postgres;

--
-- Name: issue_payment_voucher(uuid); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.issue_payment_voucher(p_payment_id uuid) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION private.issue_payment_voucher(p_payment_id uuid) OWNER TO postgres;

--
-- Name: job_alerts_claim(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.job_alerts_claim() RETURNS TABLE(kind text, name text, node text, last_error text, last_error_at timestamp with time zone, last_succeeded_at timestamp with time zone, failures_in_row integer, recipients text[])
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  return query
  update private.jobs j
  set alerted_at = case when j.alerted_at is null then now() end
  from (
    select c.name, c.node from private.jobs c
    where (c.alerted_at is null and c.failures_in_row >= 3)
       or c.last_succeeded_at > c.alerted_at
    order by c.name, c.node
    limit 1
    for update skip locked
  ) due
  where j.name = due.name and j.node = due.node
  returning case when j.alerted_at is null then 'recovered' else 'failing' end, j.name, j.node,
    j.last_error, j.last_error_at, j.last_succeeded_at, j.failures_in_row,
    array(select u.email::text from private.platform_staff s join auth.users u on u.id = s.user_id
          where u.email is not null order by u.email);
end;
$$;


ALTER FUNCTION private.job_alerts_claim() OWNER TO postgres;

--
-- Name: job_claim(text, text, text[]); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.job_claim(p_runner text, p_node text, p_jobs text[]) RETURNS TABLE(name text, node text, timeout_seconds integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  return query
  update private.jobs j
  set claimed_by = p_runner,
      -- Twice the timeout (at most a minute more): the runner gives up at the timeout, so a
      -- live runner always finishes inside its lease.
      lease_until = now() + make_interval(secs => j.timeout_seconds + least(j.timeout_seconds, 60)),
      last_started_at = now(),
      due_at = now() + make_interval(secs => j.period_seconds),
      runs = j.runs + 1
  from (
    select c.name, c.node from private.jobs c
    where c.node in ('', p_node)
      and c.name = any (p_jobs)
      -- Due, or its last run was lost: the lease ran out without a finish (a killed runner).
      and (c.due_at <= now() or c.lease_until < now())
      and (c.lease_until is null or c.lease_until < now())
    for update skip locked
  ) due
  where j.name = due.name and j.node = due.node
  returning j.name, j.node, j.timeout_seconds;
end;
$$;


ALTER FUNCTION private.job_claim(p_runner text, p_node text, p_jobs text[]) OWNER TO postgres;

--
-- Name: job_finish(text, text, text, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.job_finish(p_name text, p_node text, p_runner text, p_error text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  update private.jobs j
  set claimed_by = null,
      lease_until = null,
      last_duration_ms = least(extract(epoch from clock_timestamp() - j.last_started_at) * 1000,
                               2147483647)::integer,
      last_succeeded_at = case when p_error is null then clock_timestamp() else j.last_succeeded_at end,
      last_error = coalesce(left(p_error, 1000), j.last_error),
      last_error_at = case when p_error is null then j.last_error_at else clock_timestamp() end,
      failures = j.failures + (p_error is not null)::integer,
      failures_in_row = case when p_error is null then 0 else j.failures_in_row + 1 end
  where j.name = p_name and j.node = p_node and j.claimed_by = p_runner;
  return found;
end;
$$;


ALTER FUNCTION private.job_finish(p_name text, p_node text, p_runner text, p_error text) OWNER TO postgres;

--
-- Name: job_register(text, text, integer, integer); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.job_register(p_name text, p_node text, p_period_seconds integer, p_timeout_seconds integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  insert into private.jobs (name, node, period_seconds, timeout_seconds)
  values (p_name, p_node, p_period_seconds, p_timeout_seconds)
  on conflict (name, node) do update
    set period_seconds = excluded.period_seconds, timeout_seconds = excluded.timeout_seconds
    where (private.jobs.period_seconds, private.jobs.timeout_seconds)
          is distinct from (excluded.period_seconds, excluded.timeout_seconds);
end;
$$;


ALTER FUNCTION private.job_register(p_name text, p_node text, p_period_seconds integer, p_timeout_seconds integer) OWNER TO postgres;

--
-- Name: job_wake(text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.job_wake(p_name text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  update private.jobs j set due_at = now() where j.name = p_name and j.due_at > now();
end;
$$;


ALTER FUNCTION private.job_wake(p_name text) OWNER TO postgres;

--
-- Name: keep_last_owner(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.keep_last_owner() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if old.role <> 'owner' then
    return coalesce(new, old);
  end if;
  if tg_op = 'UPDATE' and new.role = 'owner' and new.organization_id = old.organization_id then
    return new;
  end if;
  perform 1 from public.organizations o where o.id = old.organization_id for update;
  if not found then
    return coalesce(new, old);
  end if;
  if not exists (
    select 1
    from public.memberships m
    where m.organization_id = old.organization_id
      and m.role = 'owner'
      and m.id <> old.id
  ) then
    raise exception 'an organization must keep at least one owner: make another member owner first'
      using errcode = '23514', hint = 'last_owner';
  end if;
  return coalesce(new, old);
end;
$$;


ALTER FUNCTION private.keep_last_owner() OWNER TO postgres;

--
-- Name: language_or_default(text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.language_or_default(p_language text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_languages constant text[] := private.languages();
begin
  return case when p_language = any (v_languages) then p_language else v_languages[1] end;
end;
$$;


ALTER FUNCTION private.language_or_default(p_language text) OWNER TO postgres;

--
-- Name: limit_router_changes(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.limit_router_changes() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  -- The limit and its window (one place to change; not a platform setting yet).
  c_limit constant integer := 20;
  c_window constant interval := interval '10 minutes';
  v_row public.routers := case when tg_op = 'DELETE' then old else new end;
  v_count integer;
  v_oldest timestamptz;
  v_retry integer;
begin
  if auth.role() is distinct from 'authenticated'
     or exists (select 1 from private.router_changes c
                where c.organization_id = v_row.organization_id and c.xact = pg_current_xact_id()) then
    return v_row;
  end if;
  perform pg_advisory_xact_lock(hashtextextended('router_changes:' || v_row.organization_id::text, 0));
  delete from private.router_changes c
  where c.organization_id = v_row.organization_id and c.changed_at <= now() - c_window;
  select count(*), min(c.changed_at) into v_count, v_oldest
  from private.router_changes c
  where c.organization_id = v_row.organization_id;
  if v_count >= c_limit then
    -- Until the oldest counted change leaves the window.
    v_retry := greatest(ceil(extract(epoch from v_oldest + c_window - now())), 1)::integer;
    raise exception 'too many router changes: at most % per organization in % minutes; try again in % s',
      c_limit, extract(epoch from c_window)::integer / 60, v_retry
      using errcode = '54000', hint = 'router_changes_rate_limited',
            detail = jsonb_build_object('retry_after_seconds', v_retry)::text;
  end if;
  -- A router deleted with its organization: nothing left to limit.
  if exists (select 1 from public.organizations o where o.id = v_row.organization_id) then
    insert into private.router_changes (organization_id) values (v_row.organization_id);
  end if;
  return v_row;
end;
$$;


ALTER FUNCTION private.limit_router_changes() OWNER TO postgres;

--
-- Name: lock_router_address(inet); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.lock_router_address(p_address inet) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if p_address is not null then
    perform pg_advisory_xact_lock(hashtextextended('wifi-billing router address ' || p_address::text, 0));
  end if;
end;
$$;


ALTER FUNCTION private.lock_router_address(p_address inet) OWNER TO postgres;

--
-- Name: lock_site_slug(text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.lock_site_slug(p_slug text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if p_slug is not null then
    perform pg_advisory_xact_lock(hashtextextended('wifi-billing site slug ' || p_slug, 0));
  end if;
end;
$$;


ALTER FUNCTION private.lock_site_slug(p_slug text) OWNER TO postgres;

--
-- Name: FUNCTION lock_site_slug(p_slug text); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.lock_site_slug(p_slug text) IS 'Takes the transaction-level advisory lock of one slug.
Callers: the sites triggers.
Returns: nothing.';


--
-- Name: lookup_buckets(text, uuid, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.lookup_buckets(p_kind text, p_site_id uuid, p_client text) RETURNS text[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION private.lookup_buckets(p_kind text, p_site_id uuid, p_client text) OWNER TO postgres;

--
-- Name: lookup_miss(text, uuid, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.lookup_miss(p_kind text, p_site_id uuid, p_client text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select count(private.rate_limit_hit('miss:' || b, 2147483647, 600))
  from unnest(private.lookup_buckets(p_kind, p_site_id, p_client)) b
  where b is not null;
$$;


ALTER FUNCTION private.lookup_miss(p_kind text, p_site_id uuid, p_client text) OWNER TO postgres;

--
-- Name: lookup_throttle(text, uuid, text, integer, integer); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.lookup_throttle(p_kind text, p_site_id uuid, p_client text, p_limit integer, p_miss_limit integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION private.lookup_throttle(p_kind text, p_site_id uuid, p_client text, p_limit integer, p_miss_limit integer) OWNER TO postgres;

--
-- Name: mac_or_null(text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.mac_or_null(p_mac text) RETURNS macaddr
    LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if length(p_mac) > 40 or not radius.is_mac(p_mac) then
    return null;
  end if;
  return radius.normalise_mac(p_mac)::macaddr;
end;
$$;


ALTER FUNCTION private.mac_or_null(p_mac text) OWNER TO postgres;

--
-- Name: masked_phone(text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.masked_phone(p_phone text) RETURNS text
    LANGUAGE sql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $_$
  select case when p_phone ~ '^\+254[17][0-9]{8}$'
    then left(p_phone, 5) || '******' || right(p_phone, 2) end
$_$;


ALTER FUNCTION private.masked_phone(p_phone text) OWNER TO postgres;

--
-- Name: member_at_least(uuid, uuid, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.member_at_least(p_user_id uuid, p_organization_id uuid, p_role text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select exists (
    select 1 from public.memberships m
    where m.organization_id = p_organization_id and m.user_id = p_user_id
      and m.role = any (private.roles_at_least(p_role)));
$$;


ALTER FUNCTION private.member_at_least(p_user_id uuid, p_organization_id uuid, p_role text) OWNER TO postgres;

--
-- Name: FUNCTION member_at_least(p_user_id uuid, p_organization_id uuid, p_role text); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.member_at_least(p_user_id uuid, p_organization_id uuid, p_role text) IS 'Whether the user is a member of the organization with at least that role.
Callers: edge_functions (pay-c2b).
Returns: boolean.';


--
-- Name: mpesa_credentials(uuid); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.mpesa_credentials(p_organization_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select to_jsonb(m) from private.mpesa_settings m where m.organization_id = p_organization_id
$$;


ALTER FUNCTION private.mpesa_credentials(p_organization_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION mpesa_credentials(p_organization_id uuid); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.mpesa_credentials(p_organization_id uuid) IS 'An organization''s Daraja credentials, secrets included, for the edge functions.
Callers: postgres only (supabase/functions/_shared/daraja-client.ts); never an API role.
Returns: the private.mpesa_settings row as jsonb (organization_id, environment, shortcode,
account_type, till_number, passkey, consumer_key, consumer_secret, initiator_name,
security_credential, updated_at, updated_by), or null when M-Pesa is not configured.';


--
-- Name: msisdn_matches(text, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.msisdn_matches(p_hint text, p_phone text) RETURNS boolean
    LANGUAGE sql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $_$
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
$_$;


ALTER FUNCTION private.msisdn_matches(p_hint text, p_phone text) OWNER TO postgres;

--
-- Name: my_confirmed_email(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.my_confirmed_email() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select lower(u.email::text) from auth.users u
  where u.id = auth.uid() and u.email_confirmed_at is not null and u.deleted_at is null
$$;


ALTER FUNCTION private.my_confirmed_email() OWNER TO postgres;

--
-- Name: nairobi_day(timestamp with time zone); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.nairobi_day(p_at timestamp with time zone) RETURNS date
    LANGUAGE sql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select (p_at at time zone 'Africa/Nairobi')::date;
$$;


ALTER FUNCTION private.nairobi_day(p_at timestamp with time zone) OWNER TO postgres;

--
-- Name: new_voucher_code(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.new_voucher_code() RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_alphabet constant text := private.voucher_alphabet();
  v_code text := '';
  v_bytes bytea;
  v_byte integer;
begin
  while char_length(v_code) < 10 loop
    v_bytes := extensions.gen_random_bytes(16);
    for i in 0 .. 15 loop
      v_byte := get_byte(v_bytes, i);
      if v_byte < 248 then
        v_code := v_code || substr(v_alphabet, (v_byte % 31) + 1, 1);
        exit when char_length(v_code) = 10;
      end if;
    end loop;
  end loop;
  return v_code;
end;
$$;


ALTER FUNCTION private.new_voucher_code() OWNER TO postgres;

--
-- Name: FUNCTION new_voucher_code(); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.new_voucher_code() IS 'A new voucher code: 10 symbols of 23456789ABCDEFGHJKMNPQRSTUVWXYZ (about 49.5 bits, pgcrypto
CSPRNG, bytes >= 248 rejected so the draw is unbiased).
Callers: the default of vouchers.code, so authenticated and service_role execute it; batches put
their prefix in front.
Returns: text.';


--
-- Name: normalise_phone(text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.normalise_phone(p_input text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $_$
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
$_$;


ALTER FUNCTION private.normalise_phone(p_input text) OWNER TO postgres;

--
-- Name: normalise_voucher_code(text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.normalise_voucher_code(p_input text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  return upper(private.strip_separators(p_input, '\u2010-\u2015\u2212-'));
end;
$$;


ALTER FUNCTION private.normalise_voucher_code(p_input text) OWNER TO postgres;

--
-- Name: notify_radius_clients(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.notify_radius_clients() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  perform pg_notify('radius_clients', '');
  return null;
end;
$$;


ALTER FUNCTION private.notify_radius_clients() OWNER TO postgres;

--
-- Name: notify_receipt_verification(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.notify_receipt_verification() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  perform pg_notify('receipt_verification', '');
  return null;
end;
$$;


ALTER FUNCTION private.notify_receipt_verification() OWNER TO postgres;

--
-- Name: FUNCTION notify_receipt_verification(); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.notify_receipt_verification() IS 'Trigger: NOTIFY receipt_verification when an unmatched receipt is stored, so the worker runs
pay-verify at once (Transaction Status query) instead of at its next period.
Callers: trigger unmatched_receipts_verify on private.unmatched_receipts.
Returns: null (statement trigger).';


--
-- Name: notify_sms_outbox(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.notify_sms_outbox() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  perform pg_notify('sms_outbox', '');
  return null;
end;
$$;


ALTER FUNCTION private.notify_sms_outbox() OWNER TO postgres;

--
-- Name: orgs_with_role(text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.orgs_with_role(p_role text) RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER ROWS 5
    SET search_path TO ''
    AS $$
  select m.organization_id
  from public.memberships m
  where m.user_id = auth.uid()
    and m.role = p_role
$$;


ALTER FUNCTION private.orgs_with_role(p_role text) OWNER TO postgres;

--
-- Name: FUNCTION orgs_with_role(p_role text); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.orgs_with_role(p_role text) IS 'Policy helper: the organizations in which the calling user (auth.uid()) holds exactly p_role.
Callers: authenticated, through the policies (organization_id in (select private.orgs_with_role(...)),
evaluated once per statement).
Returns: setof uuid; none without a user.';


--
-- Name: orgs_with_role_at_least(text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.orgs_with_role_at_least(p_role text) RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER ROWS 5
    SET search_path TO ''
    AS $$
  select m.organization_id
  from public.memberships m
  where m.user_id = auth.uid()
    and m.role = any (private.roles_at_least(p_role))
$$;


ALTER FUNCTION private.orgs_with_role_at_least(p_role text) OWNER TO postgres;

--
-- Name: FUNCTION orgs_with_role_at_least(p_role text); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.orgs_with_role_at_least(p_role text) IS 'Policy helper: the organizations in which the calling user (auth.uid()) holds p_role or a role
above it (private.roles() gives the order).
Callers: authenticated, through the policies, as orgs_with_role().
Returns: setof uuid; none without a user.';


--
-- Name: pay_callback(uuid, text, text, jsonb); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.pay_callback(p_payment_id uuid, p_body text, p_verdict text, p_parsed jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION private.pay_callback(p_payment_id uuid, p_body text, p_verdict text, p_parsed jsonb) OWNER TO postgres;

--
-- Name: FUNCTION pay_callback(p_payment_id uuid, p_body text, p_verdict text, p_parsed jsonb); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.pay_callback(p_payment_id uuid, p_body text, p_verdict text, p_parsed jsonb) IS 'An STK callback as pay-notify received it. p_verdict forged | malformed | oversized, or a
signed URL whose payment settled more than platform_settings.callback_url_hours (48) ago
(outcome expired): counted by private.callback_junk, not stored. Otherwise (p_verdict received,
p_parsed {checkout_request_id, merchant_request_id, result_code, result_desc, amount, receipt,
phone}) the raw body (first 64 KiB) is stored in private.payment_callbacks and settled by
settle_payment in a subtransaction, and its outcome becomes the verdict (a failure: verdict
error, the callback stays stored).
Callers: postgres only (edge function pay-notify); no API role.
Returns: settle_payment''s answer plus callback_id, {outcome: error, callback_id}, or
{outcome: forged | malformed | oversized | expired} (nothing stored).';


--
-- Name: pay_mark_timeout(uuid, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.pay_mark_timeout(p_payment_id uuid, p_reason text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  update public.payments p
  set status = 'timeout', result_desc = left(p_reason, 500), via = 'query'
  where p.id = p_payment_id and p.status = 'pending';
  return found;
end;
$$;


ALTER FUNCTION private.pay_mark_timeout(p_payment_id uuid, p_reason text) OWNER TO postgres;

--
-- Name: FUNCTION pay_mark_timeout(p_payment_id uuid, p_reason text); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.pay_mark_timeout(p_payment_id uuid, p_reason text) IS 'Marks a still-pending payment timeout (result_desc p_reason, via query); a later success
callback can still overturn it.
Callers: postgres only (edge function pay-reconcile); no API role.
Returns: true when the payment was pending and is now timeout.';


--
-- Name: pay_push_result(uuid, text, text, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.pay_push_result(p_payment_id uuid, p_checkout_request_id text, p_merchant_request_id text, p_error text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION private.pay_push_result(p_payment_id uuid, p_checkout_request_id text, p_merchant_request_id text, p_error text) OWNER TO postgres;

--
-- Name: FUNCTION pay_push_result(p_payment_id uuid, p_checkout_request_id text, p_merchant_request_id text, p_error text); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.pay_push_result(p_payment_id uuid, p_checkout_request_id text, p_merchant_request_id text, p_error text) IS 'Stores Daraja''s answer to the STK push: the CheckoutRequestID (kept as it is when a callback
that came first set it), or p_error, which fails the payment (push_error) if it is still pending
and has no checkout yet.
Callers: postgres only (edge function pay-start); no API role.
Returns: {status, checkout_request_id}.
Errors: P0002 unknown payment.';


--
-- Name: pay_reconcile_candidate(uuid); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.pay_reconcile_candidate(p_payment_id uuid) RETURNS TABLE(payment_id uuid, organization_id uuid, checkout_request_id text, age_seconds integer)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select p.id, p.organization_id, p.checkout_request_id,
         extract(epoch from now() - p.created_at)::integer
  from public.payments p
  where p.id = p_payment_id and p.status = 'pending';
$$;


ALTER FUNCTION private.pay_reconcile_candidate(p_payment_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION pay_reconcile_candidate(p_payment_id uuid); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.pay_reconcile_candidate(p_payment_id uuid) IS 'A pending payment as a reconcile candidate (payment_id, organization_id, checkout_request_id,
age_seconds); no row for an unknown or settled payment.
Callers: edge_functions (pay-reconcile, a support re-check).
Returns: zero or one row.';


--
-- Name: pay_reconcile_candidates(integer, integer); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.pay_reconcile_candidates(p_older_than_seconds integer, p_limit integer) RETURNS TABLE(payment_id uuid, organization_id uuid, checkout_request_id text, age_seconds integer)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select p.id, p.organization_id, p.checkout_request_id,
         extract(epoch from now() - p.created_at)::integer
  from public.payments p
  where p.status = 'pending'
    and p.created_at < now() - make_interval(secs => p_older_than_seconds)
  order by p.created_at
  limit p_limit
$$;


ALTER FUNCTION private.pay_reconcile_candidates(p_older_than_seconds integer, p_limit integer) OWNER TO postgres;

--
-- Name: FUNCTION pay_reconcile_candidates(p_older_than_seconds integer, p_limit integer); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.pay_reconcile_candidates(p_older_than_seconds integer, p_limit integer) IS 'Pending payments older than p_older_than_seconds, oldest first, at most p_limit.
Callers: postgres only (edge function pay-reconcile); no API role.
Returns: rows (payment_id, organization_id, checkout_request_id, age_seconds).';


--
-- Name: pay_start(uuid, uuid, text, uuid, text, text, text, text, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.pay_start(p_site_id uuid, p_plan_id uuid, p_phone text, p_router_id uuid, p_client_mac text, p_idempotency_key text, p_language text, p_client_ip text DEFAULT NULL::text, p_login_host text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION private.pay_start(p_site_id uuid, p_plan_id uuid, p_phone text, p_router_id uuid, p_client_mac text, p_idempotency_key text, p_language text, p_client_ip text, p_login_host text) OWNER TO postgres;

--
-- Name: FUNCTION pay_start(p_site_id uuid, p_plan_id uuid, p_phone text, p_router_id uuid, p_client_mac text, p_idempotency_key text, p_language text, p_client_ip text, p_login_host text); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.pay_start(p_site_id uuid, p_plan_id uuid, p_phone text, p_router_id uuid, p_client_mac text, p_idempotency_key text, p_language text, p_client_ip text, p_login_host text) IS 'Records a pending payment before the STK push, or returns the one this request already made.
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


--
-- Name: pay_start_answer(public.payments, boolean, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.pay_start_answer(p_payment public.payments, p_existing boolean, p_plan_name text) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION private.pay_start_answer(p_payment public.payments, p_existing boolean, p_plan_name text) OWNER TO postgres;

--
-- Name: payment_rollup(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.payment_rollup() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if tg_op = 'INSERT' then
    insert into private.daily_payments as d (organization_id, day, site_id, status, payments)
    values (new.organization_id, (new.created_at at time zone 'Africa/Nairobi')::date,
            new.site_id, new.status, 1)
    on conflict (organization_id, day, site_id, status)
    do update set payments = d.payments + excluded.payments;
  elsif new.status is distinct from old.status then
    insert into private.daily_payments as d (organization_id, day, site_id, status, payments)
    values (old.organization_id, (old.created_at at time zone 'Africa/Nairobi')::date,
            old.site_id, old.status, -1),
           (new.organization_id, (new.created_at at time zone 'Africa/Nairobi')::date,
            new.site_id, new.status, 1)
    on conflict (organization_id, day, site_id, status)
    do update set payments = d.payments + excluded.payments;
  end if;
  if new.status = 'success' and (tg_op = 'INSERT' or old.status <> 'success') then
    insert into private.daily_sales as d (organization_id, day, site_id, plan_id, via, vouchers,
                                          kes)
    values (new.organization_id,
            (coalesce(new.settled_at, now()) at time zone 'Africa/Nairobi')::date,
            new.site_id, new.plan_id, 'mpesa', 1, new.amount_kes)
    on conflict (organization_id, day, site_id, plan_id, via)
    do update set vouchers = d.vouchers + excluded.vouchers, kes = d.kes + excluded.kes;
  end if;
  return null;
end;
$$;


ALTER FUNCTION private.payment_rollup() OWNER TO postgres;

--
-- Name: payment_status_for(text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.payment_status_for(p_result_code text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION private.payment_status_for(p_result_code text) OWNER TO postgres;

--
-- Name: payment_transition(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.payment_transition() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION private.payment_transition() OWNER TO postgres;

--
-- Name: plan_discount_owner_only(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.plan_discount_owner_only() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if auth.uid() is not null
     and new.max_discount_kes is distinct from
         (case when tg_op = 'INSERT' then 0 else old.max_discount_kes end)
     and not private.has_role(new.organization_id, 'owner') then
    raise exception 'only owners can set a plan''s discount'
      using errcode = '42501', hint = 'discount_owner_only';
  end if;
  return new;
end;
$$;


ALTER FUNCTION private.plan_discount_owner_only() OWNER TO postgres;

--
-- Name: platform_settings_changed(text, jsonb); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.platform_settings_changed(p_action text, p_detail jsonb) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  update private.platform_settings set updated_at = now(), updated_by = auth.uid();
  insert into private.platform_audit (actor, action, detail) values (auth.uid(), p_action, p_detail);
end;
$$;


ALTER FUNCTION private.platform_settings_changed(p_action text, p_detail jsonb) OWNER TO postgres;

--
-- Name: organizations; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.organizations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name text NOT NULL,
    routers_approved_at timestamp with time zone DEFAULT now(),
    suspended_at timestamp with time zone,
    suspended_reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT organizations_check CHECK (((suspended_at IS NULL) = (suspended_reason IS NULL))),
    CONSTRAINT organizations_name_check CHECK (((char_length(btrim(name)) >= 1) AND (char_length(btrim(name)) <= 100))),
    CONSTRAINT organizations_suspended_reason_check CHECK ((char_length(suspended_reason) <= 500))
);


ALTER TABLE public.organizations OWNER TO postgres;

--
-- Name: TABLE organizations; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.organizations IS 'Tenants: one hotspot business each; every other row belongs to one. authenticated: members read, owners update name; created only by create_organization(); approved, suspended and resumed only by platform staff''s RPCs; anon: nothing.';


--
-- Name: platform_target(uuid); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.platform_target(p_organization_id uuid) RETURNS public.organizations
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_org public.organizations;
begin
  perform private.require_platform_staff();
  select o.* into v_org from public.organizations o where o.id = p_organization_id for update;
  if v_org.id is null then
    raise exception 'no such organization'
      using errcode = 'P0002', hint = 'organization_not_found';
  end if;
  return v_org;
end;
$$;


ALTER FUNCTION private.platform_target(p_organization_id uuid) OWNER TO postgres;

--
-- Name: radius_voucher_disconnects(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.radius_voucher_disconnects() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if new.status = 'active' then
    update radius.disconnects d
    set state = 'cancelled', detail = 'voucher reactivated', done_at = now()
    where d.voucher_id = new.id and d.state = 'pending' and d.reason <> 'admin';
  else
    perform radius.queue_disconnect(a.radacctid, new.id, new.status, auth.uid())
    from radius.radacct a
    where a.voucher_id = new.id and a.acctstoptime is null;
  end if;
  return null;
end;
$$;


ALTER FUNCTION private.radius_voucher_disconnects() OWNER TO postgres;

--
-- Name: rate_limit_hit(text, integer, integer); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.rate_limit_hit(p_bucket text, p_limit integer, p_window_seconds integer) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION private.rate_limit_hit(p_bucket text, p_limit integer, p_window_seconds integer) OWNER TO postgres;

--
-- Name: rate_limit_wait(integer); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.rate_limit_wait(p_window_seconds integer) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select greatest(1, ceil(p_window_seconds - extract(epoch from now())::numeric % p_window_seconds))::integer
$$;


ALTER FUNCTION private.rate_limit_wait(p_window_seconds integer) OWNER TO postgres;

--
-- Name: rebuild_rollups(uuid); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.rebuild_rollups(p_organization_id uuid) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_rows integer;
begin
  delete from private.daily_sales where organization_id = p_organization_id;
  delete from private.daily_payments where organization_id = p_organization_id;
  insert into private.daily_payments (organization_id, day, site_id, status, payments)
  select p.organization_id, private.nairobi_day(p.created_at), p.site_id, p.status, count(*)
  from public.payments p where p.organization_id = p_organization_id
  group by 1, 2, 3, 4;
  insert into private.daily_sales (organization_id, day, site_id, plan_id, via, vouchers, kes)
  select s.organization_id, s.day, s.site_id, s.plan_id, s.via, count(*), sum(s.kes)
  from (select p.organization_id, private.nairobi_day(coalesce(p.settled_at, p.created_at)) as day,
               p.site_id, p.plan_id, 'mpesa' as via, p.amount_kes as kes
        from public.payments p
        where p.organization_id = p_organization_id and p.status = 'success'
        union all
        select v.organization_id, private.nairobi_day(v.sold_at), null, v.plan_id, 'cash',
               coalesce(v.sold_price_kes, 0)
        from public.vouchers v
        where v.organization_id = p_organization_id and v.sold_at is not null
          and v.sold_by is not null) s
  group by 1, 2, 3, 4, 5;
  get diagnostics v_rows = row_count;
  return v_rows;
end;
$$;


ALTER FUNCTION private.rebuild_rollups(p_organization_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION rebuild_rollups(p_organization_id uuid); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.rebuild_rollups(p_organization_id uuid) IS 'Recomputes the organization''s dashboard rollups (private.daily_sales, private.daily_payments)
from its payments and vouchers: after a bulk load with triggers off, or as a repair.
Callers: postgres only (an operator); no API role.
Returns: the number of private.daily_sales rows written.';


--
-- Name: receipt_cross_check(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.receipt_cross_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION private.receipt_cross_check() OWNER TO postgres;

--
-- Name: FUNCTION receipt_cross_check(); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.receipt_cross_check() IS 'Trigger: a receipt (payments.mpesa_receipt, unmatched_receipts.receipt) that another organization
already holds is recorded in private.receipt_alerts for platform staff.
Callers: triggers payments_receipt_cross_check*, unmatched_receipts_cross_check.
Returns: null (after-row trigger).';


--
-- Name: receipt_status_result(uuid, text, text, jsonb); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.receipt_status_result(p_organization_id uuid, p_receipt text, p_body text, p_parsed jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $_$
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
$_$;


ALTER FUNCTION private.receipt_status_result(p_organization_id uuid, p_receipt text, p_body text, p_parsed jsonb) OWNER TO postgres;

--
-- Name: FUNCTION receipt_status_result(p_organization_id uuid, p_receipt text, p_body text, p_parsed jsonb); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.receipt_status_result(p_organization_id uuid, p_receipt text, p_body text, p_parsed jsonb) IS 'Daraja''s Transaction Status result (or queue timeout) for one unmatched receipt, from the
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


--
-- Name: receipt_verification_claim(integer, uuid); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.receipt_verification_claim(p_limit integer, p_organization_id uuid DEFAULT NULL::uuid) RETURNS TABLE(organization_id uuid, receipt text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION private.receipt_verification_claim(p_limit integer, p_organization_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION receipt_verification_claim(p_limit integer, p_organization_id uuid); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.receipt_verification_claim(p_limit integer, p_organization_id uuid) IS 'Claims up to p_limit (1 to 500) unmatched receipts waiting for Daraja''s Transaction Status
(unverified, or requested more than 5 minutes ago; not redeemed or refunded; the organization has
an initiator), optionally of one organization, and marks them requested now (skip locked: runs
never ask twice).
Callers: postgres only (edge function pay-verify); no API role.
Returns: setof (organization_id, receipt).';


--
-- Name: receipt_verification_sent(uuid, text, text, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.receipt_verification_sent(p_organization_id uuid, p_receipt text, p_conversation_id text, p_error text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  update private.unmatched_receipts u
  set verification_conversation_id = coalesce(left(p_conversation_id, 100), u.verification_conversation_id),
      verification_error = left(p_error, 500)
  where u.organization_id = p_organization_id and u.receipt = p_receipt
    and u.verification = 'requested'
$$;


ALTER FUNCTION private.receipt_verification_sent(p_organization_id uuid, p_receipt text, p_conversation_id text, p_error text) OWNER TO postgres;

--
-- Name: FUNCTION receipt_verification_sent(p_organization_id uuid, p_receipt text, p_conversation_id text, p_error text); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.receipt_verification_sent(p_organization_id uuid, p_receipt text, p_conversation_id text, p_error text) IS 'Records Daraja''s synchronous answer to a Transaction Status query: the ConversationID, or the
error (null when accepted); the receipt stays requested (asked again after 5 minutes).
Callers: postgres only (edge function pay-verify); no API role.
Returns: nothing.';


--
-- Name: refuse_when_suspended(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.refuse_when_suspended() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_row jsonb;
  v_org uuid;
begin
  if pg_trigger_depth() > 1 or auth.role() is distinct from 'authenticated'
     or private.is_platform_staff() then
    return case when tg_op = 'DELETE' then old else new end;
  end if;
  v_row := to_jsonb(case when tg_op = 'DELETE' then old else new end);
  v_org := case tg_table_name
    when 'organizations' then (v_row ->> 'id')::uuid
    when 'site_logos' then (select s.organization_id from public.sites s
                            where s.id = (v_row ->> 'site_id')::uuid)
    else (v_row ->> 'organization_id')::uuid
  end;
  if exists (select 1 from public.organizations o where o.id = v_org and o.suspended_at is not null) then
    raise exception 'this organization is suspended: it can be read but not changed'
      using errcode = '42501', hint = 'organization_suspended';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end;
$$;


ALTER FUNCTION private.refuse_when_suspended() OWNER TO postgres;

--
-- Name: require_manager(uuid); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.require_manager(p_organization_id uuid) RETURNS void
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if not private.has_role_at_least(p_organization_id, 'admin') then
    raise exception 'only owners and admins can see sessions and routers'
      using errcode = '42501', hint = 'not_allowed';
  end if;
end;
$$;


ALTER FUNCTION private.require_manager(p_organization_id uuid) OWNER TO postgres;

--
-- Name: require_platform_staff(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.require_platform_staff() RETURNS void
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if not private.is_platform_staff() then
    raise exception 'only platform staff may do this'
      using errcode = '42501', hint = 'not_platform_staff';
  end if;
end;
$$;


ALTER FUNCTION private.require_platform_staff() OWNER TO postgres;

--
-- Name: retention_cutoff(text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.retention_cutoff(p_kind text) RETURNS timestamp with time zone
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select now() - make_interval(days => r.days) from private.retention_policies r where r.kind = p_kind
$$;


ALTER FUNCTION private.retention_cutoff(p_kind text) OWNER TO postgres;

--
-- Name: retention_run(integer); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.retention_run(p_batch integer DEFAULT 10000) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_done jsonb := '{}'::jsonb;
  v_count integer;
  v_cutoff timestamptz;
begin
  -- Sessions: rolled up into daily_usage in the statement that deletes them.
  v_cutoff := private.retention_cutoff('radacct');
  with gone as (
    delete from radius.radacct a
    where a.ctid = any (array(
      select a2.ctid from radius.radacct a2
      where a2.acctstoptime < v_cutoff
      limit p_batch))
    returning a.organization_id, a.router_id, a.acctstarttime, a.acctstoptime, a.acctsessiontime,
              a.acctinputoctets, a.acctoutputoctets
  ), rolled as (
    insert into private.daily_usage as u (organization_id, day, router_id, sessions, seconds,
                                          input_octets, output_octets)
    select g.organization_id, private.nairobi_day(coalesce(g.acctstarttime, g.acctstoptime)),
           g.router_id, count(*), coalesce(sum(g.acctsessiontime), 0),
           coalesce(sum(g.acctinputoctets), 0), coalesce(sum(g.acctoutputoctets), 0)
    from gone g
    where g.organization_id is not null
    group by 1, 2, 3
    on conflict (organization_id, day, router_id) do update
    set sessions = u.sessions + excluded.sessions,
        seconds = u.seconds + excluded.seconds,
        input_octets = u.input_octets + excluded.input_octets,
        output_octets = u.output_octets + excluded.output_octets
  )
  select count(*) into v_count from gone;
  v_done := v_done || jsonb_build_object('radacct', v_count);

  v_cutoff := private.retention_cutoff('radpostauth');
  delete from radius.radpostauth p
  where p.ctid = any (array(
    select p2.ctid from radius.radpostauth p2 where p2.authdate < v_cutoff limit p_batch));
  get diagnostics v_count = row_count;
  v_done := v_done || jsonb_build_object('radpostauth', v_count);

  v_cutoff := private.retention_cutoff('payment_callbacks');
  delete from private.payment_callbacks c
  where c.ctid = any (array(
    select c2.ctid from private.payment_callbacks c2 where c2.received_at < v_cutoff limit p_batch));
  get diagnostics v_count = row_count;
  v_done := v_done || jsonb_build_object('payment_callbacks', v_count);

  v_cutoff := private.retention_cutoff('sms_outbox');
  delete from public.sms_outbox s
  where s.ctid = any (array(
    select s2.ctid from public.sms_outbox s2
    where s2.created_at < v_cutoff and s2.status <> 'queued' limit p_batch));
  get diagnostics v_count = row_count;
  v_done := v_done || jsonb_build_object('sms_outbox', v_count);

  v_cutoff := private.retention_cutoff('disconnects');
  delete from radius.disconnects d
  where d.ctid = any (array(
    select d2.ctid from radius.disconnects d2
    where coalesce(d2.done_at, d2.created_at) < v_cutoff
      and (d2.state <> 'pending' or d2.created_at < v_cutoff)
    limit p_batch));
  get diagnostics v_count = row_count;
  v_done := v_done || jsonb_build_object('disconnects', v_count);

  v_cutoff := private.retention_cutoff('callback_junk');
  delete from private.callback_junk j where j.hour < v_cutoff;
  get diagnostics v_count = row_count;
  delete from private.callback_junk_samples s where s.hour < v_cutoff;
  v_done := v_done || jsonb_build_object('callback_junk', v_count);

  v_cutoff := private.retention_cutoff('rate_limits');
  delete from private.rate_limits r
  where r.ctid = any (array(
    select r2.ctid from private.rate_limits r2 where r2.window_start < v_cutoff limit p_batch));
  get diagnostics v_count = row_count;
  v_done := v_done || jsonb_build_object('rate_limits', v_count);

  v_cutoff := private.retention_cutoff('lockouts');
  delete from radius.lockouts l
  where l.ctid = any (array(
    select l2.ctid from radius.lockouts l2
    where greatest(l2.window_started_at, coalesce(l2.locked_until, l2.window_started_at)) < v_cutoff
    limit p_batch));
  get diagnostics v_count = row_count;
  v_done := v_done || jsonb_build_object('lockouts', v_count);

  return v_done;
end;
$$;


ALTER FUNCTION private.retention_run(p_batch integer) OWNER TO postgres;

--
-- Name: FUNCTION retention_run(p_batch integer); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.retention_run(p_batch integer) IS 'Deletes, per kind in private.retention_policies, up to p_batch records older than its days:
closed sessions (rolled up into private.daily_usage in the same statement), login attempts,
M-Pesa callbacks, sent or failed SMS, finished disconnects (pending ones once past retention),
junk-callback counters and samples (hours; not batched: one row per kind, reason and hour),
rate-limit windows, lockouts. Payments, vouchers, customers and audit logs are never deleted.
Callers: worker (the hourly retention job).
Returns: {radacct, radpostauth, payment_callbacks, sms_outbox, disconnects, callback_junk,
rate_limits, lockouts: rows deleted}.';


--
-- Name: roles(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.roles() RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  return array['owner', 'admin', 'agent'];
end;
$$;


ALTER FUNCTION private.roles() OWNER TO postgres;

--
-- Name: roles_at_least(text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.roles_at_least(p_role text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_roles constant text[] := private.roles();
begin
  return coalesce(v_roles[1:array_position(v_roles, p_role)], '{}');
end;
$$;


ALTER FUNCTION private.roles_at_least(p_role text) OWNER TO postgres;

--
-- Name: router_address_claim(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.router_address_claim() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if tg_op = 'DELETE' then
    perform private.lock_router_address(old.nas_ip);
    return old;
  end if;
  if tg_op = 'UPDATE' then
    if new.nas_ip is not distinct from old.nas_ip then
      return new;
    end if;
    perform private.lock_router_address(least(old.nas_ip, new.nas_ip));
    perform private.lock_router_address(greatest(old.nas_ip, new.nas_ip));
  else
    perform private.lock_router_address(new.nas_ip);
  end if;
  if exists (
    select 1 from private.address_quarantine q
    where q.address = new.nas_ip and q.until > now()
      and q.organization_id is distinct from new.organization_id
  ) then
    raise exception 'address % was released by another organization recently and is quarantined',
      host(new.nas_ip)
      using errcode = '23505', hint = 'nas_ip_quarantined';
  end if;
  delete from private.address_quarantine q where q.address = new.nas_ip;
  return new;
end;
$$;


ALTER FUNCTION private.router_address_claim() OWNER TO postgres;

--
-- Name: router_address_release(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.router_address_release() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if tg_op = 'UPDATE' and new.nas_ip is not distinct from old.nas_ip then
    return null;
  end if;
  insert into private.address_quarantine as q (address, organization_id, released_at, until)
  select old.nas_ip, old.organization_id, now(),
         now() + make_interval(days => s.address_quarantine_days)
  from private.platform_settings s
  on conflict (address) do update
    set organization_id = excluded.organization_id, released_at = excluded.released_at,
        until = excluded.until;
  return null;
end;
$$;


ALTER FUNCTION private.router_address_release() OWNER TO postgres;

--
-- Name: router_last_accounting(uuid); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.router_last_accounting(p_router_id uuid) RETURNS timestamp with time zone
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select greatest(
    (select max(coalesce(a.acctupdatetime, a.acctstarttime))
     from radius.radacct a
     where a.router_id = p_router_id and a.acctstoptime is null),
    (select max(case when l.acctterminatecause = 'Stale-Session'
                     then coalesce(l.acctupdatetime, l.acctstarttime)
                     else l.acctstoptime end)
     from (select a.acctstoptime, a.acctupdatetime, a.acctstarttime, a.acctterminatecause
           from radius.radacct a
           where a.router_id = p_router_id and a.acctstoptime is not null
           order by a.acctstoptime desc
           limit 20) l));
$$;


ALTER FUNCTION private.router_last_accounting(p_router_id uuid) OWNER TO postgres;

--
-- Name: router_message_authenticator(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.router_message_authenticator() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if new.require_message_authenticator then
    new.message_authenticator_off_reason := null;
    return new;
  end if;
  new.message_authenticator_off_reason := nullif(btrim(new.message_authenticator_off_reason), '');
  if tg_op = 'UPDATE' and not old.require_message_authenticator
     and new.message_authenticator_off_reason is not distinct from old.message_authenticator_off_reason then
    return new;
  end if;
  if auth.role() = 'authenticated' and not private.has_role(new.organization_id, 'owner') then
    raise exception 'only an owner can switch Message-Authenticator off for a router'
      using errcode = '42501', hint = 'message_authenticator_owner_only';
  end if;
  if new.message_authenticator_off_reason is null
     or char_length(new.message_authenticator_off_reason) > 500 then
    raise exception 'say why Message-Authenticator is off for this router (1 to 500 characters)'
      using errcode = '23514', hint = 'message_authenticator_reason_required';
  end if;
  return new;
end;
$$;


ALTER FUNCTION private.router_message_authenticator() OWNER TO postgres;

--
-- Name: radacct; Type: TABLE; Schema: radius; Owner: postgres
--

CREATE TABLE radius.radacct (
    radacctid bigint NOT NULL,
    acctsessionid text NOT NULL,
    acctuniqueid text NOT NULL,
    username text,
    realm text,
    nasipaddress inet NOT NULL,
    nasportid text,
    nasporttype text,
    acctstarttime timestamp with time zone,
    acctupdatetime timestamp with time zone,
    acctstoptime timestamp with time zone,
    acctinterval bigint,
    acctsessiontime bigint,
    acctauthentic text,
    connectinfo_start text,
    connectinfo_stop text,
    acctinputoctets bigint,
    acctoutputoctets bigint,
    calledstationid text,
    callingstationid text,
    acctterminatecause text,
    servicetype text,
    framedprotocol text,
    framedipaddress inet,
    framedipv6address inet,
    framedipv6prefix inet,
    framedinterfaceid text,
    delegatedipv6prefix inet,
    class text,
    voucher_id uuid,
    mac text,
    router_id uuid,
    organization_id uuid
)
WITH (fillfactor='70');


ALTER TABLE radius.radacct OWNER TO postgres;

--
-- Name: TABLE radacct; Type: COMMENT; Schema: radius; Owner: postgres
--

COMMENT ON TABLE radius.radacct IS 'One row per accounting session (stock FreeRADIUS columns plus voucher_id, mac, and router_id, organization_id: the router it arrived from, at arrival), written by radius.accounting, post_auth and sweep. No role has a table privilege; owners/admins read it through sessions_online, session_history, voucher_sessions.';


--
-- Name: session_json(radius.radacct, text, text, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.session_json(a radius.radacct, p_code text, p_router text, p_site text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select jsonb_build_object(
    'id', a.radacctid, 'voucher_id', a.voucher_id, 'code', p_code, 'mac', a.mac,
    'router', p_router, 'site', p_site, 'started_at', a.acctstarttime,
    'updated_at', coalesce(a.acctupdatetime, a.acctstarttime), 'stopped_at', a.acctstoptime,
    'seconds', coalesce(a.acctsessiontime, 0),
    'bytes_in', coalesce(a.acctinputoctets, 0), 'bytes_out', coalesce(a.acctoutputoctets, 0),
    'stop_cause', a.acctterminatecause);
$$;


ALTER FUNCTION private.session_json(a radius.radacct, p_code text, p_router text, p_site text) OWNER TO postgres;

--
-- Name: set_updated_at(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.set_updated_at() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  new.updated_at := now();
  return new;
end;
$$;


ALTER FUNCTION private.set_updated_at() OWNER TO postgres;

--
-- Name: settle_payment(uuid, text, text, text, numeric, text, text, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.settle_payment(p_payment_id uuid, p_checkout_request_id text, p_result_code text, p_result_desc text, p_amount numeric, p_receipt text, p_phone text, p_via text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $_$
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
$_$;


ALTER FUNCTION private.settle_payment(p_payment_id uuid, p_checkout_request_id text, p_result_code text, p_result_desc text, p_amount numeric, p_receipt text, p_phone text, p_via text) OWNER TO postgres;

--
-- Name: FUNCTION settle_payment(p_payment_id uuid, p_checkout_request_id text, p_result_code text, p_result_desc text, p_amount numeric, p_receipt text, p_phone text, p_via text); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.settle_payment(p_payment_id uuid, p_checkout_request_id text, p_result_code text, p_result_desc text, p_amount numeric, p_receipt text, p_phone text, p_via text) IS 'The one place a payment''s outcome is decided, in the caller''s transaction under the payment''s
row lock. Given p_payment_id (a signed callback URL, the reconciler) only that payment is
settled. Result 0 with a receipt (via query or admin: without one, receipt_missing) = success,
also over failed/cancelled/timeout, voucher issued once; wrong amount or phone, another checkout
or a plan gone = kept in private.unmatched_receipts (redeemable once Transaction Status confirms
it), not credited; a receipt already used in the same organization = replay (at another
organization it is kept and raises a receipt alert, private.receipt_cross_check); 1032 cancelled, 1037/1019 timeout, other codes failed; success is final.
Callers: postgres only (pay_callback, edge function pay-reconcile with p_via query); no API role.
Returns: {outcome: success | duplicate | recorded | ignored | unmatched | mismatch | replay,
payment_id?, status?, voucher_id?, reason? (mismatch)}.';


--
-- Name: signup_mode(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.signup_mode() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select s.signup_mode from private.platform_settings s
$$;


ALTER FUNCTION private.signup_mode() OWNER TO postgres;

--
-- Name: sites; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.sites (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    slug text NOT NULL,
    name text NOT NULL,
    support_phone text,
    primary_color text DEFAULT '#0f766e'::text NOT NULL,
    default_language text DEFAULT (private.languages())[1] NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT sites_default_language_check CHECK ((default_language = ANY (private.languages()))),
    CONSTRAINT sites_name_check CHECK (((char_length(btrim(name)) >= 1) AND (char_length(btrim(name)) <= 100))),
    CONSTRAINT sites_primary_color_check CHECK ((primary_color ~ '^#[0-9a-fA-F]{6}$'::text)),
    CONSTRAINT sites_slug_check CHECK (((slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'::text) AND (slug !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'::text))),
    CONSTRAINT sites_support_phone_check CHECK ((support_phone ~ '^\+[1-9][0-9]{6,14}$'::text))
);


ALTER TABLE public.sites OWNER TO postgres;

--
-- Name: TABLE sites; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.sites IS 'Hotspot locations: the portal serves each at /s/<id> (routers, printed vouchers) and /s/<slug> (cosmetic; a released slug is reserved for its organization, private.released_slugs); the rest is its branding. authenticated: members read, owners/admins insert, update, delete; anon: nothing (portal_site).';


--
-- Name: site_by_ref(text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.site_by_ref(p_ref text) RETURNS SETOF public.sites
    LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 1
    SET search_path TO ''
    AS $_$
declare
  v_ref text := lower(btrim(coalesce(p_ref, '')));
begin
  if v_ref ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return query select s.* from public.sites s where s.id = v_ref::uuid;
  else
    return query select s.* from public.sites s where s.slug = v_ref;
  end if;
end;
$_$;


ALTER FUNCTION private.site_by_ref(p_ref text) OWNER TO postgres;

--
-- Name: FUNCTION site_by_ref(p_ref text); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.site_by_ref(p_ref text) IS 'The site a portal URL /s/<ref> names: its id (a uuid, any case) or its slug (trimmed, any case).
Callers: the portal RPCs (portal_site, portal_login_host_allowed, portal_voucher_status,
portal_logo, portal_resume, recover_voucher).
Returns: the site, or no row.';


--
-- Name: site_logo_path(uuid); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.site_logo_path(p_site_id uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select '/s/' || s.slug || '/logo?v=' || floor(extract(epoch from l.updated_at) * 1000)::bigint
  from public.sites s join private.site_logos l on l.site_id = s.id
  where s.id = p_site_id
$$;


ALTER FUNCTION private.site_logo_path(p_site_id uuid) OWNER TO postgres;

--
-- Name: site_member_at_least(uuid, uuid, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.site_member_at_least(p_user_id uuid, p_site_id uuid, p_role text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select exists (
    select 1 from public.sites s
    join public.memberships m on m.organization_id = s.organization_id
    where s.id = p_site_id and m.user_id = p_user_id
      and m.role = any (private.roles_at_least(p_role)));
$$;


ALTER FUNCTION private.site_member_at_least(p_user_id uuid, p_site_id uuid, p_role text) OWNER TO postgres;

--
-- Name: FUNCTION site_member_at_least(p_user_id uuid, p_site_id uuid, p_role text); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.site_member_at_least(p_user_id uuid, p_site_id uuid, p_role text) IS 'Whether the user is a member of the site''s organization with at least that role.
Callers: edge_functions (pay-start).
Returns: boolean.';


--
-- Name: site_slug_claim(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.site_slug_claim() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if tg_op = 'DELETE' then
    perform private.lock_site_slug(old.slug);
    return old;
  end if;
  if tg_op = 'UPDATE' then
    if new.slug is not distinct from old.slug
       and new.organization_id is not distinct from old.organization_id then
      return new;
    end if;
    perform private.lock_site_slug(least(old.slug, new.slug));
    perform private.lock_site_slug(greatest(old.slug, new.slug));
  else
    perform private.lock_site_slug(new.slug);
  end if;
  if exists (
    select 1 from private.released_slugs r
    where r.slug = new.slug and r.until > now()
      and r.organization_id is distinct from new.organization_id
  ) then
    raise exception 'slug % was released by another organization recently and is reserved', new.slug
      using errcode = '23505', hint = 'slug_reserved';
  end if;
  delete from private.released_slugs r where r.slug = new.slug;
  return new;
end;
$$;


ALTER FUNCTION private.site_slug_claim() OWNER TO postgres;

--
-- Name: FUNCTION site_slug_claim(); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.site_slug_claim() IS 'Trigger sites_slug_claim: refuses a slug reserved for another organization.
Callers: the trigger only.
Returns: the row.
Errors: 23505 slug_reserved.';


--
-- Name: site_slug_release(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.site_slug_release() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if tg_op = 'UPDATE' and new.slug is not distinct from old.slug
     and new.organization_id is not distinct from old.organization_id then
    return null;
  end if;
  insert into private.released_slugs as r (slug, organization_id, released_at, until)
  select old.slug, old.organization_id, now(),
         now() + make_interval(days => s.slug_reservation_days)
  from private.platform_settings s
  on conflict (slug) do update
    set organization_id = excluded.organization_id, released_at = excluded.released_at,
        until = excluded.until;
  return null;
end;
$$;


ALTER FUNCTION private.site_slug_release() OWNER TO postgres;

--
-- Name: FUNCTION site_slug_release(); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.site_slug_release() IS 'Trigger sites_slug_release: records the slug a site gave up in private.released_slugs.
Callers: the trigger only.
Returns: null (an after trigger).';


--
-- Name: sms_claim(integer); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.sms_claim(p_limit integer) RETURNS TABLE(id uuid, organization_id uuid, to_phone text, body text, attempts integer, username text, api_key text, sender_id text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION private.sms_claim(p_limit integer) OWNER TO postgres;

--
-- Name: FUNCTION sms_claim(p_limit integer); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.sms_claim(p_limit integer) IS 'Claims up to p_limit due queued SMS (for update skip locked): each gets one more attempt and a
lease of 60 s before another dispatcher may take it.
Callers: postgres only (edge function sms-dispatch); no API role.
Returns: rows (id, organization_id, to_phone, body, attempts, username, api_key, sender_id); the
Africa''s Talking settings are null when the organization has none.';


--
-- Name: sms_result(uuid, text, text, text, jsonb); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.sms_result(p_id uuid, p_outcome text, p_message_id text, p_error text, p_provider_status jsonb) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_status text;
begin
  select o.status into v_status from public.sms_outbox o where o.id = p_id for update;
  if v_status is distinct from 'queued' then
    return;
  end if;
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
  where o.id = p_id;
end;
$$;


ALTER FUNCTION private.sms_result(p_id uuid, p_outcome text, p_message_id text, p_error text, p_provider_status jsonb) OWNER TO postgres;

--
-- Name: FUNCTION sms_result(p_id uuid, p_outcome text, p_message_id text, p_error text, p_provider_status jsonb); Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON FUNCTION private.sms_result(p_id uuid, p_outcome text, p_message_id text, p_error text, p_provider_status jsonb) IS 'Records a send attempt of a queued SMS: p_outcome sent (with p_message_id), retry (again after
30 s, 2, 8, 32 minutes; failed after 5 attempts) or failed (final); p_provider_status is the
provider''s per-recipient answer. A message that is no longer queued is left as it is.
Callers: postgres only (edge function sms-dispatch); no API role.
Returns: nothing.';


--
-- Name: strip_separators(text, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.strip_separators(p_input text, p_separators text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  return regexp_replace(coalesce(p_input, ''),
    '[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff' || p_separators || ']', '', 'g');
end;
$$;


ALTER FUNCTION private.strip_separators(p_input text, p_separators text) OWNER TO postgres;

--
-- Name: voucher_alphabet(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.voucher_alphabet() RETURNS text
    LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  return '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
end;
$$;


ALTER FUNCTION private.voucher_alphabet() OWNER TO postgres;

--
-- Name: voucher_batch_issue(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.voucher_batch_issue() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_missing integer := new.count;
  v_inserted integer;
begin
  for attempt in 1 .. 5 loop
    insert into public.vouchers (organization_id, plan_id, batch_id, code, created_by, status)
    select new.organization_id, new.plan_id, new.id, new.prefix || private.new_voucher_code(),
           new.created_by, 'inactive'
    from generate_series(1, v_missing)
    on conflict (code) do nothing;
    get diagnostics v_inserted = row_count;
    v_missing := v_missing - v_inserted;
    exit when v_missing = 0;
  end loop;
  if v_missing > 0 then
    raise exception 'could not draw % unused voucher codes', v_missing
      using errcode = '23505', hint = 'voucher_codes_exhausted';
  end if;
  return null;
end;
$$;


ALTER FUNCTION private.voucher_batch_issue() OWNER TO postgres;

--
-- Name: voucher_freeze_plan(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.voucher_freeze_plan() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_plan public.plans;
begin
  select p.* into v_plan
  from public.plans p
  where p.id = new.plan_id and p.organization_id = new.organization_id;
  if not found then
    raise exception 'plan not found in this organization'
      using errcode = '23503', hint = 'plan_not_found';
  end if;
  if not v_plan.active then
    raise exception 'plan "%" is not active', v_plan.name
      using errcode = '23514', hint = 'plan_inactive';
  end if;
  -- An agent's voucher is not internet until it is sold (sell_voucher() activates it): an agent
  -- must not hand out free access. Payments (no user) and owners/admins issue active vouchers.
  if new.created_by is not null and new.created_by = auth.uid()
     and private.has_role(new.organization_id, 'agent') then
    new.status := 'inactive';
  end if;
  new.code := upper(new.code);
  new.price_kes := v_plan.price_kes;
  new.validity_seconds := v_plan.validity_seconds;
  new.time_quota_seconds := v_plan.time_quota_seconds;
  new.data_quota_bytes := v_plan.data_quota_bytes;
  new.download_kbps := v_plan.download_kbps;
  new.upload_kbps := v_plan.upload_kbps;
  new.devices_allowed := v_plan.devices_allowed;
  return new;
end;
$$;


ALTER FUNCTION private.voucher_freeze_plan() OWNER TO postgres;

--
-- Name: voucher_keep_frozen(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.voucher_keep_frozen() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if (new.organization_id, new.plan_id, new.batch_id, new.code, new.price_kes,
      new.validity_seconds, new.time_quota_seconds, new.data_quota_bytes, new.download_kbps,
      new.upload_kbps, new.devices_allowed, new.created_by, new.created_at)
     is distinct from
     (old.organization_id, old.plan_id, old.batch_id, old.code, old.price_kes,
      old.validity_seconds, old.time_quota_seconds, old.data_quota_bytes, old.download_kbps,
      old.upload_kbps, old.devices_allowed, old.created_by, old.created_at) then
    raise exception 'a voucher''s code, plan and limits cannot change after issue'
      using errcode = '23514', hint = 'voucher_frozen';
  end if;
  return new;
end;
$$;


ALTER FUNCTION private.voucher_keep_frozen() OWNER TO postgres;

--
-- Name: voucher_sale_rollup(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.voucher_sale_rollup() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if new.sold_at is not null and new.sold_by is not null
     and (tg_op = 'INSERT' or old.sold_at is null) then
    perform private.add_sale(new.organization_id, private.nairobi_day(new.sold_at), null,
                             new.plan_id, 'cash', 1, coalesce(new.sold_price_kes, 0));
  end if;
  return null;
end;
$$;


ALTER FUNCTION private.voucher_sale_rollup() OWNER TO postgres;

--
-- Name: voucher_sms_body(text, text, text, text, text); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.voucher_sms_body(p_language text, p_code text, p_plan text, p_site text, p_receipt text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  return left(case p_language
    when 'sw' then 'Vocha yako ya WiFi: ' || p_code || ' (' || p_plan || ') kwa ' || p_site
                   || coalesce('. Risiti ya M-Pesa ' || p_receipt, '') || '. Asante!'
    else 'Your WiFi voucher: ' || p_code || ' (' || p_plan || ') at ' || p_site
         || coalesce('. M-Pesa receipt ' || p_receipt, '') || '. Thank you!'
  end, 918);
end;
$$;


ALTER FUNCTION private.voucher_sms_body(p_language text, p_code text, p_plan text, p_site text, p_receipt text) OWNER TO postgres;

--
-- Name: voucher_values_valid(); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.voucher_values_valid() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if not private.is_voucher_code(new.code) then
    raise exception 'voucher code "%" is not 10 to 14 characters of the voucher alphabet', new.code
      using errcode = '23514', hint = 'voucher_code_invalid';
  end if;
  if new.status not in ('inactive', 'active', 'revoked', 'exhausted', 'expired') then
    raise exception 'voucher status "%" is not one of inactive, active, revoked, exhausted, expired', new.status
      using errcode = '23514', hint = 'voucher_status_invalid';
  end if;
  if new.sold_price_kes < 0 then
    raise exception 'a voucher''s sale price cannot be negative'
      using errcode = '23514', hint = 'price_negative';
  end if;
  return new;
end;
$$;


ALTER FUNCTION private.voucher_values_valid() OWNER TO postgres;

--
-- Name: accept_invitation(uuid); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.accept_invitation(p_invitation_id uuid) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_invitation private.invitations;
begin
  delete from private.invitations i
  where i.id = p_invitation_id
    and i.email = private.my_confirmed_email()
    and i.expires_at > now()
  returning i.* into v_invitation;
  if v_invitation.id is null then
    raise exception 'no such invitation for you, or it expired'
      using errcode = '42501', hint = 'invitation_not_found';
  end if;
  insert into public.memberships (organization_id, user_id, role)
  values (v_invitation.organization_id, auth.uid(), v_invitation.role)
  on conflict (organization_id, user_id) do nothing;
  return jsonb_build_object('organization_id', v_invitation.organization_id, 'role', v_invitation.role);
end;
$$;


ALTER FUNCTION public.accept_invitation(p_invitation_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION accept_invitation(p_invitation_id uuid); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.accept_invitation(p_invitation_id uuid) IS 'Accepts an invitation addressed to the caller''s confirmed email: adds the membership with its
role (unchanged if already a member) and deletes the invitation.
Callers: authenticated.
Returns: {organization_id, role}.
Errors: 42501 unknown, not addressed to the caller, or expired (invitation_not_found; one code
for all three, so nothing about other people''s invitations can be probed).';


--
-- Name: approve_organization(uuid); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.approve_organization(p_organization_id uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  perform private.platform_target(p_organization_id);
  update public.organizations o set routers_approved_at = now()
  where o.id = p_organization_id and o.routers_approved_at is null;
  if found then
    insert into private.platform_audit (actor, action, organization_id)
    values (auth.uid(), 'approve_organization', p_organization_id);
    -- The worker adds the organization's routers to FreeRADIUS now.
    perform pg_notify('radius_clients', '');
  end if;
end;
$$;


ALTER FUNCTION public.approve_organization(p_organization_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION approve_organization(p_organization_id uuid); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.approve_organization(p_organization_id uuid) IS 'Approves an organization that joined while sign-up was open: from now on RADIUS serves its
routers (the worker picks them up within a second). Idempotent; audited.
Callers: authenticated platform staff.
Returns: nothing.
Errors: 42501 not_platform_staff; P0002 organization_not_found.';


--
-- Name: cash_up(uuid, date); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.cash_up(p_organization_id uuid, p_day date DEFAULT NULL::date) RETURNS TABLE(seller_id uuid, email text, role text, vouchers integer, total_kes bigint, first_sold_at timestamp with time zone, last_sold_at timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_user uuid := auth.uid();
  v_all boolean := private.has_role_at_least(p_organization_id, 'admin');
  v_day date := coalesce(p_day, (now() at time zone 'Africa/Nairobi')::date);
  v_from timestamptz := v_day::timestamp at time zone 'Africa/Nairobi';
  v_to timestamptz := (v_day + 1)::timestamp at time zone 'Africa/Nairobi';
begin
  if p_organization_id is null or v_user is null
     or not (v_all or private.has_role(p_organization_id, 'agent')) then
    raise exception 'only members of the organization can see its cash-up'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  return query
    select s.sold_by, u.email::text, m.role, s.n, s.kes, s.first_at, s.last_at
    from (
      select v.sold_by, count(*)::integer as n, coalesce(sum(v.sold_price_kes), 0)::bigint as kes,
             min(v.sold_at) as first_at, max(v.sold_at) as last_at
      from public.vouchers v
      where v.organization_id = p_organization_id
        and v.sold_by is not null
        and v.sold_at >= v_from and v.sold_at < v_to
        and (v_all or v.sold_by = v_user)
      group by v.sold_by
    ) s
    left join auth.users u on u.id = s.sold_by
    left join public.memberships m
      on m.organization_id = p_organization_id and m.user_id = s.sold_by
    order by s.kes desc, s.n desc, u.email, s.sold_by;
end;
$$;


ALTER FUNCTION public.cash_up(p_organization_id uuid, p_day date) OWNER TO postgres;

--
-- Name: FUNCTION cash_up(p_organization_id uuid, p_day date); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.cash_up(p_organization_id uuid, p_day date) IS 'Cash sales (sell_voucher; M-Pesa vouchers are payments, not cash) per seller on one
Africa/Nairobi calendar day (p_day null = today there).
Callers: authenticated owner/admin (every seller) or agent (their own row only).
Returns: rows (seller_id, email, role (current; null once they left), vouchers, total_kes,
first_sold_at, last_sold_at), most KES first; only people who sold that day.
Errors: 42501 outsider, no user or null organization.';


--
-- Name: create_organization(text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.create_organization(p_name text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_user uuid := auth.uid();
  v_name text := btrim(coalesce(p_name, ''));
  v_id uuid;
begin
  if v_user is null then
    raise exception 'sign in to create an organization'
      using errcode = '42501', hint = 'not_signed_in';
  end if;
  if char_length(v_name) not between 1 and 100 then
    raise exception 'organization name must be 1 to 100 characters'
      using errcode = '22023', hint = 'organization_name_invalid';
  end if;
  -- With open sign-up, platform staff approve a new organization before RADIUS serves it.
  insert into public.organizations (name, routers_approved_at)
  values (v_name, case when private.signup_mode() = 'open' then null else now() end)
  returning id into v_id;
  insert into public.memberships (organization_id, user_id, role) values (v_id, v_user, 'owner');
  return v_id;
end;
$$;


ALTER FUNCTION public.create_organization(p_name text) OWNER TO postgres;

--
-- Name: FUNCTION create_organization(p_name text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.create_organization(p_name text) IS 'Creates an organization with the caller as its owner (organizations has no insert grant); with
open sign-up its routers wait for platform staff''s approval (approve_organization).
Callers: authenticated (any signed-in user).
Returns: the new organization''s id (uuid).
Errors: 42501 no user; 22023 name not 1 to 100 characters after trimming.';


--
-- Name: create_router(uuid, text, inet, text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.create_router(p_site_id uuid, p_name text, p_nas_ip inet, p_vendor text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_organization_id uuid;
  v_router_id uuid;
  v_secret text := encode(extensions.gen_random_bytes(16), 'hex');
begin
  select s.organization_id into v_organization_id from public.sites s where s.id = p_site_id;
  if v_organization_id is null or not private.has_role_at_least(v_organization_id, 'admin') then
    raise exception 'only owners and admins of the site''s organization can add routers'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  if p_nas_ip is null then
    raise exception 'nas_ip is required' using errcode = '22023', hint = 'nas_ip_required';
  end if;
  insert into public.routers (organization_id, site_id, name, nas_ip, vendor)
  values (v_organization_id, p_site_id, btrim(p_name), p_nas_ip, lower(btrim(p_vendor)))
  returning id into v_router_id;
  insert into private.router_secrets (router_id, secret) values (v_router_id, v_secret);
  return jsonb_build_object('router_id', v_router_id, 'secret', v_secret);
end;
$$;


ALTER FUNCTION public.create_router(p_site_id uuid, p_name text, p_nas_ip inet, p_vendor text) OWNER TO postgres;

--
-- Name: FUNCTION create_router(p_site_id uuid, p_name text, p_nas_ip inet, p_vendor text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.create_router(p_site_id uuid, p_name text, p_nas_ip inet, p_vendor text) IS 'Registers a router at a site and generates its RADIUS secret (routers has no insert grant).
Callers: authenticated owner/admin of the site''s organization.
Returns: {router_id, secret}: 32 hex characters, shown here once (router_setup shows it again).
Errors: 42501 unknown site, not owner/admin; 22023 null nas_ip; 23505 nas_ip already used
(unique across the deployment), or with hint nas_ip_quarantined released by another organization
recently (private.address_quarantine, trigger routers_address_claim; the same on an update of
nas_ip); 23514 name not 1 to 100 characters or unknown vendor; 54000 router_changes_rate_limited
(20 router changes of the organization in the last 10 minutes, trigger routers_limit_changes; the
error''s detail is {"retry_after_seconds": n}).';


--
-- Name: customer_data_export(uuid, text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.customer_data_export(p_organization_id uuid, p_phone text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_phone text := private.normalise_phone(p_phone);
  v_customer public.customers;
  v_vouchers uuid[];
  v_export jsonb;
begin
  if p_organization_id is null or not private.has_role(p_organization_id, 'owner') then
    raise exception 'only owners of the organization can export a customer''s data'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  if v_phone is null then
    raise exception 'not a Kenyan mobile number'
      using errcode = '22023', hint = 'phone_invalid';
  end if;
  select * into v_customer from public.customers c
  where c.organization_id = p_organization_id and c.phone = v_phone;
  select coalesce(array_agg(distinct v.id), '{}') into v_vouchers
  from public.vouchers v
  where v.organization_id = p_organization_id
    and (v.customer_id = v_customer.id
         or v.id in (select p.voucher_id from public.payments p
                     where p.organization_id = p_organization_id and p.phone = v_phone));
  v_export := jsonb_build_object(
    'phone', v_phone,
    'organization_id', p_organization_id,
    'exported_at', now(),
    'customer', case when v_customer.id is not null then to_jsonb(v_customer) end,
    'payments', (select coalesce(jsonb_agg(to_jsonb(p) order by p.created_at, p.id), '[]')
                 from public.payments p
                 where p.organization_id = p_organization_id
                   and (p.phone = v_phone or p.customer_id = v_customer.id)),
    'vouchers', (select coalesce(jsonb_agg(to_jsonb(v) order by v.created_at, v.id), '[]')
                 from public.vouchers v where v.id = any (v_vouchers)),
    'sessions', (select coalesce(jsonb_agg(jsonb_build_object(
                   'id', r.radacctid, 'voucher_id', r.voucher_id, 'router_id', r.router_id,
                   'started_at', r.acctstarttime, 'updated_at', r.acctupdatetime,
                   'stopped_at', r.acctstoptime, 'seconds', r.acctsessiontime,
                   'bytes_in', r.acctinputoctets, 'bytes_out', r.acctoutputoctets,
                   'mac', r.mac, 'calling_station_id', r.callingstationid,
                   'ip', host(r.framedipaddress), 'terminate_cause', r.acctterminatecause)
                   order by r.acctstarttime, r.radacctid), '[]')
                 from radius.radacct r
                 where r.voucher_id = any (v_vouchers) and r.organization_id = p_organization_id),
    'devices', (select coalesce(jsonb_agg(to_jsonb(d) order by d.first_seen_at, d.mac), '[]')
                from radius.voucher_devices d
                where d.voucher_id = any (v_vouchers) and d.mac <> ''),
    'sms', (select coalesce(jsonb_agg(to_jsonb(s) order by s.created_at, s.id), '[]')
            from public.sms_outbox s
            where s.organization_id = p_organization_id and s.to_phone = v_phone),
    'unmatched_receipts', (select coalesce(jsonb_agg(to_jsonb(u) order by u.received_at, u.receipt), '[]')
                           from private.customer_receipts(p_organization_id, v_phone) u));
  -- Who took a copy of whose data: the phone masked, rows per kind.
  perform private.audit_support(
    p_organization_id, 'customer_export', private.masked_phone(v_phone),
    (select jsonb_object_agg(e.key, jsonb_array_length(e.value))
     from jsonb_each(v_export) e where jsonb_typeof(e.value) = 'array'));
  return v_export;
end;
$$;


ALTER FUNCTION public.customer_data_export(p_organization_id uuid, p_phone text) OWNER TO postgres;

--
-- Name: FUNCTION customer_data_export(p_organization_id uuid, p_phone text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.customer_data_export(p_organization_id uuid, p_phone text) IS 'A customer''s access request: everything the organization holds about one phone number (any
Kenyan spelling), in one document; audited as support:customer_export with the phone masked
(+2547******78) and the rows per kind. After erase_customer nothing matches the phone any more.
Callers: authenticated owner.
Returns: {phone, organization_id, exported_at, customer (the row or null), payments, vouchers
(bought by that customer or phone), sessions (their RADIUS sessions: id, voucher_id, router_id,
started_at, updated_at, stopped_at, seconds, bytes_in, bytes_out, mac, calling_station_id, ip,
terminate_cause), devices (voucher_devices of those vouchers), sms (to that phone),
unmatched_receipts (by phone, verified payer or an exact C2B hint)}: arrays oldest first.
Errors: 42501 admin, agent, outsider, no user or null organization; 22023 phone_invalid.';


--
-- Name: dashboard_alerts(uuid); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.dashboard_alerts(p_organization_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_alerts jsonb := '[]'::jsonb;
  v_pushes integer;
  v_push_error text;
  v_sms integer;
  v_sms_error text;
  v_quiet_since timestamptz := now() - interval '10 minutes';
begin
  perform private.require_manager(p_organization_id);
  select count(*), max(p.push_error) into v_pushes, v_push_error
  from public.payments p
  where p.organization_id = p_organization_id
    and p.push_error is not null
    and p.created_at > now() - interval '1 hour';
  if v_pushes > 0 then
    v_alerts := v_alerts || jsonb_build_object('kind', 'stk_failing', 'count', v_pushes,
                                               'detail', v_push_error);
  end if;
  select count(*), max(o.last_error) into v_sms, v_sms_error
  from public.sms_outbox o
  where o.organization_id = p_organization_id
    and o.status = 'failed'
    and o.created_at > now() - interval '1 day';
  if v_sms > 0 then
    v_alerts := v_alerts || jsonb_build_object('kind', 'sms_failing', 'count', v_sms,
                                               'detail', v_sms_error);
  end if;
  select v_alerts || coalesce(jsonb_agg(jsonb_build_object(
           'kind', 'router_silent', 'router', r.name, 'last_accounting_at', h.last_at)), '[]'::jsonb)
  into v_alerts
  from public.routers r
  cross join lateral (
    select case
             when (select true
                   from radius.radacct a
                   where a.router_id = r.id
                     and a.acctstoptime is null
                     and coalesce(a.acctupdatetime, a.acctstarttime) >= v_quiet_since
                   order by a.acctstarttime desc
                   limit 1)
             then null
             when (select a.acctstoptime >= v_quiet_since
                          and a.acctterminatecause is distinct from 'Stale-Session'
                   from radius.radacct a
                   where a.router_id = r.id and a.acctstoptime is not null
                   order by a.acctstoptime desc
                   limit 1)
             then null
             -- Not a router that had customers online: none open, no sweeper close in the hour.
             when not (exists (select 1 from radius.radacct a
                               where a.router_id = r.id and a.acctstoptime is null)
                       or exists (select 1 from radius.radacct a
                                  where a.router_id = r.id
                                    and a.acctstoptime > now() - interval '1 hour'
                                    and a.acctterminatecause = 'Stale-Session'))
             then null
             else private.router_last_accounting(r.id)
           end as last_at
    offset 0) h
  where r.organization_id = p_organization_id
    and h.last_at < v_quiet_since;
  return v_alerts;
end;
$$;


ALTER FUNCTION public.dashboard_alerts(p_organization_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION dashboard_alerts(p_organization_id uuid); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.dashboard_alerts(p_organization_id uuid) IS 'What needs the operator''s attention now.
Callers: authenticated owner/admin.
Returns: [] or [{kind: stk_failing, count, detail} (STK pushes refused in the last hour),
{kind: sms_failing, count, detail} (SMS failed in the last day), {kind: router_silent, router,
last_accounting_at} (routers with open sessions, or a sweeper close in the last hour, that have
sent nothing for over 10 minutes)].
Errors: 42501 agent or outsider.';


--
-- Name: dashboard_summary(uuid, uuid); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.dashboard_summary(p_organization_id uuid, p_site_id uuid DEFAULT NULL::uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_today date := private.nairobi_day(now());
  v_result jsonb;
begin
  if not private.has_role_at_least(p_organization_id, 'admin') then
    raise exception 'only owners and admins can see the dashboard'
      using errcode = '42501', hint = 'not_allowed';
  end if;

  with sales as (
    select d.day, d.site_id, d.plan_id, d.via, d.vouchers, d.kes
    from private.daily_sales d
    where d.organization_id = p_organization_id
      and d.day > v_today - 30
      and (p_site_id is null or d.site_id = p_site_id)
  ),
  paid as (
    select d.status, sum(d.payments) as n
    from private.daily_payments d
    where d.organization_id = p_organization_id
      and d.day > v_today - 30
      and (p_site_id is null or d.site_id = p_site_id)
    group by d.status
    having sum(d.payments) <> 0
  )
  select jsonb_build_object(
    'revenue', (
      select jsonb_build_object(
        'today_kes', coalesce(sum(s.kes) filter (where s.day = v_today), 0),
        'last_7_days_kes', coalesce(sum(s.kes) filter (where s.day > v_today - 7), 0),
        'last_30_days_kes', coalesce(sum(s.kes), 0),
        'mpesa_30_days_kes', coalesce(sum(s.kes) filter (where s.via = 'mpesa'), 0),
        'cash_30_days_kes', coalesce(sum(s.kes) filter (where s.via = 'cash'), 0))
      from sales s),
    'daily', (
      select jsonb_agg(jsonb_build_object('day', d.day, 'kes', coalesce(t.kes, 0)) order by d.day)
      from generate_series(0, 29) as g(i)
      cross join lateral (select v_today - 29 + g.i as day) d
      left join (select s.day, sum(s.kes) as kes from sales s group by s.day) t on t.day = d.day),
    'payments', (
      select jsonb_build_object(
        'by_status', coalesce(jsonb_object_agg(p.status, p.n), '{}'::jsonb),
        'success_rate', round(sum(p.n) filter (where p.status = 'success')::numeric
                              / nullif(sum(p.n) filter (where p.status <> 'pending'), 0), 3))
      from paid p),
    -- Sessions that arrived from the organization's routers (radacct.organization_id), never
    -- whatever router holds their address now.
    'sessions_online', (
      select count(*)
      from radius.radacct a
      where a.organization_id = p_organization_id and a.acctstoptime is null
        and (p_site_id is null
             or exists (select 1 from public.routers r
                        where r.id = a.router_id and r.site_id = p_site_id))),
    'sold_by_plan', (
      select coalesce(jsonb_agg(jsonb_build_object('plan', t.name, 'count', t.n)
                                order by t.n desc, t.name), '[]'::jsonb)
      from (select pl.name, sum(s.vouchers) as n
            from sales s join public.plans pl on pl.id = s.plan_id
            group by pl.name) t),
    'top_sites', (
      select coalesce(jsonb_agg(jsonb_build_object('site', t.name, 'kes', t.kes)
                                order by t.kes desc, t.name), '[]'::jsonb)
      from (select si.name, sum(s.kes) as kes
            from sales s join public.sites si on si.id = s.site_id
            group by si.name
            order by kes desc, si.name
            limit 5) t)
  )
  into v_result;
  return v_result;
end;
$$;


ALTER FUNCTION public.dashboard_summary(p_organization_id uuid, p_site_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION dashboard_summary(p_organization_id uuid, p_site_id uuid); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.dashboard_summary(p_organization_id uuid, p_site_id uuid) IS 'The admin dashboard over the last 30 Africa/Nairobi days, from the daily rollups. Revenue =
successful M-Pesa payments + cash sales (sell_voucher); p_site_id keeps that site''s M-Pesa
payments and sessions only (cash sales belong to no site).
Callers: authenticated owner/admin.
Returns: {revenue: {today_kes, last_7_days_kes, last_30_days_kes, mpesa_30_days_kes,
cash_30_days_kes}, daily: [{day, kes}] x 30, payments: {by_status: {status: count}, success_rate
(success / settled, 3 decimals, null if none)}, sessions_online, sold_by_plan: [{plan, count}],
top_sites: [{site, kes}] (top 5)}.
Errors: 42501 agent or outsider.';


--
-- Name: disconnect_session(uuid, text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.disconnect_session(p_voucher_id uuid, p_mac text DEFAULT NULL::text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_queued integer := 0;
  v_session record;
begin
  if not exists (
    select 1 from public.vouchers v
    where v.id = p_voucher_id
      and v.organization_id in (select private.orgs_with_role_at_least('admin'))
  ) then
    raise exception 'only owners and admins of the voucher''s organization can disconnect its sessions'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  for v_session in
    select a.radacctid
    from radius.radacct a
    where a.voucher_id = p_voucher_id and a.acctstoptime is null
      and (p_mac is null or a.mac = radius.normalise_mac(p_mac))
  loop
    if radius.queue_disconnect(v_session.radacctid, p_voucher_id, 'admin', auth.uid()) then
      v_queued := v_queued + 1;
    end if;
  end loop;
  return v_queued;
end;
$$;


ALTER FUNCTION public.disconnect_session(p_voucher_id uuid, p_mac text) OWNER TO postgres;

--
-- Name: FUNCTION disconnect_session(p_voucher_id uuid, p_mac text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.disconnect_session(p_voucher_id uuid, p_mac text) IS 'Queues a Disconnect-Request (RFC 5176) for each open session of the voucher, or only device
p_mac''s (any MAC spelling), without revoking it: the device may log in again. The RADIUS agent
delivers them and records the router''s ACK/NAK in radius.disconnects.
Callers: authenticated owner/admin of the voucher''s organization.
Returns: how many were queued (0 without open sessions; one already waiting is not counted).
Errors: 42501 agent, outsider, unknown voucher or no user.';


--
-- Name: erase_customer(uuid, text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.erase_customer(p_organization_id uuid, p_phone text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_phone text := private.normalise_phone(p_phone);
  v_marker text := 'erased:' || replace(gen_random_uuid()::text, '-', '');
  v_digits text;
  v_customer uuid;
  v_payments uuid[];
  v_vouchers uuid[];
  v_codes text[];
  v_receipts text[];
  v_macs text[];
  v_counts jsonb;
  v_n integer;
begin
  if p_organization_id is null or not private.has_role(p_organization_id, 'owner') then
    raise exception 'only owners of the organization can erase a customer''s data'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  if v_phone is null then
    raise exception 'not a Kenyan mobile number'
      using errcode = '22023', hint = 'phone_invalid';
  end if;
  -- The national digits, in whichever spelling a raw body holds them (254…, +254…, 0…).
  v_digits := substr(v_phone, 5);
  select c.id into v_customer from public.customers c
  where c.organization_id = p_organization_id and c.phone = v_phone
  for update;
  select coalesce(array_agg(p.id), '{}') into v_payments
  from public.payments p
  where p.organization_id = p_organization_id
    and (p.phone = v_phone or p.customer_id = v_customer);
  select coalesce(array_agg(v.id), '{}'), coalesce(array_agg(v.code), '{}')
  into v_vouchers, v_codes
  from public.vouchers v
  where v.organization_id = p_organization_id
    and (v.customer_id = v_customer
         or v.id in (select p.voucher_id from public.payments p where p.id = any (v_payments)));
  select coalesce(array_agg(u.receipt), '{}') into v_receipts
  from private.customer_receipts(p_organization_id, v_phone) u;
  -- Every device the phone's payments and vouchers saw.
  select coalesce(array_agg(distinct m.mac), '{}') into v_macs
  from (
    select p.client_mac::text as mac from public.payments p
    where p.id = any (v_payments) and p.client_mac is not null
    union all
    select d.mac from radius.voucher_devices d where d.voucher_id = any (v_vouchers) and d.mac <> ''
    union all
    select radius.normalise_mac(r.callingstationid) from radius.radacct r
    where r.voucher_id = any (v_vouchers) and r.callingstationid is not null
    union all
    select r.mac from radius.radacct r where r.voucher_id = any (v_vouchers) and r.mac <> ''
  ) m;

  update public.customers c set phone = v_marker where c.id = v_customer;
  update public.payments p
  set phone = v_marker, client_mac = null,
      raw_callback = case when p.raw_callback is not null then
        regexp_replace(p.raw_callback::text, '(\+?254|0)?' || v_digits, '0', 'g')::jsonb end
  where p.id = any (v_payments);
  get diagnostics v_n = row_count;
  v_counts := jsonb_build_object('payments', v_n);
  update private.payment_callbacks c
  set body = regexp_replace(
        regexp_replace(c.body, '(\+?254|0)?' || v_digits, '0', 'g'),
        '"(FirstName|MiddleName|LastName|DebitPartyName)"(\s*:\s*)"[^"]*"', '"\1"\2"erased"', 'g')
  where c.payment_id = any (v_payments)
     or (c.organization_id = p_organization_id and c.receipt = any (v_receipts));
  update public.sms_outbox s
  set to_phone = v_marker, body = 'erased', provider_status = null,
      provider_message_id = null, last_error = case when s.status = 'queued' then 'erased' else s.last_error end,
      status = case when s.status = 'queued' then 'failed' else s.status end
  where s.organization_id = p_organization_id
    and (s.to_phone = v_phone or s.payment_id = any (v_payments));
  get diagnostics v_n = row_count;
  v_counts := v_counts || jsonb_build_object('sms', v_n);
  update private.unmatched_receipts u
  set phone = null, verified_phone = null, msisdn_hint = null
  where u.organization_id = p_organization_id and u.receipt = any (v_receipts);
  get diagnostics v_n = row_count;
  v_counts := v_counts || jsonb_build_object('unmatched_receipts', v_n);
  -- Devices keep their count (devices_allowed still holds) under a marker no MAC can match.
  update radius.voucher_devices d
  set mac = 'erased:' || substr(md5(d.voucher_id::text || d.mac || v_marker), 1, 12)
  where d.voucher_id = any (v_vouchers) and d.mac <> '';
  get diagnostics v_n = row_count;
  v_counts := v_counts || jsonb_build_object('devices', v_n);
  update radius.radacct r
  set mac = null, callingstationid = null, framedipaddress = null
  where r.voucher_id = any (v_vouchers);
  get diagnostics v_n = row_count;
  v_counts := v_counts || jsonb_build_object('sessions', v_n, 'vouchers', cardinality(v_vouchers));
  update radius.radpostauth a
  set callingstationid = null,
      username = case when radius.normalise_mac(a.username) = any (v_macs) then 'erased' else a.username end
  where a.username = any (v_codes)
     or (radius.normalise_mac(a.callingstationid) = any (v_macs)
         and a.nasipaddress in (select r.nas_ip from public.routers r
                                where r.organization_id = p_organization_id));
  delete from radius.lockouts l
  where l.organization_id = p_organization_id and l.mac = any (v_macs);
  delete from private.rate_limits l
  where strpos(l.bucket, v_phone) > 0
     or exists (select 1 from unnest(v_macs) m where strpos(l.bucket, m) > 0);
  -- Support actions that named the phone (support:issue_voucher) keep their record, not the phone.
  update public.audit_log a
  set new = jsonb_set(a.new, '{phone}', to_jsonb(v_marker))
  where a.organization_id = p_organization_id and a.new ->> 'phone' = v_phone;
  perform private.audit_support(p_organization_id, 'customer_erase',
                                private.masked_phone(v_phone), v_counts);
  return jsonb_build_object('erased', v_customer is not null or cardinality(v_payments) > 0
                                      or cardinality(v_receipts) > 0)
         || v_counts;
end;
$$;


ALTER FUNCTION public.erase_customer(p_organization_id uuid, p_phone text) OWNER TO postgres;

--
-- Name: FUNCTION erase_customer(p_organization_id uuid, p_phone text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.erase_customer(p_organization_id uuid, p_phone text) IS 'A customer''s erasure request, in one transaction: the phone number (any Kenyan spelling) is
replaced by one random marker erased:<32 hex> in customers, payments and sms_outbox, removed from
unmatched receipts (phone, verified payer, C2B hint) and raw callbacks (digits and payer names),
and the devices'' MACs are cleared or masked (payments.client_mac, voucher_devices, radacct,
radpostauth, lockouts, rate limits); SMS texts become ''erased'' (queued ones fail). Amounts,
receipts, dates, plans, vouchers and usage stay (the law''s money records; totals unchanged).
Audited as support:customer_erase with the phone masked (+2547******78) and the counts.
Callers: authenticated owner.
Returns: {erased (whether anything matched), payments, sms, unmatched_receipts, devices, sessions,
vouchers}: rows changed per kind.
Errors: 42501 admin, agent, outsider, no user or null organization, or organization_suspended;
22023 phone_invalid.';


--
-- Name: export_organization(uuid); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.export_organization(p_organization_id uuid) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_export jsonb;
begin
  if p_organization_id is null or not private.has_role(p_organization_id, 'owner') then
    raise exception 'only owners of the organization can export it'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  select jsonb_build_object(
    'organization_id', o.id,
    'exported_at', now(),
    'organization', to_jsonb(o),
    'sites', (select coalesce(jsonb_agg(to_jsonb(t) order by t.created_at, t.id), '[]')
              from public.sites t where t.organization_id = o.id),
    'routers', (select coalesce(jsonb_agg(to_jsonb(t) order by t.created_at, t.id), '[]')
                from public.routers t where t.organization_id = o.id),
    'plans', (select coalesce(jsonb_agg(to_jsonb(t) order by t.created_at, t.id), '[]')
              from public.plans t where t.organization_id = o.id),
    'plan_sites', (select coalesce(jsonb_agg(to_jsonb(t) order by t.plan_id, t.site_id), '[]')
                   from public.plan_sites t where t.organization_id = o.id),
    'voucher_batches', (select coalesce(jsonb_agg(to_jsonb(t) order by t.created_at, t.id), '[]')
                        from public.voucher_batches t where t.organization_id = o.id),
    'vouchers', (select coalesce(jsonb_agg(to_jsonb(t) order by t.created_at, t.id), '[]')
                 from public.vouchers t where t.organization_id = o.id),
    'customers', (select coalesce(jsonb_agg(to_jsonb(t) order by t.created_at, t.id), '[]')
                  from public.customers t where t.organization_id = o.id),
    'payments', (select coalesce(jsonb_agg(to_jsonb(t) order by t.created_at, t.id), '[]')
                 from public.payments t where t.organization_id = o.id),
    'sms_outbox', (select coalesce(jsonb_agg(to_jsonb(t) order by t.created_at, t.id), '[]')
                   from public.sms_outbox t where t.organization_id = o.id),
    'memberships', (select coalesce(jsonb_agg(to_jsonb(t) || jsonb_build_object('email', u.email)
                                              order by t.created_at, t.id), '[]')
                    from public.memberships t join auth.users u on u.id = t.user_id
                    where t.organization_id = o.id),
    'audit_log', (select coalesce(jsonb_agg(to_jsonb(t) order by t.id), '[]')
                  from public.audit_log t where t.organization_id = o.id))
  into v_export
  from public.organizations o
  where o.id = p_organization_id;
  -- Customers' phone numbers leave the platform with it: who took a copy, and of how much.
  perform private.audit_support(
    p_organization_id, 'export', p_organization_id::text,
    (select jsonb_object_agg(e.key, jsonb_array_length(e.value))
     from jsonb_each(v_export) e where jsonb_typeof(e.value) = 'array'));
  return v_export;
end;
$$;


ALTER FUNCTION public.export_organization(p_organization_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION export_organization(p_organization_id uuid); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.export_organization(p_organization_id uuid) IS 'An owner''s export of their organization: every row of it, as the tables hold them (to_jsonb),
in one consistent document; audited as support:export (rows per table). No secrets: router
secrets, M-Pesa and SMS credentials are not in it.
Callers: authenticated owner.
Returns: {organization_id, exported_at, organization, sites, routers, plans, plan_sites,
voucher_batches, vouchers, customers, payments, sms_outbox, memberships (each with the member''s
email), audit_log}: arrays of rows, oldest first (audit_log by id).
Errors: 42501 admin, agent, outsider, no user or null organization.';


--
-- Name: invite_member(uuid, text, text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.invite_member(p_organization_id uuid, p_email text, p_role text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $_$
declare
  v_email text := lower(btrim(coalesce(p_email, '')));
  v_invitation private.invitations;
begin
  if p_organization_id is null or not private.has_role_at_least(p_organization_id, 'admin') then
    raise exception 'only owners and admins of the organization can invite people'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  if p_role is null or not p_role = any (private.roles()) then
    raise exception 'role must be owner, admin or agent'
      using errcode = '22023', hint = 'role_invalid';
  end if;
  if p_role = 'owner' and not private.has_role(p_organization_id, 'owner') then
    raise exception 'only owners can invite owners'
      using errcode = '42501', hint = 'owners_invite_owners';
  end if;
  if v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' or char_length(v_email) > 254 then
    raise exception 'not an email address'
      using errcode = '22023', hint = 'email_invalid';
  end if;
  if exists (
    select 1 from public.memberships m join auth.users u on u.id = m.user_id
    where m.organization_id = p_organization_id and lower(u.email::text) = v_email
  ) then
    raise exception '% is already a member', v_email
      using errcode = '23505', hint = 'already_member';
  end if;
  insert into private.invitations as i (organization_id, email, role, invited_by)
  values (p_organization_id, v_email, p_role, auth.uid())
  on conflict (organization_id, email) do update
    set role = excluded.role, invited_by = excluded.invited_by, created_at = now(),
        expires_at = now() + interval '7 days'
  returning i.* into v_invitation;
  insert into public.audit_log (organization_id, actor, actor_role, action, table_name, row_id, new)
  values (p_organization_id, auth.uid(), coalesce(auth.role(), session_user), 'insert',
          'invitations', v_invitation.id::text,
          jsonb_build_object('email', v_email, 'role', p_role, 'expires_at', v_invitation.expires_at));
  return jsonb_build_object(
    'invitation_id', v_invitation.id,
    'email', v_invitation.email,
    'role', v_invitation.role,
    'expires_at', v_invitation.expires_at
  );
end;
$_$;


ALTER FUNCTION public.invite_member(p_organization_id uuid, p_email text, p_role text) OWNER TO postgres;

--
-- Name: FUNCTION invite_member(p_organization_id uuid, p_email text, p_role text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.invite_member(p_organization_id uuid, p_email text, p_role text) IS 'Creates (or renews for 7 days) a pending invitation of an email address with a role; the
address''s account joins only by accept_invitation. The same answer whether or not the address
has an account. Audited.
Callers: authenticated owner (any role) or admin (admin, agent); the team-invite edge function
with the inviter''s JWT.
Returns: {invitation_id, email, role, expires_at}.
Errors: 42501 not an owner/admin (not_allowed) or an admin inviting an owner
(owners_invite_owners); 22023 bad role (role_invalid) or address (email_invalid); 23505 already a
member (already_member).';


--
-- Name: is_platform_staff(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.is_platform_staff() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select private.is_platform_staff()
$$;


ALTER FUNCTION public.is_platform_staff() OWNER TO postgres;

--
-- Name: FUNCTION is_platform_staff(); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.is_platform_staff() IS 'Whether the calling user is platform staff (the admin app shows its platform section then).
Callers: authenticated.
Returns: boolean (false without a user).';


--
-- Name: my_invitations(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.my_invitations() RETURNS TABLE(invitation_id uuid, organization_id uuid, organization_name text, role text, expires_at timestamp with time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select i.id, i.organization_id, o.name, i.role, i.expires_at
  from private.invitations i
  join public.organizations o on o.id = i.organization_id
  where i.email = private.my_confirmed_email() and i.expires_at > now()
  order by i.created_at desc, i.id
$$;


ALTER FUNCTION public.my_invitations() OWNER TO postgres;

--
-- Name: FUNCTION my_invitations(); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.my_invitations() IS 'Pending, unexpired invitations addressed to the caller''s confirmed email address.
Callers: authenticated (anyone signed in; nothing without a confirmed email).
Returns: rows (invitation_id, organization_id, organization_name, role, expires_at).
Errors: none.';


--
-- Name: payment_settings(uuid); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.payment_settings(p_organization_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if not private.has_role_at_least(p_organization_id, 'admin') then
    raise exception 'only owners and admins can see payment settings'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  return jsonb_build_object(
    'mpesa', (
      select jsonb_build_object(
        'environment', m.environment, 'shortcode', m.shortcode, 'account_type', m.account_type,
        'till_number', m.till_number,
        'passkey_hint', '…' || right(m.passkey, 4),
        'consumer_key_hint', '…' || right(m.consumer_key, 4),
        'consumer_secret_hint', '…' || right(m.consumer_secret, 4),
        'initiator_name', m.initiator_name,
        'security_credential_hint', '…' || right(m.security_credential, 4),
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


ALTER FUNCTION public.payment_settings(p_organization_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION payment_settings(p_organization_id uuid); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.payment_settings(p_organization_id uuid) IS 'What the admin shows of the payment settings: never a secret, only whether it is set and its
last 4 characters.
Callers: authenticated owner/admin.
Returns: {mpesa: null | {environment, shortcode, account_type, till_number, passkey_hint,
consumer_key_hint, consumer_secret_hint, initiator_name, security_credential_hint, updated_at},
sms: null | {username, sender_id, api_key_hint, updated_at}}; hints look like …c919;
initiator_name and security_credential_hint are null without an initiator (unmatched receipts
then cannot be verified with Transaction Status and stay waiting).
Errors: 42501 agent or outsider.';


--
-- Name: payment_status(text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.payment_status(p_token text) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION public.payment_status(p_token text) OWNER TO postgres;

--
-- Name: FUNCTION payment_status(p_token text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.payment_status(p_token text) IS 'A payment''s state for the portal''s waiting page, by the unguessable status_token pay-start
returned (holding it is the right to ask).
Callers: anon, authenticated.
Returns: {status, amount_kes, plan_id, plan_name, result_code (as Daraja sent it), voucher_code
(once paid, else null), receipt_missing}, or null for an unknown token or one whose payment
started more than platform_settings.status_token_days (7) ago.';


--
-- Name: platform_address_quarantine(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.platform_address_quarantine() RETURNS TABLE(address text, organization_id uuid, organization_name text, released_at timestamp with time zone, quarantined_until timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  perform private.require_platform_staff();
  return query
  select abbrev(q.address), q.organization_id, o.name, q.released_at, q.until
  from private.address_quarantine q
  left join public.organizations o on o.id = q.organization_id
  where q.until > now()
  order by q.until, q.address;
end;
$$;


ALTER FUNCTION public.platform_address_quarantine() OWNER TO postgres;

--
-- Name: FUNCTION platform_address_quarantine(); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.platform_address_quarantine() IS 'The router addresses held back from other organizations now (private.address_quarantine): the
address, the organization that released it (name null once it is deleted), when, and until when.
Callers: authenticated platform staff.
Returns: setof rows, the soonest free first.
Errors: 42501 not_platform_staff.';


--
-- Name: platform_jobs(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.platform_jobs() RETURNS TABLE(name text, node text, period_seconds integer, due_at timestamp with time zone, running boolean, last_started_at timestamp with time zone, last_succeeded_at timestamp with time zone, last_duration_ms integer, last_error text, last_error_at timestamp with time zone, runs bigint, failures bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  perform private.require_platform_staff();
  return query
  select j.name, j.node, j.period_seconds, j.due_at, coalesce(j.lease_until > now(), false),
         j.last_started_at, j.last_succeeded_at, j.last_duration_ms, j.last_error,
         j.last_error_at, j.runs, j.failures
  from private.jobs j
  order by j.name, j.node;
end;
$$;


ALTER FUNCTION public.platform_jobs() OWNER TO postgres;

--
-- Name: FUNCTION platform_jobs(); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.platform_jobs() IS 'Every periodic job''s heartbeat: period, next due, whether a run holds it now, last start and
success, last duration and error, counts of runs and failures.
Callers: authenticated platform staff.
Returns: setof rows, one per job and node (node '''' for a platform-wide job).
Errors: 42501 not_platform_staff.';


--
-- Name: platform_organizations(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.platform_organizations() RETURNS TABLE(id uuid, name text, created_at timestamp with time zone, routers_approved_at timestamp with time zone, suspended_at timestamp with time zone, suspended_reason text, owner_emails text[], sites integer, routers integer, routers_seen_last_hour integer, active_vouchers integer, payments_last_day integer, failed_payments_last_day integer, router_last_seen_at timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  perform private.require_platform_staff();
  return query
  select o.id, o.name, o.created_at, o.routers_approved_at, o.suspended_at, o.suspended_reason,
    array(select u.email::text from public.memberships m join auth.users u on u.id = m.user_id
          where m.organization_id = o.id and m.role = 'owner' order by u.email),
    (select count(*)::integer from public.sites s where s.organization_id = o.id),
    (select count(*)::integer from public.routers r where r.organization_id = o.id),
    (select count(*)::integer from public.routers r
     where r.organization_id = o.id and r.last_seen_at > now() - interval '1 hour'),
    (select count(*)::integer from public.vouchers v
     where v.organization_id = o.id and v.status = 'active'),
    (select count(*)::integer from public.payments p
     where p.organization_id = o.id and p.created_at > now() - interval '1 day'),
    (select count(*)::integer from public.payments p
     where p.organization_id = o.id and p.created_at > now() - interval '1 day'
       and p.status in ('failed', 'timeout')),
    (select max(r.last_seen_at) from public.routers r where r.organization_id = o.id)
  from public.organizations o
  order by o.suspended_at is null, o.routers_approved_at is not null, o.created_at desc;
end;
$$;


ALTER FUNCTION public.platform_organizations() OWNER TO postgres;

--
-- Name: FUNCTION platform_organizations(); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.platform_organizations() IS 'Every organization''s health for platform staff: approval and suspension, owners'' emails, counts
of sites, routers (and those heard from in the last hour), active vouchers, payments and failed
payments in the last day, when a router was last heard from. No secrets, no customer data.
Callers: authenticated platform staff.
Returns: setof rows, suspended first, then awaiting approval, then newest.
Errors: 42501 not_platform_staff.';


--
-- Name: platform_receipt_alerts(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.platform_receipt_alerts() RETURNS TABLE(receipt text, organization_id uuid, organization_name text, other_organization_id uuid, other_organization_name text, seen_at timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION public.platform_receipt_alerts() OWNER TO postgres;

--
-- Name: FUNCTION platform_receipt_alerts(); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.platform_receipt_alerts() IS 'M-Pesa receipts that arrived at an organization while another organization already held them
(a replayed or pre-claimed receipt), newest 500.
Callers: authenticated platform staff.
Returns: setof {receipt, organization_id, organization_name, other_organization_id,
other_organization_name, seen_at}.
Errors: 42501 not_platform_staff.';


--
-- Name: platform_settings(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.platform_settings() RETURNS TABLE(signup_mode text, address_quarantine_days integer, callback_url_hours integer, status_token_days integer, updated_at timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  perform private.require_platform_staff();
  return query
  select s.signup_mode, s.address_quarantine_days, s.callback_url_hours, s.status_token_days,
         s.updated_at
  from private.platform_settings s;
end;
$$;


ALTER FUNCTION public.platform_settings() OWNER TO postgres;

--
-- Name: FUNCTION platform_settings(); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.platform_settings() IS 'The platform-wide settings: signup_mode (invite_only, the default, or open),
address_quarantine_days (30 by default: how long a router address one organization released is
held back from the others), callback_url_hours (48: how long a signed STK callback URL works
after its payment settled), status_token_days (7: how long a portal status token answers) and
when they last changed.
Callers: authenticated platform staff.
Returns: one row.
Errors: 42501 not_platform_staff.';


--
-- Name: portal_login_host_allowed(text, text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.portal_login_host_allowed(p_slug text, p_host text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select exists (
    select 1
    from private.site_by_ref(p_slug) s
    join public.routers r on r.site_id = s.id and r.organization_id = s.organization_id
    where (r.login_host = lower(btrim(p_host)) or host(r.nas_ip) = lower(btrim(p_host)))
  )
$$;


ALTER FUNCTION public.portal_login_host_allowed(p_slug text, p_host text) OWNER TO postgres;

--
-- Name: FUNCTION portal_login_host_allowed(p_slug text, p_host text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.portal_login_host_allowed(p_slug text, p_host text) IS 'Whether the portal of the site with this id or slug (private.site_by_ref) may send a voucher login to this host (trimmed,
lower-cased): true when it is the nas_ip or login_host of one of the site''s routers.
Callers: anon, authenticated, service_role.';


--
-- Name: portal_logo(text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.portal_logo(p_slug text) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  -- encode() breaks base64 into 76-character lines; JSON wants one string.
  select jsonb_build_object('content_type', l.content_type,
                            'base64', translate(encode(l.bytes, 'base64'), E'\n', ''))
  from private.site_by_ref(p_slug) s join private.site_logos l on l.site_id = s.id
$$;


ALTER FUNCTION public.portal_logo(p_slug text) OWNER TO postgres;

--
-- Name: FUNCTION portal_logo(p_slug text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.portal_logo(p_slug text) IS 'A site''s stored logo, which the portal serves at /s/<id or slug>/logo (p_slug: either,
private.site_by_ref).
Callers: anon, authenticated, service_role.
Returns: {content_type, base64} or null.';


--
-- Name: portal_resume(text, text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.portal_resume(p_site_slug text, p_mac text) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION public.portal_resume(p_site_slug text, p_mac text) OWNER TO postgres;

--
-- Name: FUNCTION portal_resume(p_site_slug text, p_mac text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.portal_resume(p_site_slug text, p_mac text) IS 'The payment a device came back for: its newest payment at the site in the last 30 minutes that
is pending, or paid with a voucher not used yet. p_site_slug: the site''s id or slug
(private.site_by_ref); p_mac in any spelling (junk matches nothing,
never an error).
Callers: service_role only (the portal server: the MAC comes from the hotspot controller''s
redirect, and a device that paid can log in by MAC anyway).
Returns: {status_token, status} or null.';


--
-- Name: portal_site(text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.portal_site(p_slug text) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION public.portal_site(p_slug text) OWNER TO postgres;

--
-- Name: FUNCTION portal_site(p_slug text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.portal_site(p_slug text) IS 'The captive portal''s landing data for a site reference p_slug: its id or its slug (trimmed, any
case; private.site_by_ref).
Callers: anon, authenticated, service_role.
Returns: null for an unknown reference, else {id, name, slug, support_phone, primary_color, logo_url
(the portal path /s/<slug>/logo?v=<version>, or null), default_language, available (false while
platform staff suspend the organization: then no plans), plans: [{id, name, price_kes,
validity_seconds, time_quota_seconds, data_quota_bytes, download_kbps, upload_kbps,
devices_allowed}]}: the active plans sold at the site, cheapest first.';


--
-- Name: portal_voucher_status(text, text, text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.portal_voucher_status(p_site_slug text, p_code text, p_client text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION public.portal_voucher_status(p_site_slug text, p_code text, p_client text) OWNER TO postgres;

--
-- Name: FUNCTION portal_voucher_status(p_site_slug text, p_code text, p_client text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.portal_voucher_status(p_site_slug text, p_code text, p_client text) IS 'The portal''s voucher status page: what is left on a code typed at a site (p_site_slug: its id or
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


--
-- Name: recover_voucher(text, text, text, text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.recover_voucher(p_site_slug text, p_receipt text, p_phone text, p_client text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $_$
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
$_$;


ALTER FUNCTION public.recover_voucher(p_site_slug text, p_receipt text, p_phone text, p_client text) OWNER TO postgres;

--
-- Name: FUNCTION recover_voucher(p_site_slug text, p_receipt text, p_phone text, p_client text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.recover_voucher(p_site_slug text, p_receipt text, p_phone text, p_client text) IS 'Portal receipt recovery: an M-Pesa receipt and the phone that paid give back its voucher (the
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


--
-- Name: release_vouchers(uuid, uuid); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.release_vouchers(p_batch_id uuid DEFAULT NULL::uuid, p_voucher_id uuid DEFAULT NULL::uuid) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_organization_id uuid;
  v_released integer;
begin
  if (p_batch_id is null) = (p_voucher_id is null) then
    raise exception 'give a batch or a voucher, not both'
      using errcode = '22023', hint = 'release_target_invalid';
  end if;
  if p_batch_id is not null then
    select b.organization_id into v_organization_id
    from public.voucher_batches b where b.id = p_batch_id;
  else
    select v.organization_id into v_organization_id
    from public.vouchers v where v.id = p_voucher_id;
  end if;
  if v_organization_id is null or not private.has_role_at_least(v_organization_id, 'admin') then
    raise exception 'only owners and admins of the organization can release vouchers'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  update public.vouchers v
  set status = 'active'
  where v.organization_id = v_organization_id
    and v.status = 'inactive'
    and (v.batch_id = p_batch_id or v.id = p_voucher_id);
  get diagnostics v_released = row_count;
  return jsonb_build_object('released', v_released);
end;
$$;


ALTER FUNCTION public.release_vouchers(p_batch_id uuid, p_voucher_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION release_vouchers(p_batch_id uuid, p_voucher_id uuid); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.release_vouchers(p_batch_id uuid, p_voucher_id uuid) IS 'Activates inactive vouchers without a sale: every inactive voucher of batch p_batch_id, or
voucher p_voucher_id (exactly one of the two). Each change is audited (vouchers_audit_update).
Callers: authenticated owner/admin of the organization.
Returns: {released} (vouchers activated; 0 when none was inactive).
Errors: 22023 neither or both given (release_target_invalid); 42501 unknown or not an owner/admin
(not_allowed).';


--
-- Name: resume_organization(uuid); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.resume_organization(p_organization_id uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  perform private.platform_target(p_organization_id);
  update public.organizations o set suspended_at = null, suspended_reason = null
  where o.id = p_organization_id and o.suspended_at is not null;
  if found then
    insert into private.platform_audit (actor, action, organization_id)
    values (auth.uid(), 'resume_organization', p_organization_id);
  end if;
end;
$$;


ALTER FUNCTION public.resume_organization(p_organization_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION resume_organization(p_organization_id uuid); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.resume_organization(p_organization_id uuid) IS 'Lifts an organization''s suspension: logins, portal and writes work again. Idempotent; audited.
Callers: authenticated platform staff.
Returns: nothing.
Errors: 42501 not_platform_staff; P0002 organization_not_found.';


--
-- Name: retention_policies(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.retention_policies() RETURNS TABLE(kind text, days integer, minimum_days integer, reason text, updated_at timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  perform private.require_platform_staff();
  return query
  select r.kind, r.days, r.minimum_days, r.reason, r.updated_at
  from private.retention_policies r
  order by r.kind;
end;
$$;


ALTER FUNCTION public.retention_policies() OWNER TO postgres;

--
-- Name: FUNCTION retention_policies(); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.retention_policies() IS 'How long each kind of operational record is kept, its floor and the reason.
Callers: authenticated platform staff.
Returns: rows (kind, days, minimum_days, reason, updated_at) by kind.
Errors: 42501 not_platform_staff.';


--
-- Name: revenue_summary(uuid); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.revenue_summary(p_organization_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_local_today timestamp := date_trunc('day', now() at time zone 'Africa/Nairobi');
  v_today timestamptz := v_local_today at time zone 'Africa/Nairobi';
  v_week timestamptz := (v_local_today - interval '6 days') at time zone 'Africa/Nairobi';
  v_month timestamptz := (v_local_today - interval '29 days') at time zone 'Africa/Nairobi';
  v_result jsonb;
begin
  if not private.has_role_at_least(p_organization_id, 'admin') then
    raise exception 'only owners and admins can see revenue'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  select jsonb_build_object(
    'today_kes', coalesce(sum(p.amount_kes) filter (where p.settled_at >= v_today), 0),
    'last_7_days_kes', coalesce(sum(p.amount_kes) filter (where p.settled_at >= v_week), 0),
    'last_30_days_kes', coalesce(sum(p.amount_kes), 0)
  )
  into v_result
  from public.payments p
  where p.organization_id = p_organization_id
    and p.status = 'success'
    and p.settled_at >= v_month;
  return v_result;
end;
$$;


ALTER FUNCTION public.revenue_summary(p_organization_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION revenue_summary(p_organization_id uuid); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.revenue_summary(p_organization_id uuid) IS 'Revenue from successful M-Pesa payments by settled_at in Africa/Nairobi calendar days (7 and 30
include today); cash sales are not in it (dashboard_summary has both).
Callers: authenticated owner/admin.
Returns: {today_kes, last_7_days_kes, last_30_days_kes}.
Errors: 42501 agent or outsider.';


--
-- Name: router_health(uuid); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.router_health(p_organization_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  perform private.require_manager(p_organization_id);
  return (
    select coalesce(jsonb_agg(jsonb_build_object(
             'router_id', r.id, 'name', r.name, 'site', s.name, 'nas_ip', host(r.nas_ip),
             'open_sessions', (select count(*) from radius.radacct a
                               where a.router_id = r.id and a.acctstoptime is null),
             'last_accounting_at', private.router_last_accounting(r.id))
           order by s.name, r.name), '[]'::jsonb)
    from public.routers r
    join public.sites s on s.id = r.site_id
    where r.organization_id = p_organization_id);
end;
$$;


ALTER FUNCTION public.router_health(p_organization_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION router_health(p_organization_id uuid); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.router_health(p_organization_id uuid) IS 'Each router of the organization: sessions open now and when it last sent accounting (a session
the sweeper closed counts by its last update, not by the close; null if it never sent any).
Callers: authenticated owner/admin.
Returns: [{router_id, name, site, nas_ip, open_sessions, last_accounting_at}], by site and name.
Errors: 42501 agent or outsider.';


--
-- Name: router_setup(uuid); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.router_setup(p_router_id uuid) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_router public.routers;
  v_secret text;
begin
  select r.* into v_router from public.routers r
  where r.id = p_router_id
    and r.organization_id in (select private.orgs_with_role_at_least('admin'));
  if v_router.id is null then
    raise exception 'no such router, or only its owners and admins may set it up'
      using errcode = '42501', hint = 'not_allowed';
  end if;
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
    'site_id', v_router.site_id,
    'secret', v_secret
  );
end;
$$;


ALTER FUNCTION public.router_setup(p_router_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION router_setup(p_router_id uuid); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.router_setup(p_router_id uuid) IS 'What the router set-up files (RouterOS script, hotspot login.html) need, the RADIUS secret
included; every call is audited (audit_log.table_name router_setup, without the secret).
Callers: authenticated owner/admin of the router''s organization.
Returns: {router_id, name, vendor, nas_ip, coa_port, require_message_authenticator, site_id
(the files use the portal URL /s/<site_id>), secret}.
Errors: 42501 agent, outsider, unknown router or no user.';


--
-- Name: customers; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.customers (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    phone text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT customers_phone_check CHECK (((phone ~ '^\+254[17][0-9]{8}$'::text) OR (phone ~ '^erased:[0-9a-f]{32}$'::text)))
);


ALTER TABLE public.customers OWNER TO postgres;

--
-- Name: TABLE customers; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.customers IS 'Paying customers of an organization, by Kenyan mobile number (E.164), created on first purchase. authenticated: owners/admins read; written only by the payment functions; anon: nothing.';


--
-- Name: search_customers(uuid, text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.search_customers(p_organization_id uuid, p_digits text) RETURNS SETOF public.customers
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $_$
declare
  v_digits text := regexp_replace(coalesce(p_digits, ''), '[^0-9]', '', 'g');
begin
  if not private.has_role_at_least(p_organization_id, 'admin') then
    raise exception 'only owners and admins can search customers'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  if length(v_digits) < 3 then
    raise exception 'type at least the last 3 digits of the phone number'
      using errcode = '22023', hint = 'search_too_short';
  end if;
  -- Planned with the pattern itself, so the trigram index is chosen when it helps. Erased
  -- customers' markers (erase_customer) hold hex digits, never a phone: they are not found.
  return query execute
    'select c.* from public.customers c where c.organization_id = $1 and c.phone like $2
       and c.phone not like ''erased:%'''
    using p_organization_id, '%' || v_digits;
end;
$_$;


ALTER FUNCTION public.search_customers(p_organization_id uuid, p_digits text) OWNER TO postgres;

--
-- Name: FUNCTION search_customers(p_organization_id uuid, p_digits text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.search_customers(p_organization_id uuid, p_digits text) IS 'The organization''s customers whose phone number ends in the digits of p_digits (anything else
ignored), through the trigram index: security definer for the same reason as search_vouchers.
Erased customers (erase_customer) are never found.
Callers: authenticated owner/admin.
Returns: setof customers; PostgREST applies the caller''s order, embeds and paging to it.
Errors: 42501 agent or outsider; 22023 fewer than 3 digits.';


--
-- Name: vouchers; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.vouchers (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    plan_id uuid NOT NULL,
    batch_id uuid,
    code text DEFAULT private.new_voucher_code() NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    price_kes integer NOT NULL,
    validity_seconds integer NOT NULL,
    time_quota_seconds integer,
    data_quota_bytes bigint,
    download_kbps integer,
    upload_kbps integer,
    devices_allowed integer NOT NULL,
    used_seconds bigint DEFAULT 0 NOT NULL,
    used_bytes bigint DEFAULT 0 NOT NULL,
    first_used_at timestamp with time zone,
    expires_at timestamp with time zone,
    created_by uuid DEFAULT auth.uid(),
    sold_by uuid,
    sold_at timestamp with time zone,
    sold_price_kes integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    customer_id uuid
)
WITH (fillfactor='80');


ALTER TABLE public.vouchers OWNER TO postgres;

--
-- Name: TABLE vouchers; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.vouchers IS 'Access codes (also the RADIUS user name) with a frozen copy of the plan''s limits and usage counters. Status inactive (batch vouchers, vouchers an agent issues) until sold or released. authenticated: owners/admins read all, agents those they issued; members insert as themselves; owners/admins set status active/revoked and delete unused unsold ones; sales via sell_voucher(), releases via release_vouchers(); anon: nothing.';


--
-- Name: search_vouchers(uuid, text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.search_vouchers(p_organization_id uuid, p_search text) RETURNS SETOF public.vouchers
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $_$
declare
  v_pattern text := '%' || upper(regexp_replace(coalesce(p_search, ''), '[^0-9A-Za-z]', '', 'g')) || '%';
  v_agent boolean;
begin
  if private.has_role_at_least(p_organization_id, 'admin') then
    v_agent := false;
  elsif private.has_role(p_organization_id, 'agent') then
    v_agent := true;
  else
    raise exception 'only members of the organization can search its vouchers'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  -- Planned with the pattern itself, so the trigram index is chosen when it helps.
  return query execute
    'select v.* from public.vouchers v
     where v.organization_id = $1 and v.code like $2 and (not $3 or v.created_by = $4)'
    using p_organization_id, v_pattern, v_agent, auth.uid();
end;
$_$;


ALTER FUNCTION public.search_vouchers(p_organization_id uuid, p_search text) OWNER TO postgres;

--
-- Name: FUNCTION search_vouchers(p_organization_id uuid, p_search text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.search_vouchers(p_organization_id uuid, p_search text) IS 'The organization''s vouchers whose code contains p_search (letters and digits, any case; the
rest ignored), through the trigram index: security definer because under RLS `like` (not
leakproof) cannot use an index. Same visibility as the vouchers select policy.
Callers: authenticated owner/admin (all vouchers) or agent (those they issued).
Returns: setof vouchers; PostgREST applies the caller''s order, filters and paging to it.
Errors: 42501 not a member.';


--
-- Name: sell_voucher(uuid, integer); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.sell_voucher(p_voucher_id uuid, p_price_kes integer DEFAULT NULL::integer) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_user uuid := auth.uid();
  v_voucher public.vouchers;
  v_max_discount integer;
begin
  select v.* into v_voucher from public.vouchers v where v.id = p_voucher_id for update;
  if not found
     or not (private.has_role_at_least(v_voucher.organization_id, 'admin')
             or (v_voucher.created_by = v_user
                 and private.has_role(v_voucher.organization_id, 'agent'))) then
    raise exception 'voucher not found or not yours to sell'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  if v_voucher.sold_at is not null then
    raise exception 'voucher % was already sold', v_voucher.code
      using errcode = 'P0001', hint = 'voucher_already_sold';
  end if;
  if v_voucher.status not in ('inactive', 'active') then
    raise exception 'voucher % is %, only inactive or active vouchers can be sold', v_voucher.code, v_voucher.status
      using errcode = 'P0001', hint = 'voucher_not_sellable';
  end if;
  if p_price_kes is not null and p_price_kes < 0 then
    raise exception 'price must be zero or more KES'
      using errcode = '22023', hint = 'price_negative';
  end if;
  -- A discount is the owner's decision: others stay within what the owner allowed on the plan.
  if p_price_kes < v_voucher.price_kes
     and not private.has_role(v_voucher.organization_id, 'owner') then
    select p.max_discount_kes into v_max_discount
    from public.plans p
    where p.id = v_voucher.plan_id and p.organization_id = v_voucher.organization_id;
    if p_price_kes < v_voucher.price_kes - coalesce(v_max_discount, 0) then
      raise exception 'price % KES is below % KES less the owner''s discount of % KES',
        p_price_kes, v_voucher.price_kes, coalesce(v_max_discount, 0)
        using errcode = '22023', hint = 'price_below_discount';
    end if;
  end if;
  update public.vouchers v
  set sold_by = v_user,
      sold_at = now(),
      status = 'active',
      sold_price_kes = coalesce(p_price_kes, v_voucher.price_kes)
  where v.id = p_voucher_id
  returning v.* into v_voucher;
  return jsonb_build_object(
    'id', v_voucher.id,
    'code', v_voucher.code,
    'sold_at', v_voucher.sold_at,
    'sold_price_kes', v_voucher.sold_price_kes
  );
end;
$$;


ALTER FUNCTION public.sell_voucher(p_voucher_id uuid, p_price_kes integer) OWNER TO postgres;

--
-- Name: FUNCTION sell_voucher(p_voucher_id uuid, p_price_kes integer); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.sell_voucher(p_voucher_id uuid, p_price_kes integer) IS 'Records a cash sale of an unsold inactive or active voucher and activates it: sold_by = caller,
sold_at = now(), status = active, sold_price_kes = p_price_kes or the frozen plan price.
Callers: authenticated owner/admin (any voucher of their organization) or agent (vouchers they
issued). Below the frozen price only by the plan''s max_discount_kes (owners: any price).
Returns: {id, code, sold_at, sold_price_kes}.
Errors: 42501 unknown voucher or not yours to sell; P0001 already sold or neither inactive nor
active (voucher_not_sellable); 22023 negative price (price_negative) or below the allowed discount
(price_below_discount).';


--
-- Name: session_history(uuid, uuid, timestamp with time zone, integer); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.session_history(p_organization_id uuid, p_voucher_id uuid DEFAULT NULL::uuid, p_before timestamp with time zone DEFAULT NULL::timestamp with time zone, p_limit integer DEFAULT 50) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    SET plan_cache_mode TO 'force_custom_plan'
    AS $$
begin
  perform private.require_manager(p_organization_id);
  if p_limit is null or p_limit not between 1 and 200 then
    raise exception 'p_limit must be between 1 and 200'
      using errcode = '22023', hint = 'limit_out_of_range';
  end if;
  return (
    select coalesce(jsonb_agg(t.row order by t.started desc), '[]'::jsonb)
    from (
      select private.session_json(a, v.code, r.name, s.name) as row, a.acctstarttime as started
      from (
        select * from radius.radacct a
        where a.organization_id = p_organization_id
          and a.acctstoptime is not null
          and (p_before is null or a.acctstarttime < p_before)
          and (p_voucher_id is null or a.voucher_id = p_voucher_id)
        order by a.acctstarttime desc
        limit p_limit) a
      left join public.routers r on r.id = a.router_id and r.organization_id = a.organization_id
      left join public.sites s on s.id = r.site_id
      left join public.vouchers v on v.id = a.voucher_id and v.organization_id = a.organization_id
      order by a.acctstarttime desc) t);
end;
$$;


ALTER FUNCTION public.session_history(p_organization_id uuid, p_voucher_id uuid, p_before timestamp with time zone, p_limit integer) OWNER TO postgres;

--
-- Name: FUNCTION session_history(p_organization_id uuid, p_voucher_id uuid, p_before timestamp with time zone, p_limit integer); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.session_history(p_organization_id uuid, p_voucher_id uuid, p_before timestamp with time zone, p_limit integer) IS 'Finished sessions that arrived from the organization''s routers (also those of routers deleted
since), or of one voucher, newest first, p_limit at a time; for the next page pass the last
row''s started_at as p_before.
Callers: authenticated owner/admin.
Returns: [session rows as sessions_online returns them; router and site null once the router is
gone].
Errors: 42501 agent or outsider; 22023 p_limit not 1 to 200.';


--
-- Name: sessions_online(uuid, uuid); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.sessions_online(p_organization_id uuid, p_site_id uuid DEFAULT NULL::uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    SET plan_cache_mode TO 'force_custom_plan'
    AS $$
begin
  perform private.require_manager(p_organization_id);
  return (
    select coalesce(jsonb_agg(private.session_json(t.a, t.code, t.router, t.site)
                              order by (t.a).acctstarttime desc), '[]'::jsonb)
    from (
      select a, v.code, r.name as router, s.name as site
      from radius.radacct a
      left join public.routers r on r.id = a.router_id and r.organization_id = a.organization_id
      left join public.sites s on s.id = r.site_id
      left join public.vouchers v on v.id = a.voucher_id and v.organization_id = a.organization_id
      where a.organization_id = p_organization_id and a.acctstoptime is null
        and (p_site_id is null or r.site_id = p_site_id)
      order by a.acctstarttime desc
      limit 200) t);
end;
$$;


ALTER FUNCTION public.sessions_online(p_organization_id uuid, p_site_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION sessions_online(p_organization_id uuid, p_site_id uuid); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.sessions_online(p_organization_id uuid, p_site_id uuid) IS 'Sessions open now that arrived from the organization''s routers (optionally one site''s): the
newest 200 (the dashboard has the total). A session belongs to the router it arrived from, not
to whoever holds that address later.
Callers: authenticated owner/admin.
Returns: [{id, voucher_id, code, mac, router, site, started_at, updated_at, stopped_at, seconds,
bytes_in, bytes_out, stop_cause}], newest first; router and site null once the router is gone.
Errors: 42501 agent or outsider.';


--
-- Name: set_address_quarantine_days(integer); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.set_address_quarantine_days(p_days integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  perform private.require_platform_staff();
  if p_days is null or p_days not between 0 and 365 then
    raise exception 'the address quarantine is 0 to 365 days'
      using errcode = '22023', hint = 'address_quarantine_days_invalid';
  end if;
  update private.platform_settings set address_quarantine_days = p_days;
  perform private.platform_settings_changed('set_address_quarantine_days',
                                            jsonb_build_object('days', p_days));
end;
$$;


ALTER FUNCTION public.set_address_quarantine_days(p_days integer) OWNER TO postgres;

--
-- Name: FUNCTION set_address_quarantine_days(p_days integer); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.set_address_quarantine_days(p_days integer) IS 'Sets how many days (0 to 365; 30 by default) a router address one organization released is held
back from the others (private.address_quarantine). Applies to addresses released from now on.
Audited in private.platform_audit.
Callers: authenticated platform staff.
Returns: nothing.
Errors: 42501 not_platform_staff; 22023 address_quarantine_days_invalid.';


--
-- Name: set_mpesa_settings(uuid, text, text, text, text, text, text, text, text, text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.set_mpesa_settings(p_organization_id uuid, p_environment text, p_shortcode text, p_account_type text, p_till_number text DEFAULT NULL::text, p_passkey text DEFAULT NULL::text, p_consumer_key text DEFAULT NULL::text, p_consumer_secret text DEFAULT NULL::text, p_initiator_name text DEFAULT NULL::text, p_security_credential text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if not private.has_role(p_organization_id, 'owner') then
    raise exception 'only owners can change M-Pesa settings'
      using errcode = '42501', hint = 'not_allowed';
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
        initiator_name = coalesce(nullif(btrim(p_initiator_name), ''), m.initiator_name),
        security_credential = coalesce(nullif(btrim(p_security_credential), ''), m.security_credential),
        updated_at = now(),
        updated_by = auth.uid()
    where m.organization_id = p_organization_id;
    if not found then
      insert into private.mpesa_settings (organization_id, environment, shortcode, account_type,
        till_number, passkey, consumer_key, consumer_secret, initiator_name, security_credential,
        updated_by)
      values (p_organization_id, coalesce(p_environment, 'sandbox'), btrim(p_shortcode),
              coalesce(p_account_type, 'paybill'), nullif(btrim(p_till_number), ''),
              btrim(p_passkey), btrim(p_consumer_key), btrim(p_consumer_secret),
              nullif(btrim(p_initiator_name), ''), nullif(btrim(p_security_credential), ''),
              auth.uid());
    end if;
  exception
    when not_null_violation then
      raise exception 'incomplete M-Pesa settings: %', sqlerrm
        using errcode = '22023', hint = 'mpesa_settings_incomplete';
    when check_violation or invalid_text_representation then
      raise exception 'invalid M-Pesa settings: %', sqlerrm
        using errcode = '22023', hint = 'mpesa_settings_invalid';
  end;
  -- New credentials: the cached token belonged to the old ones.
  delete from private.daraja_tokens t where t.organization_id = p_organization_id;
  -- A new initiator: receipts waiting for Transaction Status are asked again at once.
  if p_initiator_name is not null or p_security_credential is not null then
    update private.unmatched_receipts u
    set verification = 'unverified', verification_requested_at = null
    where u.organization_id = p_organization_id and u.verification in ('unverified', 'requested');
    perform pg_notify('receipt_verification', '');
  end if;
  insert into public.audit_log (organization_id, actor, actor_role, action, table_name, row_id, new)
  values (p_organization_id, auth.uid(), coalesce(auth.role(), session_user), 'update',
          'mpesa_settings', p_organization_id::text,
          jsonb_build_object('environment', p_environment, 'shortcode', p_shortcode,
                             'account_type', p_account_type, 'till_number', p_till_number,
                             'initiator_name', p_initiator_name,
                             'secrets_changed', p_passkey is not null or p_consumer_key is not null
                                                or p_consumer_secret is not null
                                                or p_security_credential is not null));
  return public.payment_settings(p_organization_id);
end;
$$;


ALTER FUNCTION public.set_mpesa_settings(p_organization_id uuid, p_environment text, p_shortcode text, p_account_type text, p_till_number text, p_passkey text, p_consumer_key text, p_consumer_secret text, p_initiator_name text, p_security_credential text) OWNER TO postgres;

--
-- Name: FUNCTION set_mpesa_settings(p_organization_id uuid, p_environment text, p_shortcode text, p_account_type text, p_till_number text, p_passkey text, p_consumer_key text, p_consumer_secret text, p_initiator_name text, p_security_credential text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.set_mpesa_settings(p_organization_id uuid, p_environment text, p_shortcode text, p_account_type text, p_till_number text, p_passkey text, p_consumer_key text, p_consumer_secret text, p_initiator_name text, p_security_credential text) IS 'Sets the organization''s M-Pesa (Daraja) settings. Null secrets keep the stored ones (a first save
needs all but the initiator). p_initiator_name and p_security_credential (Transaction Status: the
API operator and its encrypted password, needed to verify unmatched receipts) are set together
and kept when null; setting them asks Daraja again for the receipts still waiting. Clears the
cached Daraja token; audited (table_name mpesa_settings) without secrets.
Callers: authenticated owner.
Returns: payment_settings(p_organization_id).
Errors: 42501 not an owner; 22023 incomplete or invalid settings.';


--
-- Name: set_payment_link_lifetimes(integer, integer); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.set_payment_link_lifetimes(p_callback_url_hours integer, p_status_token_days integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  perform private.require_platform_staff();
  if p_callback_url_hours is null or p_callback_url_hours not between 1 and 8760
     or p_status_token_days is null or p_status_token_days not between 1 and 365 then
    raise exception 'callback URLs work 1 to 8760 hours, status tokens 1 to 365 days'
      using errcode = '22023', hint = 'payment_link_lifetimes_invalid';
  end if;
  update private.platform_settings
  set callback_url_hours = p_callback_url_hours, status_token_days = p_status_token_days;
  perform private.platform_settings_changed(
    'set_payment_link_lifetimes',
    jsonb_build_object('callback_url_hours', p_callback_url_hours,
                       'status_token_days', p_status_token_days));
end;
$$;


ALTER FUNCTION public.set_payment_link_lifetimes(p_callback_url_hours integer, p_status_token_days integer) OWNER TO postgres;

--
-- Name: FUNCTION set_payment_link_lifetimes(p_callback_url_hours integer, p_status_token_days integer); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.set_payment_link_lifetimes(p_callback_url_hours integer, p_status_token_days integer) IS 'Sets how many hours (1 to 8760; 48 by default) a signed STK callback URL keeps working after its
payment settled, and how many days (1 to 365; 7 by default) a portal status token answers
payment_status() after its payment started. Audited in private.platform_audit.
Callers: authenticated platform staff.
Returns: nothing.
Errors: 42501 not_platform_staff; 22023 payment_link_lifetimes_invalid.';


--
-- Name: set_retention_days(text, integer); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.set_retention_days(p_kind text, p_days integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_policy private.retention_policies;
begin
  perform private.require_platform_staff();
  select r.* into v_policy from private.retention_policies r where r.kind = p_kind for update;
  if v_policy.kind is null then
    raise exception 'no retention policy %', p_kind using errcode = '22023', hint = 'retention_kind_unknown';
  end if;
  if p_days is null or p_days not between v_policy.minimum_days and 3650 then
    raise exception '% is kept % to 3650 days', p_kind, v_policy.minimum_days
      using errcode = '22023', hint = 'retention_below_minimum';
  end if;
  update private.retention_policies r
  set days = p_days, updated_at = now(), updated_by = auth.uid()
  where r.kind = p_kind;
  perform private.platform_settings_changed(
    'set_retention_days', jsonb_build_object('kind', p_kind, 'days', p_days, 'was', v_policy.days));
end;
$$;


ALTER FUNCTION public.set_retention_days(p_kind text, p_days integer) OWNER TO postgres;

--
-- Name: FUNCTION set_retention_days(p_kind text, p_days integer); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.set_retention_days(p_kind text, p_days integer) IS 'Sets how many days records of one kind are kept (from its minimum_days up to 3650). Audited in
private.platform_audit.
Callers: authenticated platform staff.
Returns: nothing.
Errors: 42501 not_platform_staff; 22023 retention_kind_unknown; 22023 retention_below_minimum.';


--
-- Name: set_signup_mode(text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.set_signup_mode(p_mode text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  perform private.require_platform_staff();
  if p_mode is null or p_mode not in ('invite_only', 'open') then
    raise exception 'sign-up mode must be invite_only or open'
      using errcode = '22023', hint = 'signup_mode_invalid';
  end if;
  update private.platform_settings set signup_mode = p_mode;
  perform private.platform_settings_changed('set_signup_mode',
                                            jsonb_build_object('signup_mode', p_mode));
end;
$$;


ALTER FUNCTION public.set_signup_mode(p_mode text) OWNER TO postgres;

--
-- Name: FUNCTION set_signup_mode(p_mode text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.set_signup_mode(p_mode text) IS 'Sets how organizations join: invite_only (their routers are served at once) or open (platform
staff approve each new organization first). Audited in private.platform_audit.
Callers: authenticated platform staff.
Returns: nothing.
Errors: 42501 not_platform_staff; 22023 signup_mode_invalid.';


--
-- Name: set_site_logo(uuid, text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.set_site_logo(p_site_id uuid, p_image_base64 text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_site public.sites;
  v_bytes bytea;
  v_type text;
begin
  select s.* into v_site from public.sites s
  where s.id = p_site_id and private.has_role_at_least(s.organization_id, 'admin');
  if v_site.id is null then
    raise exception 'only owners and admins of the site''s organization can change its logo'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  if p_image_base64 is null or btrim(p_image_base64) = '' then
    delete from private.site_logos l where l.site_id = v_site.id;
    perform private.audit_support(v_site.organization_id, 'site_logo', v_site.id::text,
                                  jsonb_build_object('removed', true));
    return jsonb_build_object('content_type', null, 'size', 0, 'logo_url', null);
  end if;
  if length(p_image_base64) > 12000 then
    raise exception 'the logo is larger than 8 KB' using errcode = '22001', hint = 'logo_too_large';
  end if;
  begin
    v_bytes := decode(regexp_replace(p_image_base64, '\s', '', 'g'), 'base64');
  exception when others then
    raise exception 'the logo is not base64' using errcode = '22023', hint = 'logo_not_base64';
  end;
  if octet_length(v_bytes) > 8192 then
    raise exception 'the logo is larger than 8 KB' using errcode = '22001', hint = 'logo_too_large';
  end if;
  v_type := private.image_type(v_bytes);
  if v_type is null then
    raise exception 'the logo must be a PNG, JPEG, WebP or GIF image'
      using errcode = '22023', hint = 'logo_not_image';
  end if;
  insert into private.site_logos (site_id, content_type, bytes)
  values (v_site.id, v_type, v_bytes)
  on conflict (site_id) do update
    set content_type = excluded.content_type, bytes = excluded.bytes, updated_at = now();
  perform private.audit_support(v_site.organization_id, 'site_logo', v_site.id::text,
                                jsonb_build_object('content_type', v_type,
                                                   'size', octet_length(v_bytes)));
  return jsonb_build_object('content_type', v_type, 'size', octet_length(v_bytes),
                            'logo_url', private.site_logo_path(v_site.id));
end;
$$;


ALTER FUNCTION public.set_site_logo(p_site_id uuid, p_image_base64 text) OWNER TO postgres;

--
-- Name: FUNCTION set_site_logo(p_site_id uuid, p_image_base64 text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.set_site_logo(p_site_id uuid, p_image_base64 text) IS 'Stores a site''s portal logo from base64 (PNG, JPEG, WebP or GIF by its first bytes, at most
8 KB), or removes it when p_image_base64 is null or empty; audited as support:site_logo.
Callers: authenticated owner/admin of the site''s organization.
Returns: {content_type, size, logo_url} (logo_url /s/<slug>/logo?v=<version>, as portal_site
gives it); after a removal {content_type: null, size: 0, logo_url: null}.
Errors: 42501 unknown site or not owner/admin; 22023 not base64 or not an image type served;
22001 larger than 8 KB.';


--
-- Name: set_sms_settings(uuid, text, text, text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.set_sms_settings(p_organization_id uuid, p_username text, p_api_key text DEFAULT NULL::text, p_sender_id text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if not private.has_role(p_organization_id, 'owner') then
    raise exception 'only owners can change SMS settings'
      using errcode = '42501', hint = 'not_allowed';
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
  exception
    when not_null_violation then
      raise exception 'incomplete SMS settings: %', sqlerrm
        using errcode = '22023', hint = 'sms_settings_incomplete';
    when check_violation or invalid_text_representation then
      raise exception 'invalid SMS settings: %', sqlerrm
        using errcode = '22023', hint = 'sms_settings_invalid';
  end;
  insert into public.audit_log (organization_id, actor, actor_role, action, table_name, row_id, new)
  values (p_organization_id, auth.uid(), coalesce(auth.role(), session_user), 'update',
          'sms_settings', p_organization_id::text,
          jsonb_build_object('username', p_username, 'sender_id', p_sender_id,
                             'secrets_changed', p_api_key is not null));
  return public.payment_settings(p_organization_id);
end;
$$;


ALTER FUNCTION public.set_sms_settings(p_organization_id uuid, p_username text, p_api_key text, p_sender_id text) OWNER TO postgres;

--
-- Name: FUNCTION set_sms_settings(p_organization_id uuid, p_username text, p_api_key text, p_sender_id text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.set_sms_settings(p_organization_id uuid, p_username text, p_api_key text, p_sender_id text) IS 'Sets the organization''s Africa''s Talking SMS settings; a null API key keeps the stored one.
Audited (table_name sms_settings) without the key.
Callers: authenticated owner.
Returns: payment_settings(p_organization_id).
Errors: 42501 not an owner; 22023 incomplete or invalid settings.';


--
-- Name: support_issue_voucher(text, uuid, text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.support_issue_voucher(p_receipt text, p_plan_id uuid, p_phone text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION public.support_issue_voucher(p_receipt text, p_plan_id uuid, p_phone text) OWNER TO postgres;

--
-- Name: FUNCTION support_issue_voucher(p_receipt text, p_plan_id uuid, p_phone text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.support_issue_voucher(p_receipt text, p_plan_id uuid, p_phone text) IS 'Support: an unmatched receipt buys the given active plan of its organization for the given phone
(any price: the admin decides), as a success payment via admin; voucher issued, SMS queued;
audited as support:issue_voucher. Works whatever the receipt''s Transaction Status verification
(the owner''s decision, e.g. while no initiator is set); of the caller''s organizations holding
the receipt, the one that got it first.
Callers: authenticated owner/admin of the receipt''s organization.
Returns: {voucher_code, payment_id}.
Errors: 42501 unknown receipt or not yours; P0001 already redeemed or refunded; 22023 phone not a
Kenyan mobile number, or plan unknown or inactive in the organization.';


--
-- Name: support_mark_refunded(text, text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.support_mark_refunded(p_receipt text, p_note text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION public.support_mark_refunded(p_receipt text, p_note text) OWNER TO postgres;

--
-- Name: FUNCTION support_mark_refunded(p_receipt text, p_note text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.support_mark_refunded(p_receipt text, p_note text) IS 'Support: marks an unredeemed receipt as refunded by hand (p_note kept, 500 characters), so
neither the portal nor support can redeem it; again keeps the first refunded_at. Audited as
support:mark_refunded.
Callers: authenticated owner/admin of the receipt''s organization.
Returns: {receipt, refunded_at}.
Errors: 42501 unknown receipt or not yours; P0001 it already bought a voucher.';


--
-- Name: support_resend_sms(uuid); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.support_resend_sms(p_payment_id uuid) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION public.support_resend_sms(p_payment_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION support_resend_sms(p_payment_id uuid); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.support_resend_sms(p_payment_id uuid) IS 'Support: queues the voucher SMS of a successful payment again, at most 3 times per payment per
hour; audited as support:resend_sms.
Callers: authenticated owner/admin of the payment''s organization.
Returns: {sms_id}.
Errors: 42501 unknown payment or not yours; P0001 no voucher (not a success); 54000 resent too
often.';


--
-- Name: suspend_organization(uuid, text); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.suspend_organization(p_organization_id uuid, p_reason text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_reason text := btrim(coalesce(p_reason, ''));
  v_session record;
begin
  perform private.platform_target(p_organization_id);
  if char_length(v_reason) not between 1 and 500 then
    raise exception 'say why the organization is suspended (1 to 500 characters)'
      using errcode = '22023', hint = 'suspend_reason_invalid';
  end if;
  update public.organizations o set suspended_at = now(), suspended_reason = v_reason
  where o.id = p_organization_id and o.suspended_at is null;
  if not found then
    return;
  end if;
  -- The open sessions that arrived from its routers (each disconnect goes to that router).
  for v_session in
    select a.radacctid, a.voucher_id from radius.radacct a
    where a.organization_id = p_organization_id and a.acctstoptime is null
  loop
    perform radius.queue_disconnect(v_session.radacctid, v_session.voucher_id, 'admin', auth.uid());
  end loop;
  insert into private.platform_audit (actor, action, organization_id, detail)
  values (auth.uid(), 'suspend_organization', p_organization_id,
          jsonb_build_object('reason', v_reason));
end;
$$;


ALTER FUNCTION public.suspend_organization(p_organization_id uuid, p_reason text) OWNER TO postgres;

--
-- Name: FUNCTION suspend_organization(p_organization_id uuid, p_reason text); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.suspend_organization(p_organization_id uuid, p_reason text) IS 'Suspends an organization with a reason its members see: its routers'' logins are refused
(WB_SUSPENDED) and open sessions disconnected, its portal is unavailable, its members become
read-only. Nothing is deleted; resume_organization undoes it. Idempotent; audited.
Callers: authenticated platform staff.
Returns: nothing.
Errors: 42501 not_platform_staff; P0002 organization_not_found; 22023 suspend_reason_invalid.';


--
-- Name: team_invitations(uuid); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.team_invitations(p_organization_id uuid) RETURNS TABLE(invitation_id uuid, email text, role text, invited_at timestamp with time zone, expires_at timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if p_organization_id is null or not private.has_role_at_least(p_organization_id, 'admin') then
    raise exception 'only owners and admins of the organization can see its invitations'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  return query
    select i.id, i.email, i.role, i.created_at, i.expires_at
    from private.invitations i
    where i.organization_id = p_organization_id and i.expires_at > now()
    order by i.created_at desc, i.id;
end;
$$;


ALTER FUNCTION public.team_invitations(p_organization_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION team_invitations(p_organization_id uuid); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.team_invitations(p_organization_id uuid) IS 'The organization''s pending, unexpired invitations for the team screen.
Callers: authenticated owner/admin.
Returns: rows (invitation_id, email, role, invited_at, expires_at), newest first.
Errors: 42501 agent, outsider, no user or null organization (not_allowed).';


--
-- Name: team_members(uuid); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.team_members(p_organization_id uuid) RETURNS TABLE(membership_id uuid, user_id uuid, email text, role text, joined_at timestamp with time zone, invitation_pending boolean, last_sign_in_at timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if p_organization_id is null or not private.has_role_at_least(p_organization_id, 'admin') then
    raise exception 'only owners and admins of the organization can see its team'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  return query
    select m.id, m.user_id, u.email::text, m.role, m.created_at,
           u.email_confirmed_at is null, u.last_sign_in_at
    from public.memberships m
    join auth.users u on u.id = m.user_id
    where m.organization_id = p_organization_id
    order by array_position(private.roles(), m.role), u.email, m.id;
end;
$$;


ALTER FUNCTION public.team_members(p_organization_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION team_members(p_organization_id uuid); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.team_members(p_organization_id uuid) IS 'The team screen: the organization''s members with their emails (auth.users, which no API role
reads). Changes are plain memberships writes under its policies (joining: invite_member through
the team-invite edge function, then accept_invitation).
Callers: authenticated owner/admin.
Returns: rows (membership_id, user_id, email, role, joined_at, invitation_pending (email not
confirmed yet), last_sign_in_at): owners, then admins, then agents, by email.
Errors: 42501 agent, outsider, no user or null organization.';


--
-- Name: unmatched_receipts(uuid); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.unmatched_receipts(p_organization_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION public.unmatched_receipts(p_organization_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION unmatched_receipts(p_organization_id uuid); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.unmatched_receipts(p_organization_id uuid) IS 'Money that bought nothing yet, for the support screen.
Callers: authenticated owner/admin.
Returns: [{receipt, amount_kes, phone, msisdn_hint, reason, received_at, payment_id, redeemed_at,
redeemed_payment_id, overpaid_kes, refunded_at, note, verification (unverified | requested |
confirmed | refuted), verified_amount_kes, verification_error}], newest first ([] when none).
Without an initiator in the M-Pesa settings receipts stay unverified (support_issue_voucher
still works: the owner decides).
Errors: 42501 agent or outsider.';


--
-- Name: voucher_sessions(uuid); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.voucher_sessions(p_voucher_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_voucher public.vouchers;
begin
  select v.* into v_voucher from public.vouchers v
  where v.id = p_voucher_id
    and (private.has_role_at_least(v.organization_id, 'admin')
         or (v.created_by = auth.uid() and private.has_role(v.organization_id, 'agent')));
  if v_voucher.id is null then
    raise exception 'no such voucher, or it is not yours to see'
      using errcode = '42501', hint = 'not_allowed';
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
        -- The voucher's sessions recorded for its own organization's routers, each named by
        -- the router it arrived from (never by whoever holds that address now).
        select a, r.name as router, s.name as site
        from radius.radacct a
        left join public.routers r on r.id = a.router_id and r.organization_id = a.organization_id
        left join public.sites s on s.id = r.site_id
        where a.voucher_id = v_voucher.id
          and a.organization_id = v_voucher.organization_id
        order by a.acctstoptime is not null, a.acctstarttime desc
        limit 50) t));
end;
$$;


ALTER FUNCTION public.voucher_sessions(p_voucher_id uuid) OWNER TO postgres;

--
-- Name: FUNCTION voucher_sessions(p_voucher_id uuid); Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON FUNCTION public.voucher_sessions(p_voucher_id uuid) IS 'The admin''s voucher page: the devices bound to the voucher and its newest 50 sessions, open
ones first.
Callers: authenticated owner/admin of the voucher''s organization, or the agent who issued it
(the vouchers select rule).
Returns: {devices: [{mac, first_seen_at, last_seen_at}], sessions: [session rows as
sessions_online returns them; router and site null once the router is gone]}.
Errors: 42501 others, unknown voucher or no user.';


--
-- Name: accounting(text, inet, text, text, text, text, text, bigint, bigint, bigint, bigint, bigint, text, text, inet, text); Type: FUNCTION; Schema: radius; Owner: postgres
--

CREATE FUNCTION radius.accounting(p_status text, p_nas_ip inet, p_unique_id text, p_session_id text, p_username text, p_nas_port_id text, p_nas_port_type text, p_session_time bigint, p_input_octets bigint, p_input_gigawords bigint, p_output_octets bigint, p_output_gigawords bigint, p_calling_station_id text, p_called_station_id text, p_framed_ip inet, p_terminate_cause text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_now timestamptz := now();
  v_time bigint := greatest(coalesce(p_session_time, 0), 0);
  v_in bigint := (greatest(coalesce(p_input_gigawords, 0), 0) << 32) + greatest(coalesce(p_input_octets, 0), 0);
  v_out bigint := (greatest(coalesce(p_output_gigawords, 0), 0) << 32) + greatest(coalesce(p_output_octets, 0), 0);
  v_voucher public.vouchers;
  v_voucher_id uuid;
  v_radacctid bigint;
  v_stoptime timestamptz;
  v_old_time bigint;
  v_old_in bigint;
  v_old_out bigint;
  v_new boolean := false;
  v_seconds bigint;
  v_bytes bigint;
  v_cause text;
  v_updated timestamptz;
  v_router_id uuid;
  v_organization_id uuid;
  v_row_router_id uuid;
begin
  -- The router registered at the source address now (nas_ip is unique): the session's router.
  select r.id, r.organization_id into v_router_id, v_organization_id
  from public.routers r
  where r.nas_ip = p_nas_ip;
  if v_router_id is null then
    return 'ignored';
  end if;
  if p_status in ('Accounting-On', 'Accounting-Off') then
    -- The router (re)booted: whatever it had open is gone, with usage since the last Interim.
    -- Only its own sessions, whichever address they arrived from.
    update radius.radacct a
    set acctstoptime = v_now, acctupdatetime = v_now, acctterminatecause = 'NAS-Reboot'
    where a.router_id = v_router_id and a.acctstoptime is null;
    return 'closed';
  end if;
  if p_status is null or p_status not in ('Start', 'Interim-Update', 'Stop') or p_unique_id is null then
    return 'ignored';
  end if;

  -- Lock the voucher before the session row (post_auth() takes them in the same order), so
  -- concurrent packets for one voucher queue up instead of both reading the old totals.
  -- Only the columns used below.
  -- Found by its code (the unique index) and the router's organization; IS NOT DISTINCT FROM
  -- keeps the organization a filter no index serves: with a plain = the generic plan may walk
  -- the organization's index and filter every voucher it has on the code (what an unanalysed
  -- table gets), which costs a scan per packet. Another organization's voucher of that code is
  -- filtered out before the row lock, so it is neither counted nor locked.
  select v.id, v.organization_id, v.status, v.first_used_at, v.expires_at, v.used_seconds,
         v.used_bytes, v.time_quota_seconds, v.data_quota_bytes
  into v_voucher.id, v_voucher.organization_id, v_voucher.status, v_voucher.first_used_at,
       v_voucher.expires_at, v_voucher.used_seconds, v_voucher.used_bytes,
       v_voucher.time_quota_seconds, v_voucher.data_quota_bytes
  from public.vouchers v
  where v.code = upper(p_username)
    and v.organization_id is not distinct from v_organization_id
  for update;
  -- A MAC login: the session's voucher, or the one the device last logged in with at the
  -- router's organization.
  if v_voucher.id is null and radius.is_mac(p_username) then
    select a.voucher_id into v_voucher_id
    from radius.radacct a
    where a.acctuniqueid = p_unique_id and a.router_id = v_router_id;
    if v_voucher_id is null then
      select d.voucher_id into v_voucher_id
      from radius.voucher_devices d
      join public.vouchers v on v.id = d.voucher_id
      where d.mac = radius.normalise_mac(p_username)
        and v.organization_id = v_organization_id
      order by d.last_seen_at desc
      limit 1;
    end if;
    select v.* into v_voucher
    from public.vouchers v
    where v.id = v_voucher_id and v.organization_id = v_organization_id
    for update;
  end if;
  v_voucher_id := v_voucher.id;

  -- A Start for a row that is already closed is a new session that reuses an old session id
  -- (e.g. after a router reboot), and a row of another router is not this router's session:
  -- either old row keeps its history under a retired key.
  if p_status = 'Start' then
    update radius.radacct a
    set acctuniqueid = a.acctuniqueid || ':' || a.radacctid
    where a.acctuniqueid = p_unique_id
      and (a.acctstoptime is not null or a.router_id is distinct from v_router_id);
  end if;

  -- Interim-Update and Stop usually find their row; the old totals are read first, so the
  -- UPDATE is by primary key with values worked out here. A Start (or a packet whose Start was
  -- lost) inserts; a repeated Start finds the row on the second pass. A row of another router
  -- under this key is retired (as for a Start above) and a new row inserted.
  for v_pass in 1..2 loop
    if v_pass = 2 or p_status <> 'Start' then
      select a.radacctid, a.acctsessiontime, a.acctinputoctets, a.acctoutputoctets, a.acctstoptime,
             a.acctterminatecause, a.acctupdatetime, a.router_id
      into v_radacctid, v_old_time, v_old_in, v_old_out, v_stoptime, v_cause, v_updated,
           v_row_router_id
      from radius.radacct a
      where a.acctuniqueid = p_unique_id;
      if found and v_row_router_id is distinct from v_router_id then
        update radius.radacct a
        set acctuniqueid = a.acctuniqueid || ':' || a.radacctid
        where a.radacctid = v_radacctid;
      elsif found then
        -- A Stop replaces a close we guessed (sweeper, re-login); an Interim proves a swept
        -- session alive; a Stop we already have stays as it was.
        if p_status = 'Stop' and (v_stoptime is null or v_cause in ('Stale-Session', 'Session-Replaced')) then
          v_stoptime := v_now;
          v_cause := p_terminate_cause;
        elsif p_status = 'Interim-Update' and v_cause = 'Stale-Session' then
          v_stoptime := null;
          v_cause := null;
        end if;
        update radius.radacct a
        set acctsessiontime = greatest(coalesce(a.acctsessiontime, 0), v_time),
            acctinputoctets = greatest(coalesce(a.acctinputoctets, 0), v_in),
            acctoutputoctets = greatest(coalesce(a.acctoutputoctets, 0), v_out),
            acctinterval = case when p_status = 'Interim-Update'
                                then extract(epoch from v_now - v_updated)::bigint
                                else a.acctinterval end,
            acctupdatetime = v_now,
            framedipaddress = coalesce(p_framed_ip, a.framedipaddress),
            voucher_id = coalesce(a.voucher_id, v_voucher_id),
            acctstoptime = v_stoptime,
            acctterminatecause = v_cause
        where a.radacctid = v_radacctid;
        exit;
      elsif v_pass = 2 then
        exit;
      end if;
    end if;
    insert into radius.radacct as a (
      acctsessionid, acctuniqueid, username, nasipaddress, nasportid, nasporttype,
      acctstarttime, acctupdatetime, acctstoptime, acctsessiontime, acctinputoctets, acctoutputoctets,
      calledstationid, callingstationid, acctterminatecause, framedipaddress, voucher_id, mac,
      router_id, organization_id
    )
    values (
      coalesce(p_session_id, ''), p_unique_id, p_username, p_nas_ip, p_nas_port_id, p_nas_port_type,
      v_now - make_interval(secs => v_time), v_now,
      case when p_status = 'Stop' then v_now end,
      v_time, v_in, v_out,
      p_called_station_id, p_calling_station_id,
      case when p_status = 'Stop' then p_terminate_cause end,
      p_framed_ip, v_voucher_id, radius.normalise_mac(p_calling_station_id),
      v_router_id, v_organization_id
    )
    on conflict (acctuniqueid) do nothing
    returning a.radacctid, a.acctstoptime into v_radacctid, v_stoptime;
    v_new := found;
    exit when v_new;
  end loop;

  if v_new then
    v_seconds := v_time;
    v_bytes := v_in + v_out;
  else
    v_seconds := greatest(v_time - coalesce(v_old_time, 0), 0);
    v_bytes := greatest(v_in - coalesce(v_old_in, 0), 0) + greatest(v_out - coalesce(v_old_out, 0), 0);
  end if;

  if v_voucher_id is not null then
    -- The usual packet: an active, started voucher that stays within its validity and quotas
    -- only gains usage (the row is locked above, so these are its current values). The UPDATE
    -- then names neither status nor dates, and the status triggers are skipped.
    if v_voucher.status = 'active' and v_voucher.first_used_at is not null and v_voucher.expires_at > v_now
       and (v_voucher.time_quota_seconds is null
            or v_voucher.used_seconds + v_seconds < v_voucher.time_quota_seconds)
       and (v_voucher.data_quota_bytes is null
            or v_voucher.used_bytes + v_bytes < v_voucher.data_quota_bytes) then
      if v_seconds > 0 or v_bytes > 0 then
        update public.vouchers v
        set used_seconds = v.used_seconds + v_seconds,
            used_bytes = v.used_bytes + v_bytes
        where v.id = v_voucher_id;
      end if;
    -- Validity starts with the first session (a lost Start: when the session began). A packet
    -- that changes nothing (a repeated Interim) does not rewrite the voucher.
    elsif v_seconds > 0 or v_bytes > 0 or v_voucher.first_used_at is null
       or (v_voucher.status = 'active' and v_voucher.expires_at <= v_now) then
      update public.vouchers v
      set used_seconds = v.used_seconds + v_seconds,
          used_bytes = v.used_bytes + v_bytes,
          first_used_at = coalesce(v.first_used_at, v_now - make_interval(secs => v_time)),
          expires_at = coalesce(v.expires_at,
                                v_now - make_interval(secs => v_time) + make_interval(secs => v.validity_seconds)),
          status = case
            when v.status = 'active' and (v.used_seconds + v_seconds >= v.time_quota_seconds
                                          or v.used_bytes + v_bytes >= v.data_quota_bytes) then 'exhausted'
            when v.status = 'active' and v.expires_at <= v_now then 'expired'
            else v.status end
      where v.id = v_voucher_id
      returning v.* into v_voucher;
    end if;
    -- Still online although the voucher may not be (e.g. the router ignored a disconnect).
    if v_stoptime is null and v_voucher.status <> 'active' then
      perform radius.queue_disconnect(v_radacctid, v_voucher_id, v_voucher.status, null);
    end if;
  end if;
  return 'ok';
end;
$$;


ALTER FUNCTION radius.accounting(p_status text, p_nas_ip inet, p_unique_id text, p_session_id text, p_username text, p_nas_port_id text, p_nas_port_type text, p_session_time bigint, p_input_octets bigint, p_input_gigawords bigint, p_output_octets bigint, p_output_gigawords bigint, p_calling_station_id text, p_called_station_id text, p_framed_ip inet, p_terminate_cause text) OWNER TO postgres;

--
-- Name: FUNCTION accounting(p_status text, p_nas_ip inet, p_unique_id text, p_session_id text, p_username text, p_nas_port_id text, p_nas_port_type text, p_session_time bigint, p_input_octets bigint, p_input_gigawords bigint, p_output_octets bigint, p_output_gigawords bigint, p_calling_station_id text, p_called_station_id text, p_framed_ip inet, p_terminate_cause text); Type: COMMENT; Schema: radius; Owner: postgres
--

COMMENT ON FUNCTION radius.accounting(p_status text, p_nas_ip inet, p_unique_id text, p_session_id text, p_username text, p_nas_port_id text, p_nas_port_type text, p_session_time bigint, p_input_octets bigint, p_input_gigawords bigint, p_output_octets bigint, p_output_gigawords bigint, p_calling_station_id text, p_called_station_id text, p_framed_ip inet, p_terminate_cause text) IS 'FreeRADIUS accounting: records one Accounting-Request in radius.radacct (keyed by
Acct-Unique-Session-Id) and adds to the voucher only what the session reports beyond the totals
stored (never negative: lost, repeated or reordered packets neither double nor drop usage). The
first packet starts the validity; reaching a quota makes the voucher exhausted, passing
expires_at expired; an open session of a voucher no longer active gets a Disconnect-Request.
Accounting-On/Off closes the router''s open sessions (NAS-Reboot). A MAC user name counts
against the voucher its MAC login used. The router is the one registered at p_nas_ip (the
source address) now: a new session records it and its organization (router_id,
organization_id), and only a voucher of that organization is counted.
Callers: freeradius only (grant below).
Returns: ok | closed (Accounting-On/Off) | ignored (another status type, no unique id, or no
router at p_nas_ip: nothing is recorded).';


--
-- Name: acct_interim_interval(); Type: FUNCTION; Schema: radius; Owner: postgres
--

CREATE FUNCTION radius.acct_interim_interval() RETURNS integer
    LANGUAGE sql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select 300
$$;


ALTER FUNCTION radius.acct_interim_interval() OWNER TO postgres;

--
-- Name: authorize(inet, text, text); Type: FUNCTION; Schema: radius; Owner: postgres
--

CREATE FUNCTION radius.authorize(p_nas_ip inet, p_username text, p_calling_station_id text) RETURNS TABLE(reject_reason text, password text, session_timeout bigint, acct_interim_interval integer, rate_limit text, bandwidth_max_down bigint, bandwidth_max_up bigint, total_limit bigint, total_limit_gigawords bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_voucher public.vouchers;
  v_reason text;
  v_timeout bigint;
  v_bytes_left bigint;
  v_low bigint;
  v_gigawords bigint;
  v_mac text := radius.normalise_mac(p_calling_station_id);
begin
  -- Locked out at this router's organization? radius.locked_out()'s first probe, inline: this
  -- runs on every login, and the usual device (locked out nowhere) costs one probe of lockouts
  -- by MAC, as before lockouts were per organization; only a device locked out somewhere calls
  -- radius.locked_out() to ask whether it is at this router's organization.
  if v_mac <> '' and exists (select 1 from radius.lockouts l where l.mac = v_mac and l.locked_until > now()) then
    if radius.locked_out(p_nas_ip, v_mac) then
      return query select 'WB_LOCKED'::text, null::text, null::bigint, null::integer, null::text,
        null::bigint, null::bigint, null::bigint, null::bigint;
      return;
    end if;
  end if;
  select v.* into v_voucher from public.vouchers v where v.code = upper(p_username);
  v_reason := radius.refusal(v_voucher, p_nas_ip, v_mac);
  if v_reason is not null then
    return query select v_reason, null::text, null::bigint, null::integer, null::text,
      null::bigint, null::bigint, null::bigint, null::bigint;
    return;
  end if;

  -- Until the first Accounting-Start the validity has not begun: a session may last it whole.
  v_timeout := coalesce(
    floor(extract(epoch from v_voucher.expires_at - now()))::bigint,
    v_voucher.validity_seconds
  );
  if v_voucher.time_quota_seconds is not null then
    v_timeout := least(v_timeout, v_voucher.time_quota_seconds - v_voucher.used_seconds);
  end if;

  -- Remaining bytes as a 32-bit value plus gigawords (units of 2^32). A low word of 0 could
  -- read as "no limit", so an exact multiple of 4 GiB is sent one byte short instead.
  if v_voucher.data_quota_bytes is not null then
    v_bytes_left := v_voucher.data_quota_bytes - v_voucher.used_bytes;
    v_low := v_bytes_left % 4294967296;
    v_gigawords := v_bytes_left / 4294967296;
    if v_low = 0 then
      v_low := 4294967295;
      v_gigawords := v_gigawords - 1;
    end if;
  end if;

  return query select
    null::text,
    p_username,
    greatest(v_timeout, 1),
    radius.acct_interim_interval(),
    -- MikroTik reads rx/tx from the router's side: rx is the client's upload.
    case when v_voucher.upload_kbps is not null or v_voucher.download_kbps is not null then
      coalesce(v_voucher.upload_kbps || 'k', '0') || '/' || coalesce(v_voucher.download_kbps || 'k', '0')
    end,
    v_voucher.download_kbps::bigint * 1000,
    v_voucher.upload_kbps::bigint * 1000,
    v_low,
    v_gigawords;
end;
$$;


ALTER FUNCTION radius.authorize(p_nas_ip inet, p_username text, p_calling_station_id text) OWNER TO postgres;

--
-- Name: FUNCTION authorize(p_nas_ip inet, p_username text, p_calling_station_id text); Type: COMMENT; Schema: radius; Owner: postgres
--

COMMENT ON FUNCTION radius.authorize(p_nas_ip inet, p_username text, p_calling_station_id text) IS 'FreeRADIUS authorize for an Access-Request, in one round trip; read-only (post_auth binds the
device). p_nas_ip is the packet''s source address (the matched client), never NAS-IP-Address.
Callers: freeradius only (grant below).
Returns: one row (reject_reason, password, session_timeout, acct_interim_interval, rate_limit,
bandwidth_max_down, bandwidth_max_up, total_limit, total_limit_gigawords): either a reject_reason
(WB_LOCKED, WB_UNKNOWN, WB_WRONG_SITE, WB_SUSPENDED, WB_NOT_ACTIVE, WB_REVOKED, WB_EXPIRED,
WB_EXHAUSTED_TIME, WB_EXHAUSTED_DATA, WB_DEVICE_LIMIT) and nulls, or the password to check (the
user name as typed; the code matches in any case) and the reply attributes. The reason is what
the router may be told: WB_LOCKED only for a lockout at the router''s organization, WB_UNKNOWN
also for a voucher of another organization, WB_WRONG_SITE only for the router''s organization''s
own voucher whose plan is not sold at the router''s site.';


--
-- Name: authorize_mac(inet, text, text); Type: FUNCTION; Schema: radius; Owner: postgres
--

CREATE FUNCTION radius.authorize_mac(p_nas_ip inet, p_username text, p_calling_station_id text) RETURNS TABLE(reject_reason text, password text, session_timeout bigint, acct_interim_interval integer, rate_limit text, bandwidth_max_down bigint, bandwidth_max_up bigint, total_limit bigint, total_limit_gigawords bigint, login text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_mac text := radius.normalise_mac(p_calling_station_id);
  v_voucher public.vouchers;
begin
  if exists (select 1 from public.vouchers v where v.code = upper(p_username)) then
    return query select a.*, 'voucher'::text from radius.authorize(p_nas_ip, p_username, p_calling_station_id) a;
    return;
  end if;
  if v_mac <> '' and radius.locked_out(p_nas_ip, v_mac) then
    return query select 'WB_LOCKED'::text, null::text, null::bigint, null::integer, null::text,
      null::bigint, null::bigint, null::bigint, null::bigint, 'mac'::text;
    return;
  end if;
  if not radius.is_mac(p_username) or radius.normalise_mac(p_username) <> v_mac then
    return query select 'WB_UNKNOWN'::text, null::text, null::bigint, null::integer, null::text,
      null::bigint, null::bigint, null::bigint, null::bigint, 'mac'::text;
    return;
  end if;
  v_voucher := radius.mac_voucher(p_nas_ip, v_mac);
  if v_voucher.id is null then
    return query select 'WB_UNKNOWN'::text, null::text, null::bigint, null::integer, null::text,
      null::bigint, null::bigint, null::bigint, null::bigint, 'mac'::text;
    return;
  end if;
  -- The voucher's own answer, without its password (nothing is checked for a MAC login).
  return query
    select a.reject_reason, null::text, a.session_timeout, a.acct_interim_interval, a.rate_limit,
      a.bandwidth_max_down, a.bandwidth_max_up, a.total_limit, a.total_limit_gigawords, 'mac'::text
    from radius.authorize(p_nas_ip, v_voucher.code, p_calling_station_id) a;
end;
$$;


ALTER FUNCTION radius.authorize_mac(p_nas_ip inet, p_username text, p_calling_station_id text) OWNER TO postgres;

--
-- Name: FUNCTION authorize_mac(p_nas_ip inet, p_username text, p_calling_station_id text); Type: COMMENT; Schema: radius; Owner: postgres
--

COMMENT ON FUNCTION radius.authorize_mac(p_nas_ip inet, p_username text, p_calling_station_id text) IS 'FreeRADIUS authorize for a user name shaped like a MAC (MikroTik login-by=mac, CoovaChilli
macauth). A voucher code that looks like one is a voucher login: authorize()''s answer. Otherwise
a MAC login: the name must be the device''s own Calling-Station-Id and the device bound to a
voucher that may open a session at this router; no password is checked (password null).
Callers: freeradius only (grant below).
Returns: authorize()''s columns plus login (voucher | mac); a MAC login is refused with WB_LOCKED
(a lockout at the router''s organization), WB_UNKNOWN (not the device''s MAC, or no voucher of the
router''s organization bound: a binding at another organization is not told) or the bound
voucher''s reason.';


--
-- Name: claim_disconnects(integer); Type: FUNCTION; Schema: radius; Owner: postgres
--

CREATE FUNCTION radius.claim_disconnects(p_limit integer) RETURNS TABLE(id bigint, attempt integer, nas_ip text, coa_port integer, secret text, user_name text, acct_session_id text, calling_station_id text, framed_ip text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  update radius.disconnects d
  set state = case when c.router_address is distinct from c.session_address then 'failed'
                   else 'cancelled' end,
      detail = case when c.router_address is null then 'router not found'
                    when c.router_address <> c.session_address then 'router address changed'
                    else 'session ended' end,
      done_at = now()
  from (
    select d2.id, a.acctstoptime, a.nasipaddress as session_address,
           (select r.nas_ip from public.routers r
            where r.id = d2.router_id and r.organization_id = a.organization_id) as router_address
    from radius.disconnects d2
    join radius.radacct a on a.radacctid = d2.radacctid
    where d2.state = 'pending' and d2.next_attempt_at <= now()
  ) c
  where d.id = c.id
    and (c.acctstoptime is not null or c.router_address is distinct from c.session_address);

  return query
  with due as (
    select d.id
    from radius.disconnects d
    where d.state = 'pending' and d.next_attempt_at <= now()
    order by d.next_attempt_at
    limit least(greatest(p_limit, 1), 100)
    for update skip locked
  ),
  taken as (
    update radius.disconnects d
    set attempts = d.attempts + 1, next_attempt_at = now() + interval '30 seconds'
    from due
    where d.id = due.id
    returning d.id, d.attempts, d.radacctid, d.router_id
  )
  select t.id, t.attempts, host(r.nas_ip), r.coa_port, s.secret, a.username, a.acctsessionid,
         a.callingstationid, host(a.framedipaddress)
  from taken t
  join radius.radacct a on a.radacctid = t.radacctid
  join public.routers r
    on r.id = t.router_id and r.organization_id = a.organization_id and r.nas_ip = a.nasipaddress
  join private.router_secrets s on s.router_id = r.id;
end;
$$;


ALTER FUNCTION radius.claim_disconnects(p_limit integer) OWNER TO postgres;

--
-- Name: FUNCTION claim_disconnects(p_limit integer); Type: COMMENT; Schema: radius; Owner: postgres
--

COMMENT ON FUNCTION radius.claim_disconnects(p_limit integer) IS 'The RADIUS agent (radius/disconnect.ts) takes up to p_limit (1 to 100) due Disconnect-Requests:
each attempt counted, the next one 30 s later (a claim whose agent died is taken again). Due rows
whose session ended are cancelled, those whose router is gone failed, instead of being sent. The
router is the one the session arrived from, at the address it came from: one deleted or
renumbered since fails the request (detail router not found | router address changed).
Callers: worker only (grant below).
Returns: rows (id, attempt, nas_ip, coa_port, secret, user_name, acct_session_id,
calling_station_id, framed_ip).';


--
-- Name: is_mac(text); Type: FUNCTION; Schema: radius; Owner: postgres
--

CREATE FUNCTION radius.is_mac(p_value text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $_$
begin
  return coalesce(radius.normalise_mac(p_value) ~ '^([0-9a-f]{2}:){5}[0-9a-f]{2}$', false);
end;
$_$;


ALTER FUNCTION radius.is_mac(p_value text) OWNER TO postgres;

--
-- Name: locked_out(inet, text); Type: FUNCTION; Schema: radius; Owner: postgres
--

CREATE FUNCTION radius.locked_out(p_nas_ip inet, p_mac text) RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if not exists (select 1 from radius.lockouts l where l.mac = p_mac and l.locked_until > now()) then
    return false;
  end if;
  return exists (
    select 1
    from radius.lockouts l
    join public.routers r on r.organization_id = l.organization_id
    where r.nas_ip = p_nas_ip and l.mac = p_mac and l.locked_until > now()
  );
end;
$$;


ALTER FUNCTION radius.locked_out(p_nas_ip inet, p_mac text) OWNER TO postgres;

--
-- Name: mac_voucher(inet, text); Type: FUNCTION; Schema: radius; Owner: postgres
--

CREATE FUNCTION radius.mac_voucher(p_nas_ip inet, p_mac text) RETURNS public.vouchers
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_voucher public.vouchers;
  v_organization_id uuid;
begin
  select r.organization_id into v_organization_id from public.routers r where r.nas_ip = p_nas_ip;
  select v.* into v_voucher
  from radius.voucher_devices d
  join public.vouchers v on v.id = d.voucher_id
  where d.mac = p_mac
    and v.organization_id = v_organization_id
    and radius.refusal(v, p_nas_ip, p_mac) is null
  order by v.expires_at nulls last, d.first_seen_at
  limit 1;
  if v_voucher.id is null then
    select v.* into v_voucher
    from radius.voucher_devices d
    join public.vouchers v on v.id = d.voucher_id
    where d.mac = p_mac
      and v.organization_id = v_organization_id
    order by d.last_seen_at desc
    limit 1;
  end if;
  return v_voucher;
end;
$$;


ALTER FUNCTION radius.mac_voucher(p_nas_ip inet, p_mac text) OWNER TO postgres;

--
-- Name: nas_clients(); Type: FUNCTION; Schema: radius; Owner: postgres
--

CREATE FUNCTION radius.nas_clients() RETURNS TABLE(router_id uuid, nas_ip inet, secret text, require_message_authenticator boolean)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select r.id, r.nas_ip, s.secret, r.require_message_authenticator
  from public.routers r
  join private.router_secrets s on s.router_id = r.id
  join public.organizations o on o.id = r.organization_id
  where masklen(r.nas_ip) = case family(r.nas_ip) when 4 then 32 else 128 end
    and o.routers_approved_at is not null
  order by r.nas_ip
$$;


ALTER FUNCTION radius.nas_clients() OWNER TO postgres;

--
-- Name: FUNCTION nas_clients(); Type: COMMENT; Schema: radius; Owner: postgres
--

COMMENT ON FUNCTION radius.nas_clients() IS 'The routers FreeRADIUS must answer, with their RADIUS secrets, for radius/clients.ts (renders
its clients file; LISTENs on channel radius_clients). Rows whose nas_ip is a network, and routers
of organizations platform staff have not approved yet, are left out.
Callers: worker only.
Returns: rows (router_id, nas_ip, secret, require_message_authenticator), by nas_ip.';


--
-- Name: normalise_mac(text); Type: FUNCTION; Schema: radius; Owner: postgres
--

CREATE FUNCTION radius.normalise_mac(p_calling_station_id text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER
    SET search_path TO ''
    AS $_$
declare
  h text := regexp_replace(lower(coalesce(p_calling_station_id, '')), '[-:. ]', '', 'g');
begin
  if h ~ '^[0-9a-f]{12}$' then
    return concat_ws(':', substr(h, 1, 2), substr(h, 3, 2), substr(h, 5, 2),
                     substr(h, 7, 2), substr(h, 9, 2), substr(h, 11, 2));
  end if;
  return left(lower(btrim(coalesce(p_calling_station_id, ''))), 64);
end;
$_$;


ALTER FUNCTION radius.normalise_mac(p_calling_station_id text) OWNER TO postgres;

--
-- Name: post_auth(inet, text, text, text, boolean, text); Type: FUNCTION; Schema: radius; Owner: postgres
--

CREATE FUNCTION radius.post_auth(p_nas_ip inet, p_username text, p_calling_station_id text, p_called_station_id text, p_accepted boolean, p_reason text) RETURNS TABLE(reject_reason text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $_$
declare
  v_voucher public.vouchers;
  v_mac text := radius.normalise_mac(p_calling_station_id);
  v_user_mac text := radius.normalise_mac(p_username);
  -- A MAC login names the device itself (a code equal to the device's MAC is not worth a query).
  v_mac_login boolean := v_user_mac = v_mac and v_mac ~ '^([0-9a-f]{2}:){5}[0-9a-f]{2}$';
  v_reason text := case when p_accepted then null else coalesce(nullif(p_reason, ''), 'WB_BAD_PASSWORD') end;
  v_bound boolean := false;
  -- The reason logged (radpostauth.reason) when it is not the one the router was told.
  v_true_reason text;
  v_organization_id uuid;
begin
  if p_accepted then
    select v.* into v_voucher from public.vouchers v where v.code = upper(p_username);
    if v_voucher.id is null and v_mac_login then
      v_voucher := radius.mac_voucher(p_nas_ip, v_mac);
    end if;
    if v_voucher.id is not null then
      update radius.voucher_devices d set last_seen_at = now()
      where d.voucher_id = v_voucher.id and d.mac = v_mac;
      v_bound := found;
    end if;
    if not v_bound then
      -- A new device: check again under the voucher's lock, which a rival new device waits for.
      select v.* into v_voucher from public.vouchers v where v.id = v_voucher.id for update;
      v_reason := radius.refusal(v_voucher, p_nas_ip, v_mac);
      if v_reason is null then
        insert into radius.voucher_devices as d (voucher_id, mac)
        values (v_voucher.id, v_mac)
        on conflict (voucher_id, mac) do update set last_seen_at = now();
      end if;
    end if;
    if v_reason is null then
      update radius.radacct a
      set acctstoptime = now(), acctterminatecause = 'Session-Replaced'
      where a.voucher_id = v_voucher.id and a.acctstoptime is null and a.mac = v_mac;
    end if;
  else
    -- The router's organization (nas_ip is unique); none if the router was deleted meanwhile.
    select r.organization_id into v_organization_id from public.routers r where r.nas_ip = p_nas_ip;
    if v_reason = 'WB_UNKNOWN' then
      if v_mac_login then
        if exists (
          select 1
          from radius.voucher_devices d
          join public.vouchers v on v.id = d.voucher_id
          where d.mac = v_mac and v.organization_id is distinct from v_organization_id
        ) then
          v_true_reason := 'WB_OTHER_OPERATOR';
        end if;
      elsif exists (
        select 1 from public.vouchers v
        where v.code = upper(p_username) and v.organization_id is distinct from v_organization_id
      ) then
        v_true_reason := 'WB_OTHER_OPERATOR';
      end if;
    end if;
    if v_reason in ('WB_UNKNOWN', 'WB_BAD_PASSWORD') and v_mac <> '' and not v_mac_login
       and v_organization_id is not null then
      -- Per device and organization, in a fixed window: the count restarts 5 minutes after its
      -- first reject.
      insert into radius.lockouts as l (mac, organization_id, window_started_at, rejects)
      values (v_mac, v_organization_id, now(), 1)
      on conflict (mac, organization_id) do update set
        window_started_at = case when l.window_started_at <= now() - interval '5 minutes'
                                 then now() else l.window_started_at end,
        rejects = case when l.window_started_at <= now() - interval '5 minutes'
                       then 1 else l.rejects + 1 end,
        locked_until = case
          when l.window_started_at > now() - interval '5 minutes' and l.rejects + 1 >= 10
            then now() + interval '15 minutes'
          else l.locked_until end;
    end if;
  end if;

  insert into radius.radpostauth (username, pass, reply, calledstationid, callingstationid, nasipaddress, reason)
  values (
    left(p_username, 253),
    null,
    case when v_reason is null then 'Access-Accept' else 'Access-Reject' end,
    nullif(left(p_called_station_id, 253), ''),
    nullif(left(p_calling_station_id, 253), ''),
    p_nas_ip,
    coalesce(v_true_reason, v_reason)
  );
  return query select v_reason;
end;
$_$;


ALTER FUNCTION radius.post_auth(p_nas_ip inet, p_username text, p_calling_station_id text, p_called_station_id text, p_accepted boolean, p_reason text) OWNER TO postgres;

--
-- Name: FUNCTION post_auth(p_nas_ip inet, p_username text, p_calling_station_id text, p_called_station_id text, p_accepted boolean, p_reason text); Type: COMMENT; Schema: radius; Owner: postgres
--

COMMENT ON FUNCTION radius.post_auth(p_nas_ip inet, p_username text, p_calling_station_id text, p_called_station_id text, p_accepted boolean, p_reason text) IS 'FreeRADIUS post-auth: logs the Access-Accept or -Reject in radius.radpostauth (never a password).
An accept binds the device to the voucher (a new device is checked again under the voucher''s row
lock: the loser of a race for the last slot gets its reason) and closes that device''s own open
sessions (Session-Replaced). A guessing reject (WB_UNKNOWN, WB_BAD_PASSWORD; never a MAC login)
counts towards the lockout of the device at the router''s organization: 10 within 5 minutes lock
it there for 15 minutes. A reject with an empty p_reason is logged as WB_BAD_PASSWORD; a
WB_UNKNOWN for a voucher of another organization (a MAC login: a device bound only at another
organization) is logged as WB_OTHER_OPERATOR, the router having been told WB_UNKNOWN.
Callers: freeradius only (grant below).
Returns: one row (reject_reason): null when the accept stands, else the reason to reject with.';


--
-- Name: queue_disconnect(bigint, uuid, text, uuid); Type: FUNCTION; Schema: radius; Owner: postgres
--

CREATE FUNCTION radius.queue_disconnect(p_radacctid bigint, p_voucher_id uuid, p_reason text, p_requested_by uuid) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  insert into radius.disconnects (radacctid, router_id, voucher_id, reason, requested_by)
  select a.radacctid, a.router_id, p_voucher_id, p_reason, p_requested_by
  from radius.radacct a
  where a.radacctid = p_radacctid
  on conflict (radacctid) where state = 'pending' do nothing;
  if found then
    perform pg_notify('radius_disconnects', '');
  end if;
  return found;
end;
$$;


ALTER FUNCTION radius.queue_disconnect(p_radacctid bigint, p_voucher_id uuid, p_reason text, p_requested_by uuid) OWNER TO postgres;

--
-- Name: record_disconnect(bigint, text, integer); Type: FUNCTION; Schema: radius; Owner: postgres
--

CREATE FUNCTION radius.record_disconnect(p_id bigint, p_result text, p_error_cause integer) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_state text;
begin
  if p_result not in ('ack', 'nak', 'timeout') then
    raise exception 'unknown disconnect result %', p_result
      using errcode = '22023', hint = 'disconnect_result_invalid';
  end if;
  update radius.disconnects d
  set state = case
        when p_result <> 'timeout' then p_result
        when d.attempts >= 5 then 'timeout'
        else 'pending' end,
      error_cause = p_error_cause,
      next_attempt_at = case when p_result = 'timeout'
                             then now() + make_interval(secs => 15 * d.attempts) else d.next_attempt_at end,
      done_at = case when p_result <> 'timeout' or d.attempts >= 5 then now() end
  where d.id = p_id and d.state = 'pending'
  returning d.state into v_state;
  return v_state;
end;
$$;


ALTER FUNCTION radius.record_disconnect(p_id bigint, p_result text, p_error_cause integer) OWNER TO postgres;

--
-- Name: FUNCTION record_disconnect(p_id bigint, p_result text, p_error_cause integer); Type: COMMENT; Schema: radius; Owner: postgres
--

COMMENT ON FUNCTION radius.record_disconnect(p_id bigint, p_result text, p_error_cause integer) IS 'The RADIUS agent records a router''s answer to a Disconnect-Request: ack or nak (with
p_error_cause) end it; timeout (no valid answer) retries after 15 s times the attempts, and ends
it as timeout after 5 attempts. Only a pending row changes.
Callers: worker only.
Returns: the row''s new state (pending | ack | nak | timeout), or null when it was not pending.
Errors: 22023 p_result not ack, nak or timeout.';


--
-- Name: refusal(public.vouchers, inet, text); Type: FUNCTION; Schema: radius; Owner: postgres
--

CREATE FUNCTION radius.refusal(p_voucher public.vouchers, p_nas_ip inet, p_mac text) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_other_devices integer;
  v_open_elsewhere integer;
begin
  if p_voucher.id is null then
    return 'WB_UNKNOWN';
  end if;
  -- The voucher's organization must own the router, and the plan must be sold at its site
  -- (one query for a login that may go on). Which of the two failed is asked only then: a
  -- voucher of another organization must not be told apart from a code that does not exist.
  if not exists (
    select 1
    from public.routers r
    join public.plan_sites ps on ps.site_id = r.site_id and ps.organization_id = r.organization_id
    where r.nas_ip = p_nas_ip
      and r.organization_id = p_voucher.organization_id
      and ps.plan_id = p_voucher.plan_id
  ) then
    if exists (
      select 1 from public.routers r
      where r.nas_ip = p_nas_ip and r.organization_id = p_voucher.organization_id
    ) then
      return 'WB_WRONG_SITE';
    end if;
    return 'WB_UNKNOWN';
  end if;
  if exists (
    select 1 from public.organizations o
    where o.id = p_voucher.organization_id and o.suspended_at is not null
  ) then
    return 'WB_SUSPENDED';
  end if;
  -- A printed or agent-issued voucher is not internet until it is sold or released.
  if p_voucher.status = 'inactive' then
    return 'WB_NOT_ACTIVE';
  end if;
  if p_voucher.status = 'revoked' then
    return 'WB_REVOKED';
  end if;
  if p_voucher.status = 'expired' or p_voucher.expires_at <= now() then
    return 'WB_EXPIRED';
  end if;
  if p_voucher.used_seconds >= p_voucher.time_quota_seconds then
    return 'WB_EXHAUSTED_TIME';
  end if;
  if p_voucher.used_bytes >= p_voucher.data_quota_bytes then
    return 'WB_EXHAUSTED_DATA';
  end if;
  -- A device the voucher knows is one index probe; only a new one counts the others.
  if not exists (
    select 1 from radius.voucher_devices d where d.voucher_id = p_voucher.id and d.mac = p_mac
  ) then
    select count(*) into v_other_devices
    from radius.voucher_devices d
    where d.voucher_id = p_voucher.id;
    if v_other_devices >= p_voucher.devices_allowed then
      return 'WB_DEVICE_LIMIT';
    end if;
  end if;
  -- The same device's own open session does not count: logging in again replaces it.
  select count(*) into v_open_elsewhere
  from radius.radacct a
  where a.voucher_id = p_voucher.id
    and a.acctstoptime is null
    and a.mac is distinct from p_mac;
  if v_open_elsewhere >= p_voucher.devices_allowed then
    return 'WB_DEVICE_LIMIT';
  end if;
  return null;
end;
$$;


ALTER FUNCTION radius.refusal(p_voucher public.vouchers, p_nas_ip inet, p_mac text) OWNER TO postgres;

--
-- Name: sweep(); Type: FUNCTION; Schema: radius; Owner: postgres
--

CREATE FUNCTION radius.sweep() RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_closed integer;
  v_expired integer;
begin
  update radius.radacct a
  set acctstoptime = now(), acctterminatecause = 'Stale-Session'
  where a.acctstoptime is null
    and coalesce(a.acctupdatetime, a.acctstarttime)
        < now() - make_interval(secs => 2 * radius.acct_interim_interval());
  get diagnostics v_closed = row_count;

  update public.vouchers v
  set status = 'expired'
  where v.status = 'active' and v.expires_at <= now();
  get diagnostics v_expired = row_count;

  return jsonb_build_object('closed_sessions', v_closed, 'expired_vouchers', v_expired);
end;
$$;


ALTER FUNCTION radius.sweep() OWNER TO postgres;

--
-- Name: FUNCTION sweep(); Type: COMMENT; Schema: radius; Owner: postgres
--

COMMENT ON FUNCTION radius.sweep() IS 'Housekeeping, every minute (the worker''s radius-sweep job, or pg_cron): closes sessions silent for two interim
intervals (Stale-Session), so they stop counting against device limits, and marks active
vouchers past expires_at expired (which queues their disconnects).
Callers: worker only (grant below).
Returns: {closed_sessions, expired_vouchers}.';


--
-- Name: address_quarantine; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.address_quarantine (
    address inet NOT NULL,
    organization_id uuid NOT NULL,
    released_at timestamp with time zone DEFAULT now() NOT NULL,
    until timestamp with time zone NOT NULL
);


ALTER TABLE private.address_quarantine OWNER TO postgres;

--
-- Name: TABLE address_quarantine; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.address_quarantine IS 'Router addresses an organization released, held back from other organizations until `until` (platform setting address_quarantine_days; issue 15''s tunnel pool uses it too). No API role: written by the routers triggers, read by them and by platform_address_quarantine().';


--
-- Name: c2b_url_generations; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.c2b_url_generations (
    organization_id uuid NOT NULL,
    generation integer DEFAULT 1 NOT NULL,
    registered_at timestamp with time zone,
    previous_generation integer,
    previous_expires_at timestamp with time zone,
    rotated_at timestamp with time zone,
    rotated_by uuid,
    CONSTRAINT c2b_url_generations_check CHECK (((previous_generation >= 1) AND (previous_generation < generation))),
    CONSTRAINT c2b_url_generations_check1 CHECK (((previous_expires_at IS NULL) OR (previous_generation IS NOT NULL))),
    CONSTRAINT c2b_url_generations_generation_check CHECK ((generation >= 1))
);


ALTER TABLE private.c2b_url_generations OWNER TO postgres;

--
-- Name: TABLE c2b_url_generations; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.c2b_url_generations IS 'Per organization: the current generation of its C2B URLs (pay-c2b signs organization and generation), the previous one and when it stops working. No API role; rotated by c2b_rotate(), registered by c2b_url_registered().';


--
-- Name: callback_junk; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.callback_junk (
    kind text NOT NULL,
    reason text NOT NULL,
    hour timestamp with time zone NOT NULL,
    hits bigint DEFAULT 0 NOT NULL,
    CONSTRAINT callback_junk_kind_check CHECK ((kind = ANY (ARRAY['stk'::text, 'c2b'::text, 'status'::text]))),
    CONSTRAINT callback_junk_reason_check CHECK ((reason = ANY (ARRAY['forged'::text, 'malformed'::text, 'oversized'::text, 'expired'::text])))
);


ALTER TABLE private.callback_junk OWNER TO postgres;

--
-- Name: TABLE callback_junk; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.callback_junk IS 'How many junk callbacks (forged, malformed, oversized, expired URL) arrived per kind (stk, c2b, status) and hour; kept 30 days (private.retention_run). No API role; written by private.callback_junk().';


--
-- Name: callback_junk_samples; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.callback_junk_samples (
    id bigint NOT NULL,
    kind text NOT NULL,
    reason text NOT NULL,
    hour timestamp with time zone NOT NULL,
    ref text,
    body text NOT NULL,
    received_at timestamp with time zone DEFAULT now() NOT NULL
);


ALTER TABLE private.callback_junk_samples OWNER TO postgres;

--
-- Name: TABLE callback_junk_samples; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.callback_junk_samples IS 'The first 5 junk callbacks per kind, reason and hour (ref: the payment or organization id of the URL; body: first 1,024 characters); kept 30 days (private.retention_run). No API role; written by private.callback_junk().';


--
-- Name: callback_junk_samples_id_seq; Type: SEQUENCE; Schema: private; Owner: postgres
--

ALTER TABLE private.callback_junk_samples ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME private.callback_junk_samples_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: daily_payments; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.daily_payments (
    organization_id uuid NOT NULL,
    day date NOT NULL,
    site_id uuid,
    status text NOT NULL,
    payments integer DEFAULT 0 NOT NULL
);


ALTER TABLE private.daily_payments OWNER TO postgres;

--
-- Name: TABLE daily_payments; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.daily_payments IS 'Dashboard rollup: payments per organization, Nairobi day they started, site and status, kept by triggers. No API role; dashboard_summary reads it.';


--
-- Name: daily_sales; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.daily_sales (
    organization_id uuid NOT NULL,
    day date NOT NULL,
    site_id uuid,
    plan_id uuid NOT NULL,
    via text NOT NULL,
    vouchers integer DEFAULT 0 NOT NULL,
    kes bigint DEFAULT 0 NOT NULL,
    CONSTRAINT daily_sales_via_check CHECK ((via = ANY (ARRAY['mpesa'::text, 'cash'::text])))
);


ALTER TABLE private.daily_sales OWNER TO postgres;

--
-- Name: TABLE daily_sales; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.daily_sales IS 'Dashboard rollup: vouchers and KES per organization, Nairobi day, site (null for cash), plan and via (mpesa, cash), kept by triggers. No API role; dashboard_summary reads it.';


--
-- Name: daily_usage; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.daily_usage (
    organization_id uuid NOT NULL,
    day date NOT NULL,
    router_id uuid,
    sessions integer DEFAULT 0 NOT NULL,
    seconds bigint DEFAULT 0 NOT NULL,
    input_octets bigint DEFAULT 0 NOT NULL,
    output_octets bigint DEFAULT 0 NOT NULL
);


ALTER TABLE private.daily_usage OWNER TO postgres;

--
-- Name: TABLE daily_usage; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.daily_usage IS 'Rollup of deleted sessions: per organization, Nairobi day (of the session''s start), router: sessions, seconds, octets in and out. Written by private.retention_run() in the statement that deletes the sessions. No API role.';


--
-- Name: daraja_tokens; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.daraja_tokens (
    organization_id uuid NOT NULL,
    access_token text,
    expires_at timestamp with time zone,
    refreshed_at timestamp with time zone,
    refresh_count integer DEFAULT 0 NOT NULL
);


ALTER TABLE private.daraja_tokens OWNER TO postgres;

--
-- Name: TABLE daraja_tokens; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.daraja_tokens IS 'The one cached Daraja OAuth token per organization, refreshed under its row lock by the edge functions (postgres). No API role.';


--
-- Name: invitations; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.invitations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    email text NOT NULL,
    role text NOT NULL,
    invited_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone DEFAULT (now() + '7 days'::interval) NOT NULL,
    CONSTRAINT invitations_email_check CHECK (((email = lower(btrim(email))) AND ((char_length(email) >= 3) AND (char_length(email) <= 254)))),
    CONSTRAINT invitations_role_check CHECK ((role = ANY (private.roles())))
);


ALTER TABLE private.invitations OWNER TO postgres;

--
-- Name: TABLE invitations; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.invitations IS 'Pending invitations (organization, lower-cased email, role, expiry 7 days). No API role reads
it: invite_member, team_invitations, my_invitations and accept_invitation do.';


--
-- Name: jobs; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.jobs (
    name text NOT NULL,
    node text DEFAULT ''::text NOT NULL,
    period_seconds integer NOT NULL,
    timeout_seconds integer NOT NULL,
    due_at timestamp with time zone DEFAULT now() NOT NULL,
    claimed_by text,
    lease_until timestamp with time zone,
    last_started_at timestamp with time zone,
    last_succeeded_at timestamp with time zone,
    last_duration_ms integer,
    last_error text,
    last_error_at timestamp with time zone,
    runs bigint DEFAULT 0 NOT NULL,
    failures bigint DEFAULT 0 NOT NULL,
    failures_in_row integer DEFAULT 0 NOT NULL,
    alerted_at timestamp with time zone,
    CONSTRAINT jobs_name_check CHECK ((name ~ '^[a-z][a-z0-9-]{0,62}$'::text)),
    CONSTRAINT jobs_node_check CHECK ((char_length(node) <= 253)),
    CONSTRAINT jobs_period_seconds_check CHECK (((period_seconds >= 1) AND (period_seconds <= 86400))),
    CONSTRAINT jobs_timeout_seconds_check CHECK (((timeout_seconds >= 1) AND (timeout_seconds <= 3600)))
);


ALTER TABLE private.jobs OWNER TO postgres;

--
-- Name: TABLE jobs; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.jobs IS 'The periodic jobs and their heartbeats (last start, last success, duration, last error). No API role; the worker reaches it through private.job_*; platform staff read it through public.platform_jobs().';


--
-- Name: mpesa_settings; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.mpesa_settings (
    organization_id uuid NOT NULL,
    environment text DEFAULT 'sandbox'::text NOT NULL,
    shortcode text NOT NULL,
    account_type text DEFAULT 'paybill'::text NOT NULL,
    till_number text,
    passkey text NOT NULL,
    consumer_key text NOT NULL,
    consumer_secret text NOT NULL,
    initiator_name text,
    security_credential text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_by uuid,
    CONSTRAINT mpesa_settings_account_type_check CHECK ((account_type = ANY (ARRAY['paybill'::text, 'till'::text]))),
    CONSTRAINT mpesa_settings_check CHECK (((account_type = 'paybill'::text) OR (till_number IS NOT NULL))),
    CONSTRAINT mpesa_settings_check1 CHECK (((initiator_name IS NULL) = (security_credential IS NULL))),
    CONSTRAINT mpesa_settings_consumer_key_check CHECK (((char_length(consumer_key) >= 4) AND (char_length(consumer_key) <= 200))),
    CONSTRAINT mpesa_settings_consumer_secret_check CHECK (((char_length(consumer_secret) >= 4) AND (char_length(consumer_secret) <= 200))),
    CONSTRAINT mpesa_settings_environment_check CHECK ((environment = ANY (ARRAY['sandbox'::text, 'production'::text]))),
    CONSTRAINT mpesa_settings_initiator_name_check CHECK ((initiator_name ~ '^[A-Za-z0-9_.@-]{1,100}$'::text)),
    CONSTRAINT mpesa_settings_passkey_check CHECK (((char_length(passkey) >= 8) AND (char_length(passkey) <= 200))),
    CONSTRAINT mpesa_settings_security_credential_check CHECK (((char_length(security_credential) >= 8) AND (char_length(security_credential) <= 4096))),
    CONSTRAINT mpesa_settings_shortcode_check CHECK ((shortcode ~ '^[0-9]{5,7}$'::text)),
    CONSTRAINT mpesa_settings_till_number_check CHECK ((till_number ~ '^[0-9]{5,8}$'::text))
);


ALTER TABLE private.mpesa_settings OWNER TO postgres;

--
-- Name: TABLE mpesa_settings; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.mpesa_settings IS 'Per organization Daraja credentials, with the Transaction Status initiator (secrets write-only: set_mpesa_settings, payment_settings shows hints). No API role; the edge functions read it through mpesa_credentials().';


--
-- Name: payment_callbacks; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.payment_callbacks (
    id bigint NOT NULL,
    kind text NOT NULL,
    payment_id uuid,
    organization_id uuid,
    checkout_request_id text,
    receipt text,
    verdict text NOT NULL,
    detail text,
    body text NOT NULL,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT payment_callbacks_kind_check CHECK ((kind = ANY (ARRAY['stk'::text, 'c2b'::text, 'status'::text])))
);


ALTER TABLE private.payment_callbacks OWNER TO postgres;

--
-- Name: TABLE payment_callbacks; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.payment_callbacks IS 'Every STK, C2B and Transaction Status (kind status) callback as it arrived (first 64 KiB of the body) with its verdict (a settle_payment outcome, forged, malformed, oversized, error; C2B: recorded, duplicate, wrong_shortcode; status: a receipt_status_result outcome). No API role.';


--
-- Name: payment_callbacks_id_seq; Type: SEQUENCE; Schema: private; Owner: postgres
--

ALTER TABLE private.payment_callbacks ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME private.payment_callbacks_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: platform_audit; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.platform_audit (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    actor uuid,
    action text NOT NULL,
    organization_id uuid,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL
);


ALTER TABLE private.platform_audit OWNER TO postgres;

--
-- Name: TABLE platform_audit; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.platform_audit IS 'Every platform staff action (settings, approvals, suspensions) with its actor. No API role; written by the platform RPCs.';


--
-- Name: platform_audit_id_seq; Type: SEQUENCE; Schema: private; Owner: postgres
--

ALTER TABLE private.platform_audit ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME private.platform_audit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: platform_settings; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.platform_settings (
    id boolean DEFAULT true NOT NULL,
    signup_mode text DEFAULT 'invite_only'::text NOT NULL,
    address_quarantine_days integer DEFAULT 30 NOT NULL,
    callback_url_hours integer DEFAULT 48 NOT NULL,
    status_token_days integer DEFAULT 7 NOT NULL,
    slug_reservation_days integer DEFAULT 90 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_by uuid,
    CONSTRAINT platform_settings_address_quarantine_days_check CHECK (((address_quarantine_days >= 0) AND (address_quarantine_days <= 365))),
    CONSTRAINT platform_settings_callback_url_hours_check CHECK (((callback_url_hours >= 1) AND (callback_url_hours <= 8760))),
    CONSTRAINT platform_settings_id_check CHECK (id),
    CONSTRAINT platform_settings_signup_mode_check CHECK ((signup_mode = ANY (ARRAY['invite_only'::text, 'open'::text]))),
    CONSTRAINT platform_settings_slug_reservation_days_check CHECK (((slug_reservation_days >= 0) AND (slug_reservation_days <= 3650))),
    CONSTRAINT platform_settings_status_token_days_check CHECK (((status_token_days >= 1) AND (status_token_days <= 365)))
);


ALTER TABLE private.platform_settings OWNER TO postgres;

--
-- Name: TABLE platform_settings; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.platform_settings IS 'The platform-wide settings (one row, defaults documented per column). No API role; platform staff read and set them through platform_settings(), set_signup_mode(), set_address_quarantine_days() and set_payment_link_lifetimes().';


--
-- Name: platform_staff; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.platform_staff (
    user_id uuid NOT NULL,
    added_at timestamp with time zone DEFAULT now() NOT NULL
);


ALTER TABLE private.platform_staff OWNER TO postgres;

--
-- Name: TABLE platform_staff; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.platform_staff IS 'Platform staff (user ids), distinct from organization roles. No API role; checked by private.is_platform_staff().';


--
-- Name: rate_limits; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.rate_limits (
    bucket text NOT NULL,
    window_start timestamp with time zone NOT NULL,
    hits integer DEFAULT 0 NOT NULL
);


ALTER TABLE private.rate_limits OWNER TO postgres;

--
-- Name: TABLE rate_limits; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.rate_limits IS 'Fixed-window counters by bucket (pay_start: start:device|ip|router|site|org-phone|phone; recover:phone; portal lookups: recover|voucher-status:client|ip|site and their misses, miss:voucher-status:…; resend:) and window start. No API role; only the security definer functions write it.';


--
-- Name: receipt_alerts; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.receipt_alerts (
    receipt text NOT NULL,
    organization_id uuid NOT NULL,
    other_organization_id uuid NOT NULL,
    seen_at timestamp with time zone DEFAULT now() NOT NULL
);


ALTER TABLE private.receipt_alerts OWNER TO postgres;

--
-- Name: TABLE receipt_alerts; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.receipt_alerts IS 'A receipt that arrived at organization_id while other_organization_id already had it (a payment or an unmatched receipt). No API role; platform staff read it with platform_receipt_alerts().';


--
-- Name: released_slugs; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.released_slugs (
    slug text NOT NULL,
    organization_id uuid NOT NULL,
    released_at timestamp with time zone DEFAULT now() NOT NULL,
    until timestamp with time zone NOT NULL
);


ALTER TABLE private.released_slugs OWNER TO postgres;

--
-- Name: TABLE released_slugs; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.released_slugs IS 'Slugs an organization released (site renamed or deleted), reserved for it until `until` (platform setting slug_reservation_days, 90 by default). No API role: written and read by the sites triggers sites_slug_claim and sites_slug_release.';


--
-- Name: retention_policies; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.retention_policies (
    kind text NOT NULL,
    days integer NOT NULL,
    minimum_days integer NOT NULL,
    reason text NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_by uuid,
    CONSTRAINT retention_policies_check CHECK (((days >= minimum_days) AND (days <= 3650))),
    CONSTRAINT retention_policies_minimum_days_check CHECK ((minimum_days >= 1))
);


ALTER TABLE private.retention_policies OWNER TO postgres;

--
-- Name: TABLE retention_policies; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.retention_policies IS 'How long each kind of operational record is kept (days, never below minimum_days) and why. No API role; platform staff read it with retention_policies() and change it with set_retention_days(); private.retention_run() applies it.';


--
-- Name: router_changes; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.router_changes (
    organization_id uuid NOT NULL,
    xact xid8 DEFAULT pg_current_xact_id() NOT NULL,
    changed_at timestamp with time zone DEFAULT now() NOT NULL
);


ALTER TABLE private.router_changes OWNER TO postgres;

--
-- Name: TABLE router_changes; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.router_changes IS 'Router changes by signed-in members per organization (one row per transaction) in the last 10 minutes, counted by the trigger private.limit_router_changes(). No API role.';


--
-- Name: router_secrets; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.router_secrets (
    router_id uuid NOT NULL,
    secret text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT router_secrets_secret_check CHECK ((char_length(secret) >= 16))
);


ALTER TABLE private.router_secrets OWNER TO postgres;

--
-- Name: TABLE router_secrets; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.router_secrets IS 'The RADIUS shared secret of each router. No API role, not even service_role: create_router and router_setup show it to owners/admins, radius.nas_clients and radius.claim_disconnects to the worker.';


--
-- Name: site_logos; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.site_logos (
    site_id uuid NOT NULL,
    content_type text NOT NULL,
    bytes bytea NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT site_logos_bytes_check CHECK (((octet_length(bytes) >= 1) AND (octet_length(bytes) <= 8192))),
    CONSTRAINT site_logos_content_type_check CHECK ((content_type = ANY (ARRAY['image/png'::text, 'image/jpeg'::text, 'image/webp'::text, 'image/gif'::text])))
);


ALTER TABLE private.site_logos OWNER TO postgres;

--
-- Name: TABLE site_logos; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.site_logos IS 'One portal logo per site (PNG, JPEG, WebP or GIF, at most 8 KB). No API role: set_site_logo writes it, portal_logo serves it.';


--
-- Name: sms_settings; Type: TABLE; Schema: private; Owner: postgres
--

CREATE TABLE private.sms_settings (
    organization_id uuid NOT NULL,
    username text NOT NULL,
    api_key text NOT NULL,
    sender_id text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_by uuid,
    CONSTRAINT sms_settings_api_key_check CHECK (((char_length(api_key) >= 8) AND (char_length(api_key) <= 200))),
    CONSTRAINT sms_settings_sender_id_check CHECK ((sender_id ~ '^[A-Za-z0-9 ]{1,11}$'::text)),
    CONSTRAINT sms_settings_username_check CHECK ((username ~ '^[A-Za-z0-9_.-]{1,100}$'::text))
);


ALTER TABLE private.sms_settings OWNER TO postgres;

--
-- Name: TABLE sms_settings; Type: COMMENT; Schema: private; Owner: postgres
--

COMMENT ON TABLE private.sms_settings IS 'Per organization Africa''s Talking account (username, write-only API key, sender id: set_sms_settings). No API role; sms_claim() hands it to sms-dispatch.';


--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.audit_log (
    id bigint NOT NULL,
    organization_id uuid NOT NULL,
    actor uuid,
    actor_role text,
    action text NOT NULL,
    table_name text NOT NULL,
    row_id text,
    old jsonb,
    new jsonb,
    at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT audit_log_action_check CHECK ((action = ANY (ARRAY['insert'::text, 'update'::text, 'delete'::text])))
);


ALTER TABLE public.audit_log OWNER TO postgres;

--
-- Name: TABLE audit_log; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.audit_log IS 'Append-only record of admin actions, written by the audit triggers and support RPCs. authenticated: owners read; service_role: select only; nobody writes through the API; anon: nothing.';


--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

ALTER TABLE public.audit_log ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: memberships; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.memberships (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    user_id uuid NOT NULL,
    role text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT memberships_role_check CHECK ((role = ANY (private.roles())))
);


ALTER TABLE public.memberships OWNER TO postgres;

--
-- Name: TABLE memberships; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.memberships IS 'Who belongs to an organization as owner > admin > agent. authenticated: members read their own row, owners/admins all; owners change and remove anyone, admins only admin/agent rows (never making an owner); nobody inserts (joining is accept_invitation() or create_organization()); the last owner stays (23514); anon: nothing.';


--
-- Name: plan_sites; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.plan_sites (
    plan_id uuid NOT NULL,
    site_id uuid NOT NULL,
    organization_id uuid NOT NULL
);


ALTER TABLE public.plan_sites OWNER TO postgres;

--
-- Name: TABLE plan_sites; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.plan_sites IS 'Which sites sell which plans (same organization, composite keys). authenticated: members read, owners/admins insert and delete (no update); anon: nothing.';


--
-- Name: plans; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.plans (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    name text NOT NULL,
    price_kes integer NOT NULL,
    validity_seconds integer NOT NULL,
    time_quota_seconds integer,
    data_quota_bytes bigint,
    download_kbps integer,
    upload_kbps integer,
    devices_allowed integer DEFAULT 1 NOT NULL,
    max_discount_kes integer DEFAULT 0 NOT NULL,
    active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT plans_data_quota_bytes_check CHECK ((data_quota_bytes > 0)),
    CONSTRAINT plans_devices_allowed_check CHECK ((devices_allowed >= 1)),
    CONSTRAINT plans_download_kbps_check CHECK ((download_kbps > 0)),
    CONSTRAINT plans_max_discount_kes_check CHECK ((max_discount_kes >= 0)),
    CONSTRAINT plans_name_check CHECK (((char_length(btrim(name)) >= 1) AND (char_length(btrim(name)) <= 60))),
    CONSTRAINT plans_price_kes_check CHECK ((price_kes > 0)),
    CONSTRAINT plans_time_quota_seconds_check CHECK ((time_quota_seconds > 0)),
    CONSTRAINT plans_upload_kbps_check CHECK ((upload_kbps > 0)),
    CONSTRAINT plans_validity_seconds_check CHECK ((validity_seconds > 0))
);


ALTER TABLE public.plans OWNER TO postgres;

--
-- Name: TABLE plans; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.plans IS 'Products: price in whole KES, validity from first use, optional time/data quotas and rates, the cash discount an owner allows (max_discount_kes). authenticated: members read, owners/admins insert, update, delete (only owners set max_discount_kes); anon: nothing.';


--
-- Name: routers; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.routers (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    site_id uuid NOT NULL,
    name text NOT NULL,
    nas_ip inet NOT NULL,
    vendor text NOT NULL,
    last_seen_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    require_message_authenticator boolean DEFAULT true NOT NULL,
    message_authenticator_off_reason text,
    coa_port integer DEFAULT 3799 NOT NULL,
    login_host text,
    CONSTRAINT routers_check CHECK ((require_message_authenticator = (message_authenticator_off_reason IS NULL))),
    CONSTRAINT routers_coa_port_check CHECK (((coa_port >= 1) AND (coa_port <= 65535))),
    CONSTRAINT routers_login_host_check CHECK ((login_host ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$'::text)),
    CONSTRAINT routers_message_authenticator_off_reason_check CHECK (((char_length(message_authenticator_off_reason) >= 1) AND (char_length(message_authenticator_off_reason) <= 500))),
    CONSTRAINT routers_name_check CHECK (((char_length(btrim(name)) >= 1) AND (char_length(btrim(name)) <= 100))),
    CONSTRAINT routers_vendor_check CHECK ((vendor = ANY (ARRAY['mikrotik'::text, 'coovachilli'::text, 'opennds'::text, 'unifi'::text, 'generic'::text])))
);


ALTER TABLE public.routers OWNER TO postgres;

--
-- Name: TABLE routers; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.routers IS 'A site''s NAS (hotspot controller); nas_ip is unique across the deployment; its secret lives in private.router_secrets. authenticated: owners/admins read, update, delete; created only by create_router(); only owners switch require_message_authenticator off, with message_authenticator_off_reason; at most 20 changes per organization in 10 minutes (router_changes_rate_limited); anon: nothing.';


--
-- Name: sms_outbox; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.sms_outbox (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    to_phone text NOT NULL,
    body text NOT NULL,
    status text DEFAULT 'queued'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    provider_message_id text,
    last_error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    sent_at timestamp with time zone,
    payment_id uuid,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    provider_status jsonb,
    CONSTRAINT sms_outbox_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT sms_outbox_body_check CHECK (((char_length(body) >= 1) AND (char_length(body) <= 918))),
    CONSTRAINT sms_outbox_status_check CHECK ((status = ANY (ARRAY['queued'::text, 'sent'::text, 'failed'::text]))),
    CONSTRAINT sms_outbox_to_phone_check CHECK (((to_phone ~ '^\+254[17][0-9]{8}$'::text) OR (to_phone ~ '^erased:[0-9a-f]{32}$'::text)))
);


ALTER TABLE public.sms_outbox OWNER TO postgres;

--
-- Name: TABLE sms_outbox; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.sms_outbox IS 'Outgoing SMS (voucher codes), sent with retries by sms-dispatch. authenticated: owners/admins read; written only by the private functions; anon: nothing.';


--
-- Name: voucher_batches; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.voucher_batches (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    plan_id uuid NOT NULL,
    count integer NOT NULL,
    prefix text DEFAULT ''::text NOT NULL,
    created_by uuid DEFAULT auth.uid(),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT voucher_batches_count_check CHECK (((count >= 1) AND (count <= 10000))),
    CONSTRAINT voucher_batches_prefix_check CHECK (private.is_voucher_prefix(prefix))
);


ALTER TABLE public.voucher_batches OWNER TO postgres;

--
-- Name: TABLE voucher_batches; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.voucher_batches IS 'Vouchers printed together: inserting a batch issues count (1 to 10,000) inactive vouchers (sell_voucher() or release_vouchers() activates them). authenticated: owners/admins read all and insert as themselves (created_by = auth.uid()), agents read their own; anon: nothing.';


--
-- Name: disconnects; Type: TABLE; Schema: radius; Owner: postgres
--

CREATE TABLE radius.disconnects (
    id bigint NOT NULL,
    radacctid bigint NOT NULL,
    router_id uuid,
    voucher_id uuid,
    reason text NOT NULL,
    requested_by uuid,
    state text DEFAULT 'pending'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    error_cause integer,
    detail text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    done_at timestamp with time zone,
    CONSTRAINT disconnects_reason_check CHECK ((reason = ANY (ARRAY['exhausted'::text, 'expired'::text, 'revoked'::text, 'admin'::text]))),
    CONSTRAINT disconnects_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'ack'::text, 'nak'::text, 'timeout'::text, 'cancelled'::text, 'failed'::text])))
);


ALTER TABLE radius.disconnects OWNER TO postgres;

--
-- Name: TABLE disconnects; Type: COMMENT; Schema: radius; Owner: postgres
--

COMMENT ON TABLE radius.disconnects IS 'The Disconnect-Request (RFC 5176) queue and what each router answered (pending, ack, nak, timeout, cancelled, failed). No role has a table privilege: queued by triggers and disconnect_session, delivered through claim_disconnects and record_disconnect.';


--
-- Name: disconnects_id_seq; Type: SEQUENCE; Schema: radius; Owner: postgres
--

CREATE SEQUENCE radius.disconnects_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE radius.disconnects_id_seq OWNER TO postgres;

--
-- Name: disconnects_id_seq; Type: SEQUENCE OWNED BY; Schema: radius; Owner: postgres
--

ALTER SEQUENCE radius.disconnects_id_seq OWNED BY radius.disconnects.id;


--
-- Name: lockouts; Type: TABLE; Schema: radius; Owner: postgres
--

CREATE TABLE radius.lockouts (
    mac text NOT NULL,
    organization_id uuid NOT NULL,
    window_started_at timestamp with time zone DEFAULT now() NOT NULL,
    rejects integer DEFAULT 0 NOT NULL,
    locked_until timestamp with time zone
);


ALTER TABLE radius.lockouts OWNER TO postgres;

--
-- Name: TABLE lockouts; Type: COMMENT; Schema: radius; Owner: postgres
--

COMMENT ON TABLE radius.lockouts IS 'Guessing rejects per device (normalised MAC) and organization in the current 5-minute window, and until when the device is locked out at that organization''s routers, written by radius.post_auth(). No role has a table privilege.';


--
-- Name: nas; Type: TABLE; Schema: radius; Owner: postgres
--

CREATE TABLE radius.nas (
    id integer NOT NULL,
    nasname text NOT NULL,
    shortname text NOT NULL,
    type text DEFAULT 'other'::text NOT NULL,
    ports integer,
    secret text NOT NULL,
    server text,
    community text,
    description text
);


ALTER TABLE radius.nas OWNER TO postgres;

--
-- Name: TABLE nas; Type: COMMENT; Schema: radius; Owner: postgres
--

COMMENT ON TABLE radius.nas IS 'The stock FreeRADIUS NAS table, left empty: read_clients = no, the clients come from radius.nas_clients(). No role has a privilege on it.';


--
-- Name: nas_id_seq; Type: SEQUENCE; Schema: radius; Owner: postgres
--

CREATE SEQUENCE radius.nas_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE radius.nas_id_seq OWNER TO postgres;

--
-- Name: nas_id_seq; Type: SEQUENCE OWNED BY; Schema: radius; Owner: postgres
--

ALTER SEQUENCE radius.nas_id_seq OWNED BY radius.nas.id;


--
-- Name: radacct_radacctid_seq; Type: SEQUENCE; Schema: radius; Owner: postgres
--

CREATE SEQUENCE radius.radacct_radacctid_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE radius.radacct_radacctid_seq OWNER TO postgres;

--
-- Name: radacct_radacctid_seq; Type: SEQUENCE OWNED BY; Schema: radius; Owner: postgres
--

ALTER SEQUENCE radius.radacct_radacctid_seq OWNED BY radius.radacct.radacctid;


--
-- Name: radpostauth; Type: TABLE; Schema: radius; Owner: postgres
--

CREATE TABLE radius.radpostauth (
    id bigint NOT NULL,
    username text NOT NULL,
    pass text,
    reply text,
    calledstationid text,
    callingstationid text,
    authdate timestamp with time zone DEFAULT now() NOT NULL,
    class text,
    nasipaddress inet,
    reason text
);


ALTER TABLE radius.radpostauth OWNER TO postgres;

--
-- Name: TABLE radpostauth; Type: COMMENT; Schema: radius; Owner: postgres
--

COMMENT ON TABLE radius.radpostauth IS 'One row per Access-Accept or Access-Reject with the refusal reason, never a password, written by radius.post_auth(). No role has a table privilege.';


--
-- Name: radpostauth_id_seq; Type: SEQUENCE; Schema: radius; Owner: postgres
--

CREATE SEQUENCE radius.radpostauth_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE radius.radpostauth_id_seq OWNER TO postgres;

--
-- Name: radpostauth_id_seq; Type: SEQUENCE OWNED BY; Schema: radius; Owner: postgres
--

ALTER SEQUENCE radius.radpostauth_id_seq OWNED BY radius.radpostauth.id;


--
-- Name: voucher_devices; Type: TABLE; Schema: radius; Owner: postgres
--

CREATE TABLE radius.voucher_devices (
    voucher_id uuid NOT NULL,
    mac text NOT NULL,
    first_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL
)
WITH (fillfactor='80');


ALTER TABLE radius.voucher_devices OWNER TO postgres;

--
-- Name: TABLE voucher_devices; Type: COMMENT; Schema: radius; Owner: postgres
--

COMMENT ON TABLE radius.voucher_devices IS 'The devices (normalised MAC; empty when the router sent none) each voucher was accepted on, at most devices_allowed; they may log in by MAC. No role has a table privilege; voucher_sessions shows them.';


--
-- Name: disconnects id; Type: DEFAULT; Schema: radius; Owner: postgres
--

ALTER TABLE ONLY radius.disconnects ALTER COLUMN id SET DEFAULT nextval('radius.disconnects_id_seq'::regclass);


--
-- Name: nas id; Type: DEFAULT; Schema: radius; Owner: postgres
--

ALTER TABLE ONLY radius.nas ALTER COLUMN id SET DEFAULT nextval('radius.nas_id_seq'::regclass);


--
-- Name: radacct radacctid; Type: DEFAULT; Schema: radius; Owner: postgres
--

ALTER TABLE ONLY radius.radacct ALTER COLUMN radacctid SET DEFAULT nextval('radius.radacct_radacctid_seq'::regclass);


--
-- Name: radpostauth id; Type: DEFAULT; Schema: radius; Owner: postgres
--

ALTER TABLE ONLY radius.radpostauth ALTER COLUMN id SET DEFAULT nextval('radius.radpostauth_id_seq'::regclass);


--
-- Name: address_quarantine address_quarantine_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.address_quarantine
    ADD CONSTRAINT address_quarantine_pkey PRIMARY KEY (address);


--
-- Name: c2b_url_generations c2b_url_generations_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.c2b_url_generations
    ADD CONSTRAINT c2b_url_generations_pkey PRIMARY KEY (organization_id);


--
-- Name: callback_junk callback_junk_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.callback_junk
    ADD CONSTRAINT callback_junk_pkey PRIMARY KEY (kind, reason, hour);


--
-- Name: callback_junk_samples callback_junk_samples_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.callback_junk_samples
    ADD CONSTRAINT callback_junk_samples_pkey PRIMARY KEY (id);


--
-- Name: daily_payments daily_payments_organization_id_day_site_id_status_key; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.daily_payments
    ADD CONSTRAINT daily_payments_organization_id_day_site_id_status_key UNIQUE NULLS NOT DISTINCT (organization_id, day, site_id, status);


--
-- Name: daily_sales daily_sales_organization_id_day_site_id_plan_id_via_key; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.daily_sales
    ADD CONSTRAINT daily_sales_organization_id_day_site_id_plan_id_via_key UNIQUE NULLS NOT DISTINCT (organization_id, day, site_id, plan_id, via);


--
-- Name: daily_usage daily_usage_organization_id_day_router_id_key; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.daily_usage
    ADD CONSTRAINT daily_usage_organization_id_day_router_id_key UNIQUE NULLS NOT DISTINCT (organization_id, day, router_id);


--
-- Name: daraja_tokens daraja_tokens_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.daraja_tokens
    ADD CONSTRAINT daraja_tokens_pkey PRIMARY KEY (organization_id);


--
-- Name: invitations invitations_organization_id_email_key; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.invitations
    ADD CONSTRAINT invitations_organization_id_email_key UNIQUE (organization_id, email);


--
-- Name: invitations invitations_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.invitations
    ADD CONSTRAINT invitations_pkey PRIMARY KEY (id);


--
-- Name: jobs jobs_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.jobs
    ADD CONSTRAINT jobs_pkey PRIMARY KEY (name, node);


--
-- Name: mpesa_settings mpesa_settings_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.mpesa_settings
    ADD CONSTRAINT mpesa_settings_pkey PRIMARY KEY (organization_id);


--
-- Name: payment_callbacks payment_callbacks_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.payment_callbacks
    ADD CONSTRAINT payment_callbacks_pkey PRIMARY KEY (id);


--
-- Name: platform_audit platform_audit_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.platform_audit
    ADD CONSTRAINT platform_audit_pkey PRIMARY KEY (id);


--
-- Name: platform_settings platform_settings_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.platform_settings
    ADD CONSTRAINT platform_settings_pkey PRIMARY KEY (id);


--
-- Name: platform_staff platform_staff_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.platform_staff
    ADD CONSTRAINT platform_staff_pkey PRIMARY KEY (user_id);


--
-- Name: rate_limits rate_limits_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.rate_limits
    ADD CONSTRAINT rate_limits_pkey PRIMARY KEY (bucket, window_start);


--
-- Name: receipt_alerts receipt_alerts_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.receipt_alerts
    ADD CONSTRAINT receipt_alerts_pkey PRIMARY KEY (receipt, organization_id, other_organization_id);


--
-- Name: released_slugs released_slugs_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.released_slugs
    ADD CONSTRAINT released_slugs_pkey PRIMARY KEY (slug);


--
-- Name: retention_policies retention_policies_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.retention_policies
    ADD CONSTRAINT retention_policies_pkey PRIMARY KEY (kind);


--
-- Name: router_changes router_changes_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.router_changes
    ADD CONSTRAINT router_changes_pkey PRIMARY KEY (organization_id, xact);


--
-- Name: router_secrets router_secrets_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.router_secrets
    ADD CONSTRAINT router_secrets_pkey PRIMARY KEY (router_id);


--
-- Name: site_logos site_logos_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.site_logos
    ADD CONSTRAINT site_logos_pkey PRIMARY KEY (site_id);


--
-- Name: sms_settings sms_settings_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.sms_settings
    ADD CONSTRAINT sms_settings_pkey PRIMARY KEY (organization_id);


--
-- Name: unmatched_receipts unmatched_receipts_pkey; Type: CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.unmatched_receipts
    ADD CONSTRAINT unmatched_receipts_pkey PRIMARY KEY (receipt, organization_id);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);


--
-- Name: customers customers_id_organization_id_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.customers
    ADD CONSTRAINT customers_id_organization_id_key UNIQUE (id, organization_id);


--
-- Name: customers customers_organization_id_phone_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.customers
    ADD CONSTRAINT customers_organization_id_phone_key UNIQUE (organization_id, phone);


--
-- Name: customers customers_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.customers
    ADD CONSTRAINT customers_pkey PRIMARY KEY (id);


--
-- Name: memberships memberships_organization_id_user_id_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_organization_id_user_id_key UNIQUE (organization_id, user_id);


--
-- Name: memberships memberships_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_pkey PRIMARY KEY (id);


--
-- Name: organizations organizations_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.organizations
    ADD CONSTRAINT organizations_pkey PRIMARY KEY (id);


--
-- Name: payments payments_checkout_request_id_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_checkout_request_id_key UNIQUE (checkout_request_id);


--
-- Name: payments payments_mpesa_receipt_organization_id_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_mpesa_receipt_organization_id_key UNIQUE (mpesa_receipt, organization_id);


--
-- Name: payments payments_organization_id_idempotency_key_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_organization_id_idempotency_key_key UNIQUE (organization_id, idempotency_key);


--
-- Name: payments payments_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_pkey PRIMARY KEY (id);


--
-- Name: payments payments_status_token_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_status_token_key UNIQUE (status_token);


--
-- Name: plan_sites plan_sites_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.plan_sites
    ADD CONSTRAINT plan_sites_pkey PRIMARY KEY (plan_id, site_id);


--
-- Name: plans plans_id_organization_id_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.plans
    ADD CONSTRAINT plans_id_organization_id_key UNIQUE (id, organization_id);


--
-- Name: plans plans_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.plans
    ADD CONSTRAINT plans_pkey PRIMARY KEY (id);


--
-- Name: routers routers_id_organization_id_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.routers
    ADD CONSTRAINT routers_id_organization_id_key UNIQUE (id, organization_id);


--
-- Name: routers routers_nas_ip_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.routers
    ADD CONSTRAINT routers_nas_ip_key UNIQUE (nas_ip);


--
-- Name: routers routers_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.routers
    ADD CONSTRAINT routers_pkey PRIMARY KEY (id);


--
-- Name: sites sites_id_organization_id_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.sites
    ADD CONSTRAINT sites_id_organization_id_key UNIQUE (id, organization_id);


--
-- Name: sites sites_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.sites
    ADD CONSTRAINT sites_pkey PRIMARY KEY (id);


--
-- Name: sites sites_slug_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.sites
    ADD CONSTRAINT sites_slug_key UNIQUE (slug);


--
-- Name: sms_outbox sms_outbox_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.sms_outbox
    ADD CONSTRAINT sms_outbox_pkey PRIMARY KEY (id);


--
-- Name: voucher_batches voucher_batches_id_organization_id_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.voucher_batches
    ADD CONSTRAINT voucher_batches_id_organization_id_key UNIQUE (id, organization_id);


--
-- Name: voucher_batches voucher_batches_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.voucher_batches
    ADD CONSTRAINT voucher_batches_pkey PRIMARY KEY (id);


--
-- Name: vouchers vouchers_code_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_code_key UNIQUE (code);


--
-- Name: vouchers vouchers_id_organization_id_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_id_organization_id_key UNIQUE (id, organization_id);


--
-- Name: vouchers vouchers_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_pkey PRIMARY KEY (id);


--
-- Name: disconnects disconnects_pkey; Type: CONSTRAINT; Schema: radius; Owner: postgres
--

ALTER TABLE ONLY radius.disconnects
    ADD CONSTRAINT disconnects_pkey PRIMARY KEY (id);


--
-- Name: lockouts lockouts_pkey; Type: CONSTRAINT; Schema: radius; Owner: postgres
--

ALTER TABLE ONLY radius.lockouts
    ADD CONSTRAINT lockouts_pkey PRIMARY KEY (mac, organization_id);


--
-- Name: nas nas_pkey; Type: CONSTRAINT; Schema: radius; Owner: postgres
--

ALTER TABLE ONLY radius.nas
    ADD CONSTRAINT nas_pkey PRIMARY KEY (id);


--
-- Name: radacct radacct_acctuniqueid_key; Type: CONSTRAINT; Schema: radius; Owner: postgres
--

ALTER TABLE ONLY radius.radacct
    ADD CONSTRAINT radacct_acctuniqueid_key UNIQUE (acctuniqueid);


--
-- Name: radacct radacct_pkey; Type: CONSTRAINT; Schema: radius; Owner: postgres
--

ALTER TABLE ONLY radius.radacct
    ADD CONSTRAINT radacct_pkey PRIMARY KEY (radacctid);


--
-- Name: radpostauth radpostauth_pkey; Type: CONSTRAINT; Schema: radius; Owner: postgres
--

ALTER TABLE ONLY radius.radpostauth
    ADD CONSTRAINT radpostauth_pkey PRIMARY KEY (id);


--
-- Name: voucher_devices voucher_devices_pkey; Type: CONSTRAINT; Schema: radius; Owner: postgres
--

ALTER TABLE ONLY radius.voucher_devices
    ADD CONSTRAINT voucher_devices_pkey PRIMARY KEY (voucher_id, mac);


--
-- Name: callback_junk_samples_hour_idx; Type: INDEX; Schema: private; Owner: postgres
--

CREATE INDEX callback_junk_samples_hour_idx ON private.callback_junk_samples USING btree (hour);


--
-- Name: payment_callbacks_payment_id_idx; Type: INDEX; Schema: private; Owner: postgres
--

CREATE INDEX payment_callbacks_payment_id_idx ON private.payment_callbacks USING btree (payment_id);


--
-- Name: payment_callbacks_received_at_idx; Type: INDEX; Schema: private; Owner: postgres
--

CREATE INDEX payment_callbacks_received_at_idx ON private.payment_callbacks USING btree (received_at);


--
-- Name: rate_limits_window_start_idx; Type: INDEX; Schema: private; Owner: postgres
--

CREATE INDEX rate_limits_window_start_idx ON private.rate_limits USING btree (window_start);


--
-- Name: unmatched_receipts_organization_id_idx; Type: INDEX; Schema: private; Owner: postgres
--

CREATE INDEX unmatched_receipts_organization_id_idx ON private.unmatched_receipts USING btree (organization_id, received_at DESC);


--
-- Name: unmatched_receipts_waiting_idx; Type: INDEX; Schema: private; Owner: postgres
--

CREATE INDEX unmatched_receipts_waiting_idx ON private.unmatched_receipts USING btree (verification_requested_at NULLS FIRST) WHERE ((verification = ANY (ARRAY['unverified'::text, 'requested'::text])) AND (redeemed_payment_id IS NULL) AND (refunded_at IS NULL));


--
-- Name: audit_log_organization_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX audit_log_organization_id_idx ON public.audit_log USING btree (organization_id, at DESC);


--
-- Name: customers_organization_created_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX customers_organization_created_idx ON public.customers USING btree (organization_id, created_at DESC, id DESC);


--
-- Name: customers_organization_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX customers_organization_id_idx ON public.customers USING btree (organization_id);


--
-- Name: customers_phone_trgm_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX customers_phone_trgm_idx ON public.customers USING gin (phone extensions.gin_trgm_ops);


--
-- Name: memberships_organization_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX memberships_organization_id_idx ON public.memberships USING btree (organization_id, role);


--
-- Name: memberships_user_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX memberships_user_id_idx ON public.memberships USING btree (user_id, organization_id, role);


--
-- Name: payments_client_mac_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX payments_client_mac_idx ON public.payments USING btree (client_mac, created_at DESC) WHERE (client_mac IS NOT NULL);


--
-- Name: payments_customer_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX payments_customer_id_idx ON public.payments USING btree (customer_id, organization_id);


--
-- Name: payments_organization_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX payments_organization_id_idx ON public.payments USING btree (organization_id, created_at DESC);


--
-- Name: payments_pending_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX payments_pending_idx ON public.payments USING btree (created_at) WHERE (status = 'pending'::text);


--
-- Name: payments_phone_site_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX payments_phone_site_idx ON public.payments USING btree (phone, site_id, created_at DESC);


--
-- Name: payments_plan_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX payments_plan_id_idx ON public.payments USING btree (plan_id, organization_id);


--
-- Name: payments_push_error_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX payments_push_error_idx ON public.payments USING btree (organization_id, created_at) WHERE (push_error IS NOT NULL);


--
-- Name: payments_revenue_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX payments_revenue_idx ON public.payments USING btree (organization_id, settled_at) WHERE (status = 'success'::text);


--
-- Name: payments_router_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX payments_router_id_idx ON public.payments USING btree (router_id, organization_id);


--
-- Name: payments_site_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX payments_site_id_idx ON public.payments USING btree (site_id, organization_id);


--
-- Name: payments_status_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX payments_status_idx ON public.payments USING btree (organization_id, status, created_at DESC);


--
-- Name: payments_voucher_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX payments_voucher_id_idx ON public.payments USING btree (voucher_id, organization_id);


--
-- Name: plan_sites_organization_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX plan_sites_organization_id_idx ON public.plan_sites USING btree (organization_id);


--
-- Name: plan_sites_plan_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX plan_sites_plan_id_idx ON public.plan_sites USING btree (plan_id, organization_id);


--
-- Name: plan_sites_site_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX plan_sites_site_id_idx ON public.plan_sites USING btree (site_id, organization_id);


--
-- Name: plans_organization_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX plans_organization_id_idx ON public.plans USING btree (organization_id);


--
-- Name: routers_organization_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX routers_organization_id_idx ON public.routers USING btree (organization_id);


--
-- Name: routers_site_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX routers_site_id_idx ON public.routers USING btree (site_id, organization_id);


--
-- Name: sites_organization_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX sites_organization_id_idx ON public.sites USING btree (organization_id);


--
-- Name: sms_outbox_due_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX sms_outbox_due_idx ON public.sms_outbox USING btree (next_attempt_at) WHERE (status = 'queued'::text);


--
-- Name: sms_outbox_failed_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX sms_outbox_failed_idx ON public.sms_outbox USING btree (organization_id, created_at) WHERE (status = 'failed'::text);


--
-- Name: sms_outbox_organization_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX sms_outbox_organization_id_idx ON public.sms_outbox USING btree (organization_id, created_at DESC);


--
-- Name: sms_outbox_payment_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX sms_outbox_payment_id_idx ON public.sms_outbox USING btree (payment_id);


--
-- Name: sms_outbox_queued_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX sms_outbox_queued_idx ON public.sms_outbox USING btree (created_at) WHERE (status = 'queued'::text);


--
-- Name: voucher_batches_created_by_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX voucher_batches_created_by_idx ON public.voucher_batches USING btree (created_by);


--
-- Name: voucher_batches_organization_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX voucher_batches_organization_id_idx ON public.voucher_batches USING btree (organization_id, created_at DESC);


--
-- Name: voucher_batches_plan_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX voucher_batches_plan_id_idx ON public.voucher_batches USING btree (plan_id, organization_id);


--
-- Name: vouchers_active_expires_at_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX vouchers_active_expires_at_idx ON public.vouchers USING btree (expires_at) WHERE ((status = 'active'::text) AND (expires_at IS NOT NULL));


--
-- Name: vouchers_batch_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX vouchers_batch_id_idx ON public.vouchers USING btree (batch_id, organization_id);


--
-- Name: vouchers_cash_sales_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX vouchers_cash_sales_idx ON public.vouchers USING btree (organization_id, sold_at) WHERE (sold_by IS NOT NULL);


--
-- Name: vouchers_code_trgm_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX vouchers_code_trgm_idx ON public.vouchers USING gin (code extensions.gin_trgm_ops);


--
-- Name: vouchers_created_by_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX vouchers_created_by_idx ON public.vouchers USING btree (created_by, organization_id);


--
-- Name: vouchers_customer_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX vouchers_customer_id_idx ON public.vouchers USING btree (customer_id, organization_id);


--
-- Name: vouchers_organization_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX vouchers_organization_id_idx ON public.vouchers USING btree (organization_id, created_at DESC);


--
-- Name: vouchers_plan_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX vouchers_plan_id_idx ON public.vouchers USING btree (plan_id, organization_id);


--
-- Name: vouchers_sold_by_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX vouchers_sold_by_idx ON public.vouchers USING btree (sold_by);


--
-- Name: disconnects_due_idx; Type: INDEX; Schema: radius; Owner: postgres
--

CREATE INDEX disconnects_due_idx ON radius.disconnects USING btree (next_attempt_at) WHERE (state = 'pending'::text);


--
-- Name: disconnects_pending_session_idx; Type: INDEX; Schema: radius; Owner: postgres
--

CREATE UNIQUE INDEX disconnects_pending_session_idx ON radius.disconnects USING btree (radacctid) WHERE (state = 'pending'::text);


--
-- Name: disconnects_voucher_id_idx; Type: INDEX; Schema: radius; Owner: postgres
--

CREATE INDEX disconnects_voucher_id_idx ON radius.disconnects USING btree (voucher_id);


--
-- Name: nas_nasname_idx; Type: INDEX; Schema: radius; Owner: postgres
--

CREATE INDEX nas_nasname_idx ON radius.nas USING btree (nasname);


--
-- Name: radacct_active_session_idx; Type: INDEX; Schema: radius; Owner: postgres
--

CREATE INDEX radacct_active_session_idx ON radius.radacct USING btree (acctuniqueid) WHERE (acctstoptime IS NULL);


--
-- Name: radacct_open_voucher_idx; Type: INDEX; Schema: radius; Owner: postgres
--

CREATE INDEX radacct_open_voucher_idx ON radius.radacct USING btree (voucher_id, mac) WHERE (acctstoptime IS NULL);


--
-- Name: radacct_organization_history_idx; Type: INDEX; Schema: radius; Owner: postgres
--

CREATE INDEX radacct_organization_history_idx ON radius.radacct USING btree (organization_id, acctstarttime DESC) WHERE (acctstoptime IS NOT NULL);


--
-- Name: radacct_organization_open_idx; Type: INDEX; Schema: radius; Owner: postgres
--

CREATE INDEX radacct_organization_open_idx ON radius.radacct USING btree (organization_id, acctstarttime DESC) WHERE (acctstoptime IS NULL);


--
-- Name: radacct_router_open_idx; Type: INDEX; Schema: radius; Owner: postgres
--

CREATE INDEX radacct_router_open_idx ON radius.radacct USING btree (router_id, acctstarttime) WHERE (acctstoptime IS NULL);


--
-- Name: radacct_router_stop_idx; Type: INDEX; Schema: radius; Owner: postgres
--

CREATE INDEX radacct_router_stop_idx ON radius.radacct USING btree (router_id, acctstoptime DESC) WHERE (acctstoptime IS NOT NULL);


--
-- Name: radacct_voucher_id_idx; Type: INDEX; Schema: radius; Owner: postgres
--

CREATE INDEX radacct_voucher_id_idx ON radius.radacct USING btree (voucher_id);


--
-- Name: radpostauth_username_idx; Type: INDEX; Schema: radius; Owner: postgres
--

CREATE INDEX radpostauth_username_idx ON radius.radpostauth USING btree (username, authdate);


--
-- Name: voucher_devices_mac_idx; Type: INDEX; Schema: radius; Owner: postgres
--

CREATE INDEX voucher_devices_mac_idx ON radius.voucher_devices USING btree (mac);


--
-- Name: mpesa_settings mpesa_settings_refuse_when_suspended; Type: TRIGGER; Schema: private; Owner: postgres
--

CREATE TRIGGER mpesa_settings_refuse_when_suspended BEFORE INSERT OR DELETE OR UPDATE ON private.mpesa_settings FOR EACH ROW EXECUTE FUNCTION private.refuse_when_suspended();


--
-- Name: router_secrets router_secrets_notify_radius_clients; Type: TRIGGER; Schema: private; Owner: postgres
--

CREATE TRIGGER router_secrets_notify_radius_clients AFTER INSERT OR DELETE OR UPDATE ON private.router_secrets FOR EACH STATEMENT EXECUTE FUNCTION private.notify_radius_clients();


--
-- Name: site_logos site_logos_refuse_when_suspended; Type: TRIGGER; Schema: private; Owner: postgres
--

CREATE TRIGGER site_logos_refuse_when_suspended BEFORE INSERT OR DELETE OR UPDATE ON private.site_logos FOR EACH ROW EXECUTE FUNCTION private.refuse_when_suspended();


--
-- Name: sms_settings sms_settings_refuse_when_suspended; Type: TRIGGER; Schema: private; Owner: postgres
--

CREATE TRIGGER sms_settings_refuse_when_suspended BEFORE INSERT OR DELETE OR UPDATE ON private.sms_settings FOR EACH ROW EXECUTE FUNCTION private.refuse_when_suspended();


--
-- Name: unmatched_receipts unmatched_receipts_cross_check; Type: TRIGGER; Schema: private; Owner: postgres
--

CREATE TRIGGER unmatched_receipts_cross_check AFTER INSERT ON private.unmatched_receipts FOR EACH ROW EXECUTE FUNCTION private.receipt_cross_check();


--
-- Name: unmatched_receipts unmatched_receipts_verify; Type: TRIGGER; Schema: private; Owner: postgres
--

CREATE TRIGGER unmatched_receipts_verify AFTER INSERT ON private.unmatched_receipts FOR EACH STATEMENT EXECUTE FUNCTION private.notify_receipt_verification();


--
-- Name: memberships memberships_audit; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER memberships_audit AFTER INSERT OR DELETE ON public.memberships FOR EACH ROW EXECUTE FUNCTION private.audit_row();


--
-- Name: memberships memberships_audit_update; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER memberships_audit_update AFTER UPDATE ON public.memberships FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION private.audit_row();


--
-- Name: memberships memberships_keep_last_owner; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER memberships_keep_last_owner BEFORE DELETE OR UPDATE ON public.memberships FOR EACH ROW EXECUTE FUNCTION private.keep_last_owner();


--
-- Name: memberships memberships_refuse_when_suspended; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER memberships_refuse_when_suspended BEFORE INSERT OR DELETE OR UPDATE ON public.memberships FOR EACH ROW EXECUTE FUNCTION private.refuse_when_suspended();


--
-- Name: memberships memberships_set_updated_at; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER memberships_set_updated_at BEFORE UPDATE ON public.memberships FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: organizations organizations_audit; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER organizations_audit AFTER INSERT OR DELETE ON public.organizations FOR EACH ROW EXECUTE FUNCTION private.audit_row();


--
-- Name: organizations organizations_audit_update; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER organizations_audit_update AFTER UPDATE ON public.organizations FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION private.audit_row();


--
-- Name: organizations organizations_refuse_when_suspended; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER organizations_refuse_when_suspended BEFORE UPDATE ON public.organizations FOR EACH ROW EXECUTE FUNCTION private.refuse_when_suspended();


--
-- Name: organizations organizations_set_updated_at; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER organizations_set_updated_at BEFORE UPDATE ON public.organizations FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: payments payments_receipt_cross_check; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER payments_receipt_cross_check AFTER INSERT ON public.payments FOR EACH ROW WHEN ((new.mpesa_receipt IS NOT NULL)) EXECUTE FUNCTION private.receipt_cross_check();


--
-- Name: payments payments_receipt_cross_check_update; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER payments_receipt_cross_check_update AFTER UPDATE OF mpesa_receipt ON public.payments FOR EACH ROW WHEN (((new.mpesa_receipt IS NOT NULL) AND (new.mpesa_receipt IS DISTINCT FROM old.mpesa_receipt))) EXECUTE FUNCTION private.receipt_cross_check();


--
-- Name: payments payments_refuse_when_suspended; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER payments_refuse_when_suspended BEFORE UPDATE ON public.payments FOR EACH ROW EXECUTE FUNCTION private.refuse_when_suspended();


--
-- Name: payments payments_rollup; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER payments_rollup AFTER INSERT OR UPDATE OF status ON public.payments FOR EACH ROW EXECUTE FUNCTION private.payment_rollup();


--
-- Name: payments payments_transition; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER payments_transition BEFORE INSERT OR UPDATE ON public.payments FOR EACH ROW EXECUTE FUNCTION private.payment_transition();


--
-- Name: plan_sites plan_sites_audit; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER plan_sites_audit AFTER INSERT OR DELETE ON public.plan_sites FOR EACH ROW EXECUTE FUNCTION private.audit_row();


--
-- Name: plan_sites plan_sites_audit_update; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER plan_sites_audit_update AFTER UPDATE ON public.plan_sites FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION private.audit_row();


--
-- Name: plan_sites plan_sites_refuse_when_suspended; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER plan_sites_refuse_when_suspended BEFORE INSERT OR DELETE OR UPDATE ON public.plan_sites FOR EACH ROW EXECUTE FUNCTION private.refuse_when_suspended();


--
-- Name: plans plans_audit; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER plans_audit AFTER INSERT OR DELETE ON public.plans FOR EACH ROW EXECUTE FUNCTION private.audit_row();


--
-- Name: plans plans_audit_update; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER plans_audit_update AFTER UPDATE ON public.plans FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION private.audit_row();


--
-- Name: plans plans_discount_owner_only; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER plans_discount_owner_only BEFORE INSERT OR UPDATE OF max_discount_kes ON public.plans FOR EACH ROW EXECUTE FUNCTION private.plan_discount_owner_only();


--
-- Name: plans plans_refuse_when_suspended; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER plans_refuse_when_suspended BEFORE INSERT OR DELETE OR UPDATE ON public.plans FOR EACH ROW EXECUTE FUNCTION private.refuse_when_suspended();


--
-- Name: plans plans_set_updated_at; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER plans_set_updated_at BEFORE UPDATE ON public.plans FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: routers routers_address_claim; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER routers_address_claim BEFORE INSERT OR DELETE OR UPDATE OF nas_ip ON public.routers FOR EACH ROW EXECUTE FUNCTION private.router_address_claim();


--
-- Name: routers routers_address_release; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER routers_address_release AFTER DELETE OR UPDATE OF nas_ip ON public.routers FOR EACH ROW EXECUTE FUNCTION private.router_address_release();


--
-- Name: routers routers_audit; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER routers_audit AFTER INSERT OR DELETE ON public.routers FOR EACH ROW EXECUTE FUNCTION private.audit_row();


--
-- Name: routers routers_audit_coa_port; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER routers_audit_coa_port AFTER UPDATE OF coa_port ON public.routers FOR EACH ROW WHEN ((old.coa_port IS DISTINCT FROM new.coa_port)) EXECUTE FUNCTION private.audit_row();


--
-- Name: routers routers_audit_login_host; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER routers_audit_login_host AFTER UPDATE OF login_host ON public.routers FOR EACH ROW WHEN ((old.login_host IS DISTINCT FROM new.login_host)) EXECUTE FUNCTION private.audit_row();


--
-- Name: routers routers_audit_message_authenticator; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER routers_audit_message_authenticator AFTER UPDATE OF require_message_authenticator, message_authenticator_off_reason ON public.routers FOR EACH ROW WHEN (((old.require_message_authenticator IS DISTINCT FROM new.require_message_authenticator) OR (old.message_authenticator_off_reason IS DISTINCT FROM new.message_authenticator_off_reason))) EXECUTE FUNCTION private.audit_row();


--
-- Name: routers routers_audit_update; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER routers_audit_update AFTER UPDATE OF organization_id, site_id, name, nas_ip, vendor ON public.routers FOR EACH ROW WHEN ((((((old.organization_id IS DISTINCT FROM new.organization_id) OR (old.site_id IS DISTINCT FROM new.site_id)) OR (old.name IS DISTINCT FROM new.name)) OR (old.nas_ip IS DISTINCT FROM new.nas_ip)) OR (old.vendor IS DISTINCT FROM new.vendor))) EXECUTE FUNCTION private.audit_row();


--
-- Name: routers routers_limit_changes; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER routers_limit_changes BEFORE INSERT OR DELETE OR UPDATE OF site_id, name, nas_ip, vendor, require_message_authenticator, message_authenticator_off_reason, coa_port, login_host ON public.routers FOR EACH ROW EXECUTE FUNCTION private.limit_router_changes();


--
-- Name: routers routers_message_authenticator; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER routers_message_authenticator BEFORE INSERT OR UPDATE OF require_message_authenticator, message_authenticator_off_reason ON public.routers FOR EACH ROW EXECUTE FUNCTION private.router_message_authenticator();


--
-- Name: routers routers_notify_radius_clients; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER routers_notify_radius_clients AFTER INSERT OR DELETE OR UPDATE OF nas_ip, require_message_authenticator ON public.routers FOR EACH STATEMENT EXECUTE FUNCTION private.notify_radius_clients();


--
-- Name: routers routers_refuse_when_suspended; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER routers_refuse_when_suspended BEFORE INSERT OR DELETE OR UPDATE ON public.routers FOR EACH ROW EXECUTE FUNCTION private.refuse_when_suspended();


--
-- Name: routers routers_set_updated_at; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER routers_set_updated_at BEFORE UPDATE ON public.routers FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: sites sites_audit; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER sites_audit AFTER INSERT OR DELETE ON public.sites FOR EACH ROW EXECUTE FUNCTION private.audit_row();


--
-- Name: sites sites_audit_update; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER sites_audit_update AFTER UPDATE ON public.sites FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION private.audit_row();


--
-- Name: sites sites_refuse_when_suspended; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER sites_refuse_when_suspended BEFORE INSERT OR DELETE OR UPDATE ON public.sites FOR EACH ROW EXECUTE FUNCTION private.refuse_when_suspended();


--
-- Name: sites sites_set_updated_at; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER sites_set_updated_at BEFORE UPDATE ON public.sites FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();


--
-- Name: sites sites_slug_claim; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER sites_slug_claim BEFORE INSERT OR DELETE OR UPDATE OF slug, organization_id ON public.sites FOR EACH ROW EXECUTE FUNCTION private.site_slug_claim();


--
-- Name: sites sites_slug_release; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER sites_slug_release AFTER DELETE OR UPDATE OF slug, organization_id ON public.sites FOR EACH ROW EXECUTE FUNCTION private.site_slug_release();


--
-- Name: sms_outbox sms_outbox_notify; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER sms_outbox_notify AFTER INSERT ON public.sms_outbox FOR EACH STATEMENT EXECUTE FUNCTION private.notify_sms_outbox();


--
-- Name: sms_outbox sms_outbox_refuse_when_suspended; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER sms_outbox_refuse_when_suspended BEFORE INSERT OR UPDATE ON public.sms_outbox FOR EACH ROW EXECUTE FUNCTION private.refuse_when_suspended();


--
-- Name: voucher_batches voucher_batches_audit; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER voucher_batches_audit AFTER INSERT OR DELETE ON public.voucher_batches FOR EACH ROW EXECUTE FUNCTION private.audit_row();


--
-- Name: voucher_batches voucher_batches_issue; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER voucher_batches_issue AFTER INSERT ON public.voucher_batches FOR EACH ROW EXECUTE FUNCTION private.voucher_batch_issue();


--
-- Name: voucher_batches voucher_batches_refuse_when_suspended; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER voucher_batches_refuse_when_suspended BEFORE INSERT ON public.voucher_batches FOR EACH ROW EXECUTE FUNCTION private.refuse_when_suspended();


--
-- Name: vouchers vouchers_audit_delete; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER vouchers_audit_delete AFTER DELETE ON public.vouchers FOR EACH ROW EXECUTE FUNCTION private.audit_row();


--
-- Name: vouchers vouchers_audit_insert; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER vouchers_audit_insert AFTER INSERT ON public.vouchers FOR EACH ROW WHEN ((new.batch_id IS NULL)) EXECUTE FUNCTION private.audit_row();


--
-- Name: vouchers vouchers_audit_update; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER vouchers_audit_update AFTER UPDATE OF status, sold_by, sold_at, sold_price_kes ON public.vouchers FOR EACH ROW WHEN (((((old.status IS DISTINCT FROM new.status) OR (old.sold_by IS DISTINCT FROM new.sold_by)) OR (old.sold_at IS DISTINCT FROM new.sold_at)) OR (old.sold_price_kes IS DISTINCT FROM new.sold_price_kes))) EXECUTE FUNCTION private.audit_row();


--
-- Name: vouchers vouchers_freeze_plan; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER vouchers_freeze_plan BEFORE INSERT ON public.vouchers FOR EACH ROW EXECUTE FUNCTION private.voucher_freeze_plan();


--
-- Name: vouchers vouchers_keep_frozen; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER vouchers_keep_frozen BEFORE UPDATE OF organization_id, plan_id, batch_id, code, price_kes, validity_seconds, time_quota_seconds, data_quota_bytes, download_kbps, upload_kbps, devices_allowed, created_by, created_at ON public.vouchers FOR EACH ROW EXECUTE FUNCTION private.voucher_keep_frozen();


--
-- Name: vouchers vouchers_radius_disconnects; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER vouchers_radius_disconnects AFTER UPDATE OF status ON public.vouchers FOR EACH ROW WHEN ((old.status IS DISTINCT FROM new.status)) EXECUTE FUNCTION private.radius_voucher_disconnects();


--
-- Name: vouchers vouchers_refuse_when_suspended; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER vouchers_refuse_when_suspended BEFORE INSERT OR DELETE OR UPDATE OF status, sold_at, sold_by, sold_price_kes ON public.vouchers FOR EACH ROW EXECUTE FUNCTION private.refuse_when_suspended();


--
-- Name: vouchers vouchers_sale_rollup; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER vouchers_sale_rollup AFTER INSERT OR UPDATE OF sold_at ON public.vouchers FOR EACH ROW WHEN ((new.sold_by IS NOT NULL)) EXECUTE FUNCTION private.voucher_sale_rollup();


--
-- Name: vouchers vouchers_values_valid; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER vouchers_values_valid BEFORE INSERT OR UPDATE OF code, status, sold_price_kes ON public.vouchers FOR EACH ROW EXECUTE FUNCTION private.voucher_values_valid();


--
-- Name: c2b_url_generations c2b_url_generations_organization_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.c2b_url_generations
    ADD CONSTRAINT c2b_url_generations_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: daily_payments daily_payments_organization_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.daily_payments
    ADD CONSTRAINT daily_payments_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: daily_sales daily_sales_organization_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.daily_sales
    ADD CONSTRAINT daily_sales_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: daily_usage daily_usage_organization_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.daily_usage
    ADD CONSTRAINT daily_usage_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: daraja_tokens daraja_tokens_organization_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.daraja_tokens
    ADD CONSTRAINT daraja_tokens_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: invitations invitations_invited_by_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.invitations
    ADD CONSTRAINT invitations_invited_by_fkey FOREIGN KEY (invited_by) REFERENCES auth.users(id) ON DELETE SET NULL;


--
-- Name: invitations invitations_organization_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.invitations
    ADD CONSTRAINT invitations_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: mpesa_settings mpesa_settings_organization_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.mpesa_settings
    ADD CONSTRAINT mpesa_settings_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: platform_settings platform_settings_updated_by_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.platform_settings
    ADD CONSTRAINT platform_settings_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES auth.users(id) ON DELETE SET NULL;


--
-- Name: platform_staff platform_staff_user_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.platform_staff
    ADD CONSTRAINT platform_staff_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;


--
-- Name: receipt_alerts receipt_alerts_organization_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.receipt_alerts
    ADD CONSTRAINT receipt_alerts_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: receipt_alerts receipt_alerts_other_organization_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.receipt_alerts
    ADD CONSTRAINT receipt_alerts_other_organization_id_fkey FOREIGN KEY (other_organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: router_changes router_changes_organization_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.router_changes
    ADD CONSTRAINT router_changes_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: router_secrets router_secrets_router_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.router_secrets
    ADD CONSTRAINT router_secrets_router_id_fkey FOREIGN KEY (router_id) REFERENCES public.routers(id) ON DELETE CASCADE;


--
-- Name: site_logos site_logos_site_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.site_logos
    ADD CONSTRAINT site_logos_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.sites(id) ON DELETE CASCADE;


--
-- Name: sms_settings sms_settings_organization_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.sms_settings
    ADD CONSTRAINT sms_settings_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: unmatched_receipts unmatched_receipts_organization_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.unmatched_receipts
    ADD CONSTRAINT unmatched_receipts_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: unmatched_receipts unmatched_receipts_payment_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.unmatched_receipts
    ADD CONSTRAINT unmatched_receipts_payment_id_fkey FOREIGN KEY (payment_id) REFERENCES public.payments(id) ON DELETE SET NULL;


--
-- Name: unmatched_receipts unmatched_receipts_redeemed_payment_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.unmatched_receipts
    ADD CONSTRAINT unmatched_receipts_redeemed_payment_id_fkey FOREIGN KEY (redeemed_payment_id) REFERENCES public.payments(id) ON DELETE SET NULL;


--
-- Name: unmatched_receipts unmatched_receipts_site_id_fkey; Type: FK CONSTRAINT; Schema: private; Owner: postgres
--

ALTER TABLE ONLY private.unmatched_receipts
    ADD CONSTRAINT unmatched_receipts_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.sites(id) ON DELETE SET NULL;


--
-- Name: customers customers_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.customers
    ADD CONSTRAINT customers_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: memberships memberships_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: memberships memberships_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;


--
-- Name: payments payments_customer_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_customer_id_organization_id_fkey FOREIGN KEY (customer_id, organization_id) REFERENCES public.customers(id, organization_id) ON DELETE SET NULL (customer_id);


--
-- Name: payments payments_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: payments payments_plan_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_plan_id_organization_id_fkey FOREIGN KEY (plan_id, organization_id) REFERENCES public.plans(id, organization_id);


--
-- Name: payments payments_router_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_router_id_organization_id_fkey FOREIGN KEY (router_id, organization_id) REFERENCES public.routers(id, organization_id) ON DELETE SET NULL (router_id);


--
-- Name: payments payments_site_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_site_id_organization_id_fkey FOREIGN KEY (site_id, organization_id) REFERENCES public.sites(id, organization_id) ON DELETE SET NULL (site_id);


--
-- Name: payments payments_voucher_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_voucher_id_organization_id_fkey FOREIGN KEY (voucher_id, organization_id) REFERENCES public.vouchers(id, organization_id);


--
-- Name: plan_sites plan_sites_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.plan_sites
    ADD CONSTRAINT plan_sites_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: plan_sites plan_sites_plan_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.plan_sites
    ADD CONSTRAINT plan_sites_plan_id_organization_id_fkey FOREIGN KEY (plan_id, organization_id) REFERENCES public.plans(id, organization_id) ON DELETE CASCADE;


--
-- Name: plan_sites plan_sites_site_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.plan_sites
    ADD CONSTRAINT plan_sites_site_id_organization_id_fkey FOREIGN KEY (site_id, organization_id) REFERENCES public.sites(id, organization_id) ON DELETE CASCADE;


--
-- Name: plans plans_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.plans
    ADD CONSTRAINT plans_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: routers routers_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.routers
    ADD CONSTRAINT routers_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: routers routers_site_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.routers
    ADD CONSTRAINT routers_site_id_organization_id_fkey FOREIGN KEY (site_id, organization_id) REFERENCES public.sites(id, organization_id) ON DELETE CASCADE;


--
-- Name: sites sites_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.sites
    ADD CONSTRAINT sites_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: sms_outbox sms_outbox_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.sms_outbox
    ADD CONSTRAINT sms_outbox_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: sms_outbox sms_outbox_payment_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.sms_outbox
    ADD CONSTRAINT sms_outbox_payment_id_fkey FOREIGN KEY (payment_id) REFERENCES public.payments(id) ON DELETE SET NULL;


--
-- Name: voucher_batches voucher_batches_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.voucher_batches
    ADD CONSTRAINT voucher_batches_created_by_fkey FOREIGN KEY (created_by) REFERENCES auth.users(id) ON DELETE SET NULL;


--
-- Name: voucher_batches voucher_batches_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.voucher_batches
    ADD CONSTRAINT voucher_batches_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: voucher_batches voucher_batches_plan_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.voucher_batches
    ADD CONSTRAINT voucher_batches_plan_id_organization_id_fkey FOREIGN KEY (plan_id, organization_id) REFERENCES public.plans(id, organization_id);


--
-- Name: vouchers vouchers_batch_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_batch_id_organization_id_fkey FOREIGN KEY (batch_id, organization_id) REFERENCES public.voucher_batches(id, organization_id) ON DELETE CASCADE;


--
-- Name: vouchers vouchers_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_created_by_fkey FOREIGN KEY (created_by) REFERENCES auth.users(id) ON DELETE SET NULL;


--
-- Name: vouchers vouchers_customer_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_customer_id_organization_id_fkey FOREIGN KEY (customer_id, organization_id) REFERENCES public.customers(id, organization_id) ON DELETE SET NULL (customer_id);


--
-- Name: vouchers vouchers_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: vouchers vouchers_plan_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_plan_id_organization_id_fkey FOREIGN KEY (plan_id, organization_id) REFERENCES public.plans(id, organization_id);


--
-- Name: vouchers vouchers_sold_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_sold_by_fkey FOREIGN KEY (sold_by) REFERENCES auth.users(id) ON DELETE SET NULL;


--
-- Name: disconnects disconnects_radacctid_fkey; Type: FK CONSTRAINT; Schema: radius; Owner: postgres
--

ALTER TABLE ONLY radius.disconnects
    ADD CONSTRAINT disconnects_radacctid_fkey FOREIGN KEY (radacctid) REFERENCES radius.radacct(radacctid) ON DELETE CASCADE;


--
-- Name: disconnects disconnects_voucher_id_fkey; Type: FK CONSTRAINT; Schema: radius; Owner: postgres
--

ALTER TABLE ONLY radius.disconnects
    ADD CONSTRAINT disconnects_voucher_id_fkey FOREIGN KEY (voucher_id) REFERENCES public.vouchers(id) ON DELETE SET NULL;


--
-- Name: lockouts lockouts_organization_id_fkey; Type: FK CONSTRAINT; Schema: radius; Owner: postgres
--

ALTER TABLE ONLY radius.lockouts
    ADD CONSTRAINT lockouts_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: radacct radacct_organization_id_fkey; Type: FK CONSTRAINT; Schema: radius; Owner: postgres
--

ALTER TABLE ONLY radius.radacct
    ADD CONSTRAINT radacct_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: radacct radacct_voucher_id_fkey; Type: FK CONSTRAINT; Schema: radius; Owner: postgres
--

ALTER TABLE ONLY radius.radacct
    ADD CONSTRAINT radacct_voucher_id_fkey FOREIGN KEY (voucher_id) REFERENCES public.vouchers(id) ON DELETE SET NULL;


--
-- Name: voucher_devices voucher_devices_voucher_id_fkey; Type: FK CONSTRAINT; Schema: radius; Owner: postgres
--

ALTER TABLE ONLY radius.voucher_devices
    ADD CONSTRAINT voucher_devices_voucher_id_fkey FOREIGN KEY (voucher_id) REFERENCES public.vouchers(id) ON DELETE CASCADE;


--
-- Name: address_quarantine; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.address_quarantine ENABLE ROW LEVEL SECURITY;

--
-- Name: c2b_url_generations; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.c2b_url_generations ENABLE ROW LEVEL SECURITY;

--
-- Name: callback_junk; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.callback_junk ENABLE ROW LEVEL SECURITY;

--
-- Name: callback_junk_samples; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.callback_junk_samples ENABLE ROW LEVEL SECURITY;

--
-- Name: daily_payments; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.daily_payments ENABLE ROW LEVEL SECURITY;

--
-- Name: daily_sales; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.daily_sales ENABLE ROW LEVEL SECURITY;

--
-- Name: daily_usage; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.daily_usage ENABLE ROW LEVEL SECURITY;

--
-- Name: daraja_tokens; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.daraja_tokens ENABLE ROW LEVEL SECURITY;

--
-- Name: daraja_tokens edge_functions_tokens; Type: POLICY; Schema: private; Owner: postgres
--

CREATE POLICY edge_functions_tokens ON private.daraja_tokens TO edge_functions USING (true) WITH CHECK (true);


--
-- Name: invitations; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.invitations ENABLE ROW LEVEL SECURITY;

--
-- Name: jobs; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.jobs ENABLE ROW LEVEL SECURITY;

--
-- Name: mpesa_settings; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.mpesa_settings ENABLE ROW LEVEL SECURITY;

--
-- Name: payment_callbacks; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.payment_callbacks ENABLE ROW LEVEL SECURITY;

--
-- Name: platform_audit; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.platform_audit ENABLE ROW LEVEL SECURITY;

--
-- Name: platform_settings; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.platform_settings ENABLE ROW LEVEL SECURITY;

--
-- Name: platform_staff; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.platform_staff ENABLE ROW LEVEL SECURITY;

--
-- Name: rate_limits; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.rate_limits ENABLE ROW LEVEL SECURITY;

--
-- Name: receipt_alerts; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.receipt_alerts ENABLE ROW LEVEL SECURITY;

--
-- Name: released_slugs; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.released_slugs ENABLE ROW LEVEL SECURITY;

--
-- Name: retention_policies; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.retention_policies ENABLE ROW LEVEL SECURITY;

--
-- Name: router_changes; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.router_changes ENABLE ROW LEVEL SECURITY;

--
-- Name: router_secrets; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.router_secrets ENABLE ROW LEVEL SECURITY;

--
-- Name: site_logos; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.site_logos ENABLE ROW LEVEL SECURITY;

--
-- Name: sms_settings; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.sms_settings ENABLE ROW LEVEL SECURITY;

--
-- Name: unmatched_receipts; Type: ROW SECURITY; Schema: private; Owner: postgres
--

ALTER TABLE private.unmatched_receipts ENABLE ROW LEVEL SECURITY;

--
-- Name: audit_log; Type: ROW SECURITY; Schema: public; Owner: postgres
--

ALTER TABLE public.audit_log ENABLE ROW LEVEL SECURITY;

--
-- Name: customers; Type: ROW SECURITY; Schema: public; Owner: postgres
--

ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY;

--
-- Name: vouchers members can issue vouchers as themselves; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "members can issue vouchers as themselves" ON public.vouchers FOR INSERT TO authenticated WITH CHECK (((created_by = ( SELECT auth.uid() AS uid)) AND (organization_id IN ( SELECT private.orgs_with_role_at_least('agent'::text) AS orgs_with_role_at_least))));


--
-- Name: organizations members can read their organizations; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "members can read their organizations" ON public.organizations FOR SELECT TO authenticated USING ((id IN ( SELECT private.orgs_with_role_at_least('agent'::text) AS orgs_with_role_at_least)));


--
-- Name: memberships members can read their own membership and owners and admins all; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "members can read their own membership and owners and admins all" ON public.memberships FOR SELECT TO authenticated USING (((user_id = ( SELECT auth.uid() AS uid)) OR (organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least))));


--
-- Name: plans members can read their plans; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "members can read their plans" ON public.plans FOR SELECT TO authenticated USING ((organization_id IN ( SELECT private.orgs_with_role_at_least('agent'::text) AS orgs_with_role_at_least)));


--
-- Name: sites members can read their sites; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "members can read their sites" ON public.sites FOR SELECT TO authenticated USING ((organization_id IN ( SELECT private.orgs_with_role_at_least('agent'::text) AS orgs_with_role_at_least)));


--
-- Name: plan_sites members can read which sites sell their plans; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "members can read which sites sell their plans" ON public.plan_sites FOR SELECT TO authenticated USING ((organization_id IN ( SELECT private.orgs_with_role_at_least('agent'::text) AS orgs_with_role_at_least)));


--
-- Name: memberships; Type: ROW SECURITY; Schema: public; Owner: postgres
--

ALTER TABLE public.memberships ENABLE ROW LEVEL SECURITY;

--
-- Name: organizations; Type: ROW SECURITY; Schema: public; Owner: postgres
--

ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;

--
-- Name: plans owners and admins can create plans; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins can create plans" ON public.plans FOR INSERT TO authenticated WITH CHECK ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least)));


--
-- Name: sites owners and admins can create sites; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins can create sites" ON public.sites FOR INSERT TO authenticated WITH CHECK ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least)));


--
-- Name: plans owners and admins can delete plans; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins can delete plans" ON public.plans FOR DELETE TO authenticated USING ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least)));


--
-- Name: routers owners and admins can delete routers; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins can delete routers" ON public.routers FOR DELETE TO authenticated USING ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least)));


--
-- Name: sites owners and admins can delete sites; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins can delete sites" ON public.sites FOR DELETE TO authenticated USING ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least)));


--
-- Name: vouchers owners and admins can delete unused unsold vouchers; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins can delete unused unsold vouchers" ON public.vouchers FOR DELETE TO authenticated USING (((sold_at IS NULL) AND (first_used_at IS NULL) AND (used_seconds = 0) AND (used_bytes = 0) AND (organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least))));


--
-- Name: voucher_batches owners and admins can issue voucher batches as themselves; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins can issue voucher batches as themselves" ON public.voucher_batches FOR INSERT TO authenticated WITH CHECK (((created_by = ( SELECT auth.uid() AS uid)) AND (organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least))));


--
-- Name: plan_sites owners and admins can offer plans at sites; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins can offer plans at sites" ON public.plan_sites FOR INSERT TO authenticated WITH CHECK ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least)));


--
-- Name: customers owners and admins can read customers; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins can read customers" ON public.customers FOR SELECT TO authenticated USING ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least)));


--
-- Name: payments owners and admins can read payments; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins can read payments" ON public.payments FOR SELECT TO authenticated USING ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least)));


--
-- Name: routers owners and admins can read routers; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins can read routers" ON public.routers FOR SELECT TO authenticated USING ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least)));


--
-- Name: sms_outbox owners and admins can read the sms outbox; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins can read the sms outbox" ON public.sms_outbox FOR SELECT TO authenticated USING ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least)));


--
-- Name: vouchers owners and admins can revoke or reactivate vouchers; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins can revoke or reactivate vouchers" ON public.vouchers FOR UPDATE TO authenticated USING ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least))) WITH CHECK (((status = ANY (ARRAY['active'::text, 'revoked'::text])) AND (organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least))));


--
-- Name: plans owners and admins can update plans; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins can update plans" ON public.plans FOR UPDATE TO authenticated USING ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least))) WITH CHECK ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least)));


--
-- Name: routers owners and admins can update routers; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins can update routers" ON public.routers FOR UPDATE TO authenticated USING ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least))) WITH CHECK ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least)));


--
-- Name: sites owners and admins can update sites; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins can update sites" ON public.sites FOR UPDATE TO authenticated USING ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least))) WITH CHECK ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least)));


--
-- Name: plan_sites owners and admins can withdraw plans from sites; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins can withdraw plans from sites" ON public.plan_sites FOR DELETE TO authenticated USING ((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least)));


--
-- Name: voucher_batches owners and admins read all batches and agents their own; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins read all batches and agents their own" ON public.voucher_batches FOR SELECT TO authenticated USING (((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least)) OR ((created_by = ( SELECT auth.uid() AS uid)) AND (organization_id IN ( SELECT private.orgs_with_role('agent'::text) AS orgs_with_role)))));


--
-- Name: vouchers owners and admins read all vouchers and agents their own; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners and admins read all vouchers and agents their own" ON public.vouchers FOR SELECT TO authenticated USING (((organization_id IN ( SELECT private.orgs_with_role_at_least('admin'::text) AS orgs_with_role_at_least)) OR ((created_by = ( SELECT auth.uid() AS uid)) AND (organization_id IN ( SELECT private.orgs_with_role('agent'::text) AS orgs_with_role)))));


--
-- Name: audit_log owners can read the audit log; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners can read the audit log" ON public.audit_log FOR SELECT TO authenticated USING ((organization_id IN ( SELECT private.orgs_with_role('owner'::text) AS orgs_with_role)));


--
-- Name: organizations owners can update their organizations; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners can update their organizations" ON public.organizations FOR UPDATE TO authenticated USING ((id IN ( SELECT private.orgs_with_role('owner'::text) AS orgs_with_role))) WITH CHECK ((id IN ( SELECT private.orgs_with_role('owner'::text) AS orgs_with_role)));


--
-- Name: memberships owners change any member and admins change admins or agents; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners change any member and admins change admins or agents" ON public.memberships FOR UPDATE TO authenticated USING (((organization_id IN ( SELECT private.orgs_with_role('owner'::text) AS orgs_with_role)) OR ((role <> 'owner'::text) AND (organization_id IN ( SELECT private.orgs_with_role('admin'::text) AS orgs_with_role))))) WITH CHECK (((organization_id IN ( SELECT private.orgs_with_role('owner'::text) AS orgs_with_role)) OR ((role <> 'owner'::text) AND (organization_id IN ( SELECT private.orgs_with_role('admin'::text) AS orgs_with_role)))));


--
-- Name: memberships owners remove any member and admins remove admins or agents; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY "owners remove any member and admins remove admins or agents" ON public.memberships FOR DELETE TO authenticated USING (((organization_id IN ( SELECT private.orgs_with_role('owner'::text) AS orgs_with_role)) OR ((role <> 'owner'::text) AND (organization_id IN ( SELECT private.orgs_with_role('admin'::text) AS orgs_with_role)))));


--
-- Name: payments; Type: ROW SECURITY; Schema: public; Owner: postgres
--

ALTER TABLE public.payments ENABLE ROW LEVEL SECURITY;

--
-- Name: plan_sites; Type: ROW SECURITY; Schema: public; Owner: postgres
--

ALTER TABLE public.plan_sites ENABLE ROW LEVEL SECURITY;

--
-- Name: plans; Type: ROW SECURITY; Schema: public; Owner: postgres
--

ALTER TABLE public.plans ENABLE ROW LEVEL SECURITY;

--
-- Name: routers; Type: ROW SECURITY; Schema: public; Owner: postgres
--

ALTER TABLE public.routers ENABLE ROW LEVEL SECURITY;

--
-- Name: sites; Type: ROW SECURITY; Schema: public; Owner: postgres
--

ALTER TABLE public.sites ENABLE ROW LEVEL SECURITY;

--
-- Name: sms_outbox; Type: ROW SECURITY; Schema: public; Owner: postgres
--

ALTER TABLE public.sms_outbox ENABLE ROW LEVEL SECURITY;

--
-- Name: voucher_batches; Type: ROW SECURITY; Schema: public; Owner: postgres
--

ALTER TABLE public.voucher_batches ENABLE ROW LEVEL SECURITY;

--
-- Name: vouchers; Type: ROW SECURITY; Schema: public; Owner: postgres
--

ALTER TABLE public.vouchers ENABLE ROW LEVEL SECURITY;

--
-- Name: disconnects; Type: ROW SECURITY; Schema: radius; Owner: postgres
--

ALTER TABLE radius.disconnects ENABLE ROW LEVEL SECURITY;

--
-- Name: lockouts; Type: ROW SECURITY; Schema: radius; Owner: postgres
--

ALTER TABLE radius.lockouts ENABLE ROW LEVEL SECURITY;

--
-- Name: nas; Type: ROW SECURITY; Schema: radius; Owner: postgres
--

ALTER TABLE radius.nas ENABLE ROW LEVEL SECURITY;

--
-- Name: radacct; Type: ROW SECURITY; Schema: radius; Owner: postgres
--

ALTER TABLE radius.radacct ENABLE ROW LEVEL SECURITY;

--
-- Name: radpostauth; Type: ROW SECURITY; Schema: radius; Owner: postgres
--

ALTER TABLE radius.radpostauth ENABLE ROW LEVEL SECURITY;

--
-- Name: voucher_devices; Type: ROW SECURITY; Schema: radius; Owner: postgres
--

ALTER TABLE radius.voucher_devices ENABLE ROW LEVEL SECURITY;

--
-- Name: SCHEMA private; Type: ACL; Schema: -; Owner: postgres
--

GRANT USAGE ON SCHEMA private TO authenticated;
GRANT USAGE ON SCHEMA private TO service_role;
GRANT USAGE ON SCHEMA private TO worker;
GRANT USAGE ON SCHEMA private TO edge_functions;


--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: postgres
--

GRANT USAGE ON SCHEMA public TO anon;
GRANT USAGE ON SCHEMA public TO authenticated;
GRANT USAGE ON SCHEMA public TO service_role;


--
-- Name: SCHEMA radius; Type: ACL; Schema: -; Owner: postgres
--

GRANT USAGE ON SCHEMA radius TO freeradius;
GRANT USAGE ON SCHEMA radius TO worker;


--
-- Name: FUNCTION account_confirmed(p_email text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.account_confirmed(p_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.account_confirmed(p_email text) TO edge_functions;


--
-- Name: FUNCTION add_payments(p_organization_id uuid, p_day date, p_site_id uuid, p_status text, p_payments integer); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.add_payments(p_organization_id uuid, p_day date, p_site_id uuid, p_status text, p_payments integer) FROM PUBLIC;


--
-- Name: FUNCTION add_sale(p_organization_id uuid, p_day date, p_site_id uuid, p_plan_id uuid, p_via text, p_vouchers integer, p_kes bigint); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.add_sale(p_organization_id uuid, p_day date, p_site_id uuid, p_plan_id uuid, p_via text, p_vouchers integer, p_kes bigint) FROM PUBLIC;


--
-- Name: FUNCTION audit_c2b_register(p_organization_id uuid, p_actor uuid, p_new jsonb); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.audit_c2b_register(p_organization_id uuid, p_actor uuid, p_new jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION private.audit_c2b_register(p_organization_id uuid, p_actor uuid, p_new jsonb) TO edge_functions;


--
-- Name: FUNCTION audit_payment_recheck(p_payment_id uuid, p_user_id uuid); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.audit_payment_recheck(p_payment_id uuid, p_user_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.audit_payment_recheck(p_payment_id uuid, p_user_id uuid) TO edge_functions;


--
-- Name: FUNCTION audit_row(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.audit_row() FROM PUBLIC;


--
-- Name: FUNCTION audit_support(p_organization_id uuid, p_action text, p_row_id text, p_details jsonb); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.audit_support(p_organization_id uuid, p_action text, p_row_id text, p_details jsonb) FROM PUBLIC;


--
-- Name: FUNCTION c2b_confirmation(p_organization_id uuid, p_body text, p_parsed jsonb); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.c2b_confirmation(p_organization_id uuid, p_body text, p_parsed jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION private.c2b_confirmation(p_organization_id uuid, p_body text, p_parsed jsonb) TO edge_functions;


--
-- Name: FUNCTION c2b_rotate(p_organization_id uuid, p_actor uuid); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.c2b_rotate(p_organization_id uuid, p_actor uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.c2b_rotate(p_organization_id uuid, p_actor uuid) TO edge_functions;


--
-- Name: FUNCTION c2b_url_registered(p_organization_id uuid, p_generation integer); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.c2b_url_registered(p_organization_id uuid, p_generation integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.c2b_url_registered(p_organization_id uuid, p_generation integer) TO edge_functions;


--
-- Name: FUNCTION c2b_urls(p_organization_id uuid); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.c2b_urls(p_organization_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.c2b_urls(p_organization_id uuid) TO edge_functions;


--
-- Name: FUNCTION callback_junk(p_kind text, p_reason text, p_ref text, p_body text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.callback_junk(p_kind text, p_reason text, p_ref text, p_body text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.callback_junk(p_kind text, p_reason text, p_ref text, p_body text) TO edge_functions;


--
-- Name: FUNCTION can_support_payment(p_payment_id uuid, p_user_id uuid); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.can_support_payment(p_payment_id uuid, p_user_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.can_support_payment(p_payment_id uuid, p_user_id uuid) TO edge_functions;


--
-- Name: FUNCTION cheapest_plan_kes(p_organization_id uuid); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.cheapest_plan_kes(p_organization_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.cheapest_plan_kes(p_organization_id uuid) TO edge_functions;


--
-- Name: FUNCTION client_network(p_address text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.client_network(p_address text) FROM PUBLIC;


--
-- Name: FUNCTION languages(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.languages() FROM PUBLIC;
GRANT ALL ON FUNCTION private.languages() TO authenticated;
GRANT ALL ON FUNCTION private.languages() TO service_role;


--
-- Name: TABLE payments; Type: ACL; Schema: public; Owner: postgres
--

GRANT ALL ON TABLE public.payments TO service_role;
GRANT SELECT ON TABLE public.payments TO authenticated;


--
-- Name: FUNCTION create_payment_voucher(p_payment public.payments, p_receipt text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.create_payment_voucher(p_payment public.payments, p_receipt text) FROM PUBLIC;


--
-- Name: FUNCTION customer_for(p_organization_id uuid, p_phone text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.customer_for(p_organization_id uuid, p_phone text) FROM PUBLIC;


--
-- Name: FUNCTION customer_receipts(p_organization_id uuid, p_phone text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.customer_receipts(p_organization_id uuid, p_phone text) FROM PUBLIC;


--
-- Name: FUNCTION has_role(p_organization_id uuid, p_role text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.has_role(p_organization_id uuid, p_role text) FROM PUBLIC;


--
-- Name: FUNCTION has_role_at_least(p_organization_id uuid, p_role text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.has_role_at_least(p_organization_id uuid, p_role text) FROM PUBLIC;


--
-- Name: FUNCTION image_type(p_bytes bytea); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.image_type(p_bytes bytea) FROM PUBLIC;


--
-- Name: FUNCTION is_platform_staff(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.is_platform_staff() FROM PUBLIC;


--
-- Name: FUNCTION is_voucher_code(p_code text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.is_voucher_code(p_code text) FROM PUBLIC;


--
-- Name: FUNCTION is_voucher_prefix(p_prefix text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.is_voucher_prefix(p_prefix text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.is_voucher_prefix(p_prefix text) TO authenticated;
GRANT ALL ON FUNCTION private.is_voucher_prefix(p_prefix text) TO service_role;


--
-- Name: FUNCTION issue_payment_voucher(p_payment_id uuid); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.issue_payment_voucher(p_payment_id uuid) FROM PUBLIC;


--
-- Name: FUNCTION job_alerts_claim(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.job_alerts_claim() FROM PUBLIC;
GRANT ALL ON FUNCTION private.job_alerts_claim() TO worker;


--
-- Name: FUNCTION job_claim(p_runner text, p_node text, p_jobs text[]); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.job_claim(p_runner text, p_node text, p_jobs text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION private.job_claim(p_runner text, p_node text, p_jobs text[]) TO worker;


--
-- Name: FUNCTION job_finish(p_name text, p_node text, p_runner text, p_error text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.job_finish(p_name text, p_node text, p_runner text, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.job_finish(p_name text, p_node text, p_runner text, p_error text) TO worker;


--
-- Name: FUNCTION job_register(p_name text, p_node text, p_period_seconds integer, p_timeout_seconds integer); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.job_register(p_name text, p_node text, p_period_seconds integer, p_timeout_seconds integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.job_register(p_name text, p_node text, p_period_seconds integer, p_timeout_seconds integer) TO worker;


--
-- Name: FUNCTION job_wake(p_name text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.job_wake(p_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.job_wake(p_name text) TO worker;


--
-- Name: FUNCTION keep_last_owner(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.keep_last_owner() FROM PUBLIC;


--
-- Name: FUNCTION language_or_default(p_language text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.language_or_default(p_language text) FROM PUBLIC;


--
-- Name: FUNCTION limit_router_changes(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.limit_router_changes() FROM PUBLIC;


--
-- Name: FUNCTION lock_router_address(p_address inet); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.lock_router_address(p_address inet) FROM PUBLIC;


--
-- Name: FUNCTION lock_site_slug(p_slug text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.lock_site_slug(p_slug text) FROM PUBLIC;


--
-- Name: FUNCTION lookup_buckets(p_kind text, p_site_id uuid, p_client text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.lookup_buckets(p_kind text, p_site_id uuid, p_client text) FROM PUBLIC;


--
-- Name: FUNCTION lookup_miss(p_kind text, p_site_id uuid, p_client text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.lookup_miss(p_kind text, p_site_id uuid, p_client text) FROM PUBLIC;


--
-- Name: FUNCTION lookup_throttle(p_kind text, p_site_id uuid, p_client text, p_limit integer, p_miss_limit integer); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.lookup_throttle(p_kind text, p_site_id uuid, p_client text, p_limit integer, p_miss_limit integer) FROM PUBLIC;


--
-- Name: FUNCTION mac_or_null(p_mac text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.mac_or_null(p_mac text) FROM PUBLIC;


--
-- Name: FUNCTION masked_phone(p_phone text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.masked_phone(p_phone text) FROM PUBLIC;


--
-- Name: FUNCTION member_at_least(p_user_id uuid, p_organization_id uuid, p_role text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.member_at_least(p_user_id uuid, p_organization_id uuid, p_role text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.member_at_least(p_user_id uuid, p_organization_id uuid, p_role text) TO edge_functions;


--
-- Name: FUNCTION mpesa_credentials(p_organization_id uuid); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.mpesa_credentials(p_organization_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.mpesa_credentials(p_organization_id uuid) TO edge_functions;


--
-- Name: FUNCTION msisdn_matches(p_hint text, p_phone text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.msisdn_matches(p_hint text, p_phone text) FROM PUBLIC;


--
-- Name: FUNCTION my_confirmed_email(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.my_confirmed_email() FROM PUBLIC;


--
-- Name: FUNCTION nairobi_day(p_at timestamp with time zone); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.nairobi_day(p_at timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION new_voucher_code(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.new_voucher_code() FROM PUBLIC;
GRANT ALL ON FUNCTION private.new_voucher_code() TO authenticated;
GRANT ALL ON FUNCTION private.new_voucher_code() TO service_role;


--
-- Name: FUNCTION normalise_phone(p_input text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.normalise_phone(p_input text) FROM PUBLIC;


--
-- Name: FUNCTION normalise_voucher_code(p_input text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.normalise_voucher_code(p_input text) FROM PUBLIC;


--
-- Name: FUNCTION notify_radius_clients(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.notify_radius_clients() FROM PUBLIC;


--
-- Name: FUNCTION notify_receipt_verification(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.notify_receipt_verification() FROM PUBLIC;


--
-- Name: FUNCTION notify_sms_outbox(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.notify_sms_outbox() FROM PUBLIC;


--
-- Name: FUNCTION orgs_with_role(p_role text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.orgs_with_role(p_role text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.orgs_with_role(p_role text) TO authenticated;


--
-- Name: FUNCTION orgs_with_role_at_least(p_role text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.orgs_with_role_at_least(p_role text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.orgs_with_role_at_least(p_role text) TO authenticated;


--
-- Name: FUNCTION pay_callback(p_payment_id uuid, p_body text, p_verdict text, p_parsed jsonb); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.pay_callback(p_payment_id uuid, p_body text, p_verdict text, p_parsed jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION private.pay_callback(p_payment_id uuid, p_body text, p_verdict text, p_parsed jsonb) TO edge_functions;


--
-- Name: FUNCTION pay_mark_timeout(p_payment_id uuid, p_reason text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.pay_mark_timeout(p_payment_id uuid, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.pay_mark_timeout(p_payment_id uuid, p_reason text) TO edge_functions;


--
-- Name: FUNCTION pay_push_result(p_payment_id uuid, p_checkout_request_id text, p_merchant_request_id text, p_error text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.pay_push_result(p_payment_id uuid, p_checkout_request_id text, p_merchant_request_id text, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.pay_push_result(p_payment_id uuid, p_checkout_request_id text, p_merchant_request_id text, p_error text) TO edge_functions;


--
-- Name: FUNCTION pay_reconcile_candidate(p_payment_id uuid); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.pay_reconcile_candidate(p_payment_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.pay_reconcile_candidate(p_payment_id uuid) TO edge_functions;


--
-- Name: FUNCTION pay_reconcile_candidates(p_older_than_seconds integer, p_limit integer); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.pay_reconcile_candidates(p_older_than_seconds integer, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.pay_reconcile_candidates(p_older_than_seconds integer, p_limit integer) TO edge_functions;


--
-- Name: FUNCTION pay_start(p_site_id uuid, p_plan_id uuid, p_phone text, p_router_id uuid, p_client_mac text, p_idempotency_key text, p_language text, p_client_ip text, p_login_host text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.pay_start(p_site_id uuid, p_plan_id uuid, p_phone text, p_router_id uuid, p_client_mac text, p_idempotency_key text, p_language text, p_client_ip text, p_login_host text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.pay_start(p_site_id uuid, p_plan_id uuid, p_phone text, p_router_id uuid, p_client_mac text, p_idempotency_key text, p_language text, p_client_ip text, p_login_host text) TO edge_functions;


--
-- Name: FUNCTION pay_start_answer(p_payment public.payments, p_existing boolean, p_plan_name text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.pay_start_answer(p_payment public.payments, p_existing boolean, p_plan_name text) FROM PUBLIC;


--
-- Name: FUNCTION payment_rollup(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.payment_rollup() FROM PUBLIC;


--
-- Name: FUNCTION payment_status_for(p_result_code text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.payment_status_for(p_result_code text) FROM PUBLIC;


--
-- Name: FUNCTION payment_transition(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.payment_transition() FROM PUBLIC;


--
-- Name: FUNCTION plan_discount_owner_only(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.plan_discount_owner_only() FROM PUBLIC;


--
-- Name: FUNCTION platform_settings_changed(p_action text, p_detail jsonb); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.platform_settings_changed(p_action text, p_detail jsonb) FROM PUBLIC;


--
-- Name: TABLE organizations; Type: ACL; Schema: public; Owner: postgres
--

GRANT ALL ON TABLE public.organizations TO service_role;
GRANT SELECT ON TABLE public.organizations TO authenticated;


--
-- Name: COLUMN organizations.name; Type: ACL; Schema: public; Owner: postgres
--

GRANT UPDATE(name) ON TABLE public.organizations TO authenticated;


--
-- Name: FUNCTION platform_target(p_organization_id uuid); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.platform_target(p_organization_id uuid) FROM PUBLIC;


--
-- Name: FUNCTION radius_voucher_disconnects(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.radius_voucher_disconnects() FROM PUBLIC;


--
-- Name: FUNCTION rate_limit_hit(p_bucket text, p_limit integer, p_window_seconds integer); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.rate_limit_hit(p_bucket text, p_limit integer, p_window_seconds integer) FROM PUBLIC;


--
-- Name: FUNCTION rate_limit_wait(p_window_seconds integer); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.rate_limit_wait(p_window_seconds integer) FROM PUBLIC;


--
-- Name: FUNCTION rebuild_rollups(p_organization_id uuid); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.rebuild_rollups(p_organization_id uuid) FROM PUBLIC;


--
-- Name: FUNCTION receipt_cross_check(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.receipt_cross_check() FROM PUBLIC;


--
-- Name: FUNCTION receipt_status_result(p_organization_id uuid, p_receipt text, p_body text, p_parsed jsonb); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.receipt_status_result(p_organization_id uuid, p_receipt text, p_body text, p_parsed jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION private.receipt_status_result(p_organization_id uuid, p_receipt text, p_body text, p_parsed jsonb) TO edge_functions;


--
-- Name: FUNCTION receipt_verification_claim(p_limit integer, p_organization_id uuid); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.receipt_verification_claim(p_limit integer, p_organization_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.receipt_verification_claim(p_limit integer, p_organization_id uuid) TO edge_functions;


--
-- Name: FUNCTION receipt_verification_sent(p_organization_id uuid, p_receipt text, p_conversation_id text, p_error text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.receipt_verification_sent(p_organization_id uuid, p_receipt text, p_conversation_id text, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.receipt_verification_sent(p_organization_id uuid, p_receipt text, p_conversation_id text, p_error text) TO edge_functions;


--
-- Name: FUNCTION refuse_when_suspended(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.refuse_when_suspended() FROM PUBLIC;


--
-- Name: FUNCTION require_manager(p_organization_id uuid); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.require_manager(p_organization_id uuid) FROM PUBLIC;


--
-- Name: FUNCTION require_platform_staff(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.require_platform_staff() FROM PUBLIC;


--
-- Name: FUNCTION retention_cutoff(p_kind text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.retention_cutoff(p_kind text) FROM PUBLIC;


--
-- Name: FUNCTION retention_run(p_batch integer); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.retention_run(p_batch integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.retention_run(p_batch integer) TO worker;


--
-- Name: FUNCTION roles(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.roles() FROM PUBLIC;
GRANT ALL ON FUNCTION private.roles() TO authenticated;
GRANT ALL ON FUNCTION private.roles() TO service_role;


--
-- Name: FUNCTION roles_at_least(p_role text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.roles_at_least(p_role text) FROM PUBLIC;


--
-- Name: FUNCTION router_address_claim(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.router_address_claim() FROM PUBLIC;


--
-- Name: FUNCTION router_address_release(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.router_address_release() FROM PUBLIC;


--
-- Name: FUNCTION router_last_accounting(p_router_id uuid); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.router_last_accounting(p_router_id uuid) FROM PUBLIC;


--
-- Name: FUNCTION router_message_authenticator(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.router_message_authenticator() FROM PUBLIC;


--
-- Name: FUNCTION session_json(a radius.radacct, p_code text, p_router text, p_site text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.session_json(a radius.radacct, p_code text, p_router text, p_site text) FROM PUBLIC;


--
-- Name: FUNCTION set_updated_at(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.set_updated_at() FROM PUBLIC;


--
-- Name: FUNCTION settle_payment(p_payment_id uuid, p_checkout_request_id text, p_result_code text, p_result_desc text, p_amount numeric, p_receipt text, p_phone text, p_via text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.settle_payment(p_payment_id uuid, p_checkout_request_id text, p_result_code text, p_result_desc text, p_amount numeric, p_receipt text, p_phone text, p_via text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.settle_payment(p_payment_id uuid, p_checkout_request_id text, p_result_code text, p_result_desc text, p_amount numeric, p_receipt text, p_phone text, p_via text) TO edge_functions;


--
-- Name: FUNCTION signup_mode(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.signup_mode() FROM PUBLIC;


--
-- Name: TABLE sites; Type: ACL; Schema: public; Owner: postgres
--

GRANT ALL ON TABLE public.sites TO service_role;
GRANT SELECT,DELETE ON TABLE public.sites TO authenticated;


--
-- Name: COLUMN sites.organization_id; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(organization_id) ON TABLE public.sites TO authenticated;


--
-- Name: COLUMN sites.slug; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(slug),UPDATE(slug) ON TABLE public.sites TO authenticated;


--
-- Name: COLUMN sites.name; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(name),UPDATE(name) ON TABLE public.sites TO authenticated;


--
-- Name: COLUMN sites.support_phone; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(support_phone),UPDATE(support_phone) ON TABLE public.sites TO authenticated;


--
-- Name: COLUMN sites.primary_color; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(primary_color),UPDATE(primary_color) ON TABLE public.sites TO authenticated;


--
-- Name: COLUMN sites.default_language; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(default_language),UPDATE(default_language) ON TABLE public.sites TO authenticated;


--
-- Name: FUNCTION site_by_ref(p_ref text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.site_by_ref(p_ref text) FROM PUBLIC;


--
-- Name: FUNCTION site_logo_path(p_site_id uuid); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.site_logo_path(p_site_id uuid) FROM PUBLIC;


--
-- Name: FUNCTION site_member_at_least(p_user_id uuid, p_site_id uuid, p_role text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.site_member_at_least(p_user_id uuid, p_site_id uuid, p_role text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.site_member_at_least(p_user_id uuid, p_site_id uuid, p_role text) TO edge_functions;


--
-- Name: FUNCTION site_slug_claim(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.site_slug_claim() FROM PUBLIC;


--
-- Name: FUNCTION site_slug_release(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.site_slug_release() FROM PUBLIC;


--
-- Name: FUNCTION sms_claim(p_limit integer); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.sms_claim(p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.sms_claim(p_limit integer) TO edge_functions;


--
-- Name: FUNCTION sms_result(p_id uuid, p_outcome text, p_message_id text, p_error text, p_provider_status jsonb); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.sms_result(p_id uuid, p_outcome text, p_message_id text, p_error text, p_provider_status jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION private.sms_result(p_id uuid, p_outcome text, p_message_id text, p_error text, p_provider_status jsonb) TO edge_functions;


--
-- Name: FUNCTION strip_separators(p_input text, p_separators text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.strip_separators(p_input text, p_separators text) FROM PUBLIC;


--
-- Name: FUNCTION voucher_alphabet(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.voucher_alphabet() FROM PUBLIC;


--
-- Name: FUNCTION voucher_batch_issue(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.voucher_batch_issue() FROM PUBLIC;


--
-- Name: FUNCTION voucher_freeze_plan(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.voucher_freeze_plan() FROM PUBLIC;


--
-- Name: FUNCTION voucher_keep_frozen(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.voucher_keep_frozen() FROM PUBLIC;


--
-- Name: FUNCTION voucher_sale_rollup(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.voucher_sale_rollup() FROM PUBLIC;


--
-- Name: FUNCTION voucher_sms_body(p_language text, p_code text, p_plan text, p_site text, p_receipt text); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.voucher_sms_body(p_language text, p_code text, p_plan text, p_site text, p_receipt text) FROM PUBLIC;


--
-- Name: FUNCTION voucher_values_valid(); Type: ACL; Schema: private; Owner: postgres
--

REVOKE ALL ON FUNCTION private.voucher_values_valid() FROM PUBLIC;


--
-- Name: FUNCTION accept_invitation(p_invitation_id uuid); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.accept_invitation(p_invitation_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.accept_invitation(p_invitation_id uuid) TO service_role;
GRANT ALL ON FUNCTION public.accept_invitation(p_invitation_id uuid) TO authenticated;


--
-- Name: FUNCTION approve_organization(p_organization_id uuid); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.approve_organization(p_organization_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.approve_organization(p_organization_id uuid) TO service_role;
GRANT ALL ON FUNCTION public.approve_organization(p_organization_id uuid) TO authenticated;


--
-- Name: FUNCTION cash_up(p_organization_id uuid, p_day date); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.cash_up(p_organization_id uuid, p_day date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.cash_up(p_organization_id uuid, p_day date) TO service_role;
GRANT ALL ON FUNCTION public.cash_up(p_organization_id uuid, p_day date) TO authenticated;


--
-- Name: FUNCTION create_organization(p_name text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.create_organization(p_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.create_organization(p_name text) TO service_role;
GRANT ALL ON FUNCTION public.create_organization(p_name text) TO authenticated;


--
-- Name: FUNCTION create_router(p_site_id uuid, p_name text, p_nas_ip inet, p_vendor text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.create_router(p_site_id uuid, p_name text, p_nas_ip inet, p_vendor text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.create_router(p_site_id uuid, p_name text, p_nas_ip inet, p_vendor text) TO service_role;
GRANT ALL ON FUNCTION public.create_router(p_site_id uuid, p_name text, p_nas_ip inet, p_vendor text) TO authenticated;


--
-- Name: FUNCTION customer_data_export(p_organization_id uuid, p_phone text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.customer_data_export(p_organization_id uuid, p_phone text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.customer_data_export(p_organization_id uuid, p_phone text) TO service_role;
GRANT ALL ON FUNCTION public.customer_data_export(p_organization_id uuid, p_phone text) TO authenticated;


--
-- Name: FUNCTION dashboard_alerts(p_organization_id uuid); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.dashboard_alerts(p_organization_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_alerts(p_organization_id uuid) TO service_role;
GRANT ALL ON FUNCTION public.dashboard_alerts(p_organization_id uuid) TO authenticated;


--
-- Name: FUNCTION dashboard_summary(p_organization_id uuid, p_site_id uuid); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.dashboard_summary(p_organization_id uuid, p_site_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_summary(p_organization_id uuid, p_site_id uuid) TO service_role;
GRANT ALL ON FUNCTION public.dashboard_summary(p_organization_id uuid, p_site_id uuid) TO authenticated;


--
-- Name: FUNCTION disconnect_session(p_voucher_id uuid, p_mac text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.disconnect_session(p_voucher_id uuid, p_mac text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.disconnect_session(p_voucher_id uuid, p_mac text) TO service_role;
GRANT ALL ON FUNCTION public.disconnect_session(p_voucher_id uuid, p_mac text) TO authenticated;


--
-- Name: FUNCTION erase_customer(p_organization_id uuid, p_phone text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.erase_customer(p_organization_id uuid, p_phone text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.erase_customer(p_organization_id uuid, p_phone text) TO service_role;
GRANT ALL ON FUNCTION public.erase_customer(p_organization_id uuid, p_phone text) TO authenticated;


--
-- Name: FUNCTION export_organization(p_organization_id uuid); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.export_organization(p_organization_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.export_organization(p_organization_id uuid) TO service_role;
GRANT ALL ON FUNCTION public.export_organization(p_organization_id uuid) TO authenticated;


--
-- Name: FUNCTION invite_member(p_organization_id uuid, p_email text, p_role text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.invite_member(p_organization_id uuid, p_email text, p_role text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.invite_member(p_organization_id uuid, p_email text, p_role text) TO service_role;
GRANT ALL ON FUNCTION public.invite_member(p_organization_id uuid, p_email text, p_role text) TO authenticated;


--
-- Name: FUNCTION is_platform_staff(); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.is_platform_staff() FROM PUBLIC;
GRANT ALL ON FUNCTION public.is_platform_staff() TO service_role;
GRANT ALL ON FUNCTION public.is_platform_staff() TO authenticated;


--
-- Name: FUNCTION my_invitations(); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.my_invitations() FROM PUBLIC;
GRANT ALL ON FUNCTION public.my_invitations() TO service_role;
GRANT ALL ON FUNCTION public.my_invitations() TO authenticated;


--
-- Name: FUNCTION payment_settings(p_organization_id uuid); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.payment_settings(p_organization_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.payment_settings(p_organization_id uuid) TO service_role;
GRANT ALL ON FUNCTION public.payment_settings(p_organization_id uuid) TO authenticated;


--
-- Name: FUNCTION payment_status(p_token text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.payment_status(p_token text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.payment_status(p_token text) TO service_role;
GRANT ALL ON FUNCTION public.payment_status(p_token text) TO anon;
GRANT ALL ON FUNCTION public.payment_status(p_token text) TO authenticated;


--
-- Name: FUNCTION platform_address_quarantine(); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.platform_address_quarantine() FROM PUBLIC;
GRANT ALL ON FUNCTION public.platform_address_quarantine() TO service_role;
GRANT ALL ON FUNCTION public.platform_address_quarantine() TO authenticated;


--
-- Name: FUNCTION platform_jobs(); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.platform_jobs() FROM PUBLIC;
GRANT ALL ON FUNCTION public.platform_jobs() TO service_role;
GRANT ALL ON FUNCTION public.platform_jobs() TO authenticated;


--
-- Name: FUNCTION platform_organizations(); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.platform_organizations() FROM PUBLIC;
GRANT ALL ON FUNCTION public.platform_organizations() TO service_role;
GRANT ALL ON FUNCTION public.platform_organizations() TO authenticated;


--
-- Name: FUNCTION platform_receipt_alerts(); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.platform_receipt_alerts() FROM PUBLIC;
GRANT ALL ON FUNCTION public.platform_receipt_alerts() TO service_role;
GRANT ALL ON FUNCTION public.platform_receipt_alerts() TO authenticated;


--
-- Name: FUNCTION platform_settings(); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.platform_settings() FROM PUBLIC;
GRANT ALL ON FUNCTION public.platform_settings() TO service_role;
GRANT ALL ON FUNCTION public.platform_settings() TO authenticated;


--
-- Name: FUNCTION portal_login_host_allowed(p_slug text, p_host text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.portal_login_host_allowed(p_slug text, p_host text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.portal_login_host_allowed(p_slug text, p_host text) TO service_role;
GRANT ALL ON FUNCTION public.portal_login_host_allowed(p_slug text, p_host text) TO anon;
GRANT ALL ON FUNCTION public.portal_login_host_allowed(p_slug text, p_host text) TO authenticated;


--
-- Name: FUNCTION portal_logo(p_slug text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.portal_logo(p_slug text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.portal_logo(p_slug text) TO service_role;
GRANT ALL ON FUNCTION public.portal_logo(p_slug text) TO anon;
GRANT ALL ON FUNCTION public.portal_logo(p_slug text) TO authenticated;


--
-- Name: FUNCTION portal_resume(p_site_slug text, p_mac text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.portal_resume(p_site_slug text, p_mac text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.portal_resume(p_site_slug text, p_mac text) TO service_role;


--
-- Name: FUNCTION portal_site(p_slug text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.portal_site(p_slug text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.portal_site(p_slug text) TO service_role;
GRANT ALL ON FUNCTION public.portal_site(p_slug text) TO anon;
GRANT ALL ON FUNCTION public.portal_site(p_slug text) TO authenticated;


--
-- Name: FUNCTION portal_voucher_status(p_site_slug text, p_code text, p_client text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.portal_voucher_status(p_site_slug text, p_code text, p_client text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.portal_voucher_status(p_site_slug text, p_code text, p_client text) TO service_role;
GRANT ALL ON FUNCTION public.portal_voucher_status(p_site_slug text, p_code text, p_client text) TO anon;
GRANT ALL ON FUNCTION public.portal_voucher_status(p_site_slug text, p_code text, p_client text) TO authenticated;


--
-- Name: FUNCTION recover_voucher(p_site_slug text, p_receipt text, p_phone text, p_client text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.recover_voucher(p_site_slug text, p_receipt text, p_phone text, p_client text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.recover_voucher(p_site_slug text, p_receipt text, p_phone text, p_client text) TO service_role;
GRANT ALL ON FUNCTION public.recover_voucher(p_site_slug text, p_receipt text, p_phone text, p_client text) TO anon;
GRANT ALL ON FUNCTION public.recover_voucher(p_site_slug text, p_receipt text, p_phone text, p_client text) TO authenticated;


--
-- Name: FUNCTION release_vouchers(p_batch_id uuid, p_voucher_id uuid); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.release_vouchers(p_batch_id uuid, p_voucher_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.release_vouchers(p_batch_id uuid, p_voucher_id uuid) TO service_role;
GRANT ALL ON FUNCTION public.release_vouchers(p_batch_id uuid, p_voucher_id uuid) TO authenticated;


--
-- Name: FUNCTION resume_organization(p_organization_id uuid); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.resume_organization(p_organization_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.resume_organization(p_organization_id uuid) TO service_role;
GRANT ALL ON FUNCTION public.resume_organization(p_organization_id uuid) TO authenticated;


--
-- Name: FUNCTION retention_policies(); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.retention_policies() FROM PUBLIC;
GRANT ALL ON FUNCTION public.retention_policies() TO service_role;
GRANT ALL ON FUNCTION public.retention_policies() TO authenticated;


--
-- Name: FUNCTION revenue_summary(p_organization_id uuid); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.revenue_summary(p_organization_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.revenue_summary(p_organization_id uuid) TO service_role;
GRANT ALL ON FUNCTION public.revenue_summary(p_organization_id uuid) TO authenticated;


--
-- Name: FUNCTION router_health(p_organization_id uuid); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.router_health(p_organization_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.router_health(p_organization_id uuid) TO service_role;
GRANT ALL ON FUNCTION public.router_health(p_organization_id uuid) TO authenticated;


--
-- Name: FUNCTION router_setup(p_router_id uuid); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.router_setup(p_router_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.router_setup(p_router_id uuid) TO service_role;
GRANT ALL ON FUNCTION public.router_setup(p_router_id uuid) TO authenticated;


--
-- Name: TABLE customers; Type: ACL; Schema: public; Owner: postgres
--

GRANT ALL ON TABLE public.customers TO service_role;
GRANT SELECT ON TABLE public.customers TO authenticated;


--
-- Name: FUNCTION search_customers(p_organization_id uuid, p_digits text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.search_customers(p_organization_id uuid, p_digits text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.search_customers(p_organization_id uuid, p_digits text) TO service_role;
GRANT ALL ON FUNCTION public.search_customers(p_organization_id uuid, p_digits text) TO authenticated;


--
-- Name: TABLE vouchers; Type: ACL; Schema: public; Owner: postgres
--

GRANT ALL ON TABLE public.vouchers TO service_role;
GRANT SELECT,DELETE ON TABLE public.vouchers TO authenticated;


--
-- Name: COLUMN vouchers.organization_id; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(organization_id) ON TABLE public.vouchers TO authenticated;


--
-- Name: COLUMN vouchers.plan_id; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(plan_id) ON TABLE public.vouchers TO authenticated;


--
-- Name: COLUMN vouchers.status; Type: ACL; Schema: public; Owner: postgres
--

GRANT UPDATE(status) ON TABLE public.vouchers TO authenticated;


--
-- Name: FUNCTION search_vouchers(p_organization_id uuid, p_search text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.search_vouchers(p_organization_id uuid, p_search text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.search_vouchers(p_organization_id uuid, p_search text) TO service_role;
GRANT ALL ON FUNCTION public.search_vouchers(p_organization_id uuid, p_search text) TO authenticated;


--
-- Name: FUNCTION sell_voucher(p_voucher_id uuid, p_price_kes integer); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.sell_voucher(p_voucher_id uuid, p_price_kes integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.sell_voucher(p_voucher_id uuid, p_price_kes integer) TO service_role;
GRANT ALL ON FUNCTION public.sell_voucher(p_voucher_id uuid, p_price_kes integer) TO authenticated;


--
-- Name: FUNCTION session_history(p_organization_id uuid, p_voucher_id uuid, p_before timestamp with time zone, p_limit integer); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.session_history(p_organization_id uuid, p_voucher_id uuid, p_before timestamp with time zone, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.session_history(p_organization_id uuid, p_voucher_id uuid, p_before timestamp with time zone, p_limit integer) TO service_role;
GRANT ALL ON FUNCTION public.session_history(p_organization_id uuid, p_voucher_id uuid, p_before timestamp with time zone, p_limit integer) TO authenticated;


--
-- Name: FUNCTION sessions_online(p_organization_id uuid, p_site_id uuid); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.sessions_online(p_organization_id uuid, p_site_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.sessions_online(p_organization_id uuid, p_site_id uuid) TO service_role;
GRANT ALL ON FUNCTION public.sessions_online(p_organization_id uuid, p_site_id uuid) TO authenticated;


--
-- Name: FUNCTION set_address_quarantine_days(p_days integer); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.set_address_quarantine_days(p_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.set_address_quarantine_days(p_days integer) TO service_role;
GRANT ALL ON FUNCTION public.set_address_quarantine_days(p_days integer) TO authenticated;


--
-- Name: FUNCTION set_mpesa_settings(p_organization_id uuid, p_environment text, p_shortcode text, p_account_type text, p_till_number text, p_passkey text, p_consumer_key text, p_consumer_secret text, p_initiator_name text, p_security_credential text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.set_mpesa_settings(p_organization_id uuid, p_environment text, p_shortcode text, p_account_type text, p_till_number text, p_passkey text, p_consumer_key text, p_consumer_secret text, p_initiator_name text, p_security_credential text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.set_mpesa_settings(p_organization_id uuid, p_environment text, p_shortcode text, p_account_type text, p_till_number text, p_passkey text, p_consumer_key text, p_consumer_secret text, p_initiator_name text, p_security_credential text) TO service_role;
GRANT ALL ON FUNCTION public.set_mpesa_settings(p_organization_id uuid, p_environment text, p_shortcode text, p_account_type text, p_till_number text, p_passkey text, p_consumer_key text, p_consumer_secret text, p_initiator_name text, p_security_credential text) TO authenticated;


--
-- Name: FUNCTION set_payment_link_lifetimes(p_callback_url_hours integer, p_status_token_days integer); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.set_payment_link_lifetimes(p_callback_url_hours integer, p_status_token_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.set_payment_link_lifetimes(p_callback_url_hours integer, p_status_token_days integer) TO service_role;
GRANT ALL ON FUNCTION public.set_payment_link_lifetimes(p_callback_url_hours integer, p_status_token_days integer) TO authenticated;


--
-- Name: FUNCTION set_retention_days(p_kind text, p_days integer); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.set_retention_days(p_kind text, p_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.set_retention_days(p_kind text, p_days integer) TO service_role;
GRANT ALL ON FUNCTION public.set_retention_days(p_kind text, p_days integer) TO authenticated;


--
-- Name: FUNCTION set_signup_mode(p_mode text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.set_signup_mode(p_mode text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.set_signup_mode(p_mode text) TO service_role;
GRANT ALL ON FUNCTION public.set_signup_mode(p_mode text) TO authenticated;


--
-- Name: FUNCTION set_site_logo(p_site_id uuid, p_image_base64 text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.set_site_logo(p_site_id uuid, p_image_base64 text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.set_site_logo(p_site_id uuid, p_image_base64 text) TO service_role;
GRANT ALL ON FUNCTION public.set_site_logo(p_site_id uuid, p_image_base64 text) TO authenticated;


--
-- Name: FUNCTION set_sms_settings(p_organization_id uuid, p_username text, p_api_key text, p_sender_id text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.set_sms_settings(p_organization_id uuid, p_username text, p_api_key text, p_sender_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.set_sms_settings(p_organization_id uuid, p_username text, p_api_key text, p_sender_id text) TO service_role;
GRANT ALL ON FUNCTION public.set_sms_settings(p_organization_id uuid, p_username text, p_api_key text, p_sender_id text) TO authenticated;


--
-- Name: FUNCTION support_issue_voucher(p_receipt text, p_plan_id uuid, p_phone text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.support_issue_voucher(p_receipt text, p_plan_id uuid, p_phone text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.support_issue_voucher(p_receipt text, p_plan_id uuid, p_phone text) TO service_role;
GRANT ALL ON FUNCTION public.support_issue_voucher(p_receipt text, p_plan_id uuid, p_phone text) TO authenticated;


--
-- Name: FUNCTION support_mark_refunded(p_receipt text, p_note text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.support_mark_refunded(p_receipt text, p_note text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.support_mark_refunded(p_receipt text, p_note text) TO service_role;
GRANT ALL ON FUNCTION public.support_mark_refunded(p_receipt text, p_note text) TO authenticated;


--
-- Name: FUNCTION support_resend_sms(p_payment_id uuid); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.support_resend_sms(p_payment_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.support_resend_sms(p_payment_id uuid) TO service_role;
GRANT ALL ON FUNCTION public.support_resend_sms(p_payment_id uuid) TO authenticated;


--
-- Name: FUNCTION suspend_organization(p_organization_id uuid, p_reason text); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.suspend_organization(p_organization_id uuid, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.suspend_organization(p_organization_id uuid, p_reason text) TO service_role;
GRANT ALL ON FUNCTION public.suspend_organization(p_organization_id uuid, p_reason text) TO authenticated;


--
-- Name: FUNCTION team_invitations(p_organization_id uuid); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.team_invitations(p_organization_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.team_invitations(p_organization_id uuid) TO service_role;
GRANT ALL ON FUNCTION public.team_invitations(p_organization_id uuid) TO authenticated;


--
-- Name: FUNCTION team_members(p_organization_id uuid); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.team_members(p_organization_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.team_members(p_organization_id uuid) TO service_role;
GRANT ALL ON FUNCTION public.team_members(p_organization_id uuid) TO authenticated;


--
-- Name: FUNCTION unmatched_receipts(p_organization_id uuid); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.unmatched_receipts(p_organization_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.unmatched_receipts(p_organization_id uuid) TO service_role;
GRANT ALL ON FUNCTION public.unmatched_receipts(p_organization_id uuid) TO authenticated;


--
-- Name: FUNCTION voucher_sessions(p_voucher_id uuid); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.voucher_sessions(p_voucher_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.voucher_sessions(p_voucher_id uuid) TO service_role;
GRANT ALL ON FUNCTION public.voucher_sessions(p_voucher_id uuid) TO authenticated;


--
-- Name: FUNCTION accounting(p_status text, p_nas_ip inet, p_unique_id text, p_session_id text, p_username text, p_nas_port_id text, p_nas_port_type text, p_session_time bigint, p_input_octets bigint, p_input_gigawords bigint, p_output_octets bigint, p_output_gigawords bigint, p_calling_station_id text, p_called_station_id text, p_framed_ip inet, p_terminate_cause text); Type: ACL; Schema: radius; Owner: postgres
--

REVOKE ALL ON FUNCTION radius.accounting(p_status text, p_nas_ip inet, p_unique_id text, p_session_id text, p_username text, p_nas_port_id text, p_nas_port_type text, p_session_time bigint, p_input_octets bigint, p_input_gigawords bigint, p_output_octets bigint, p_output_gigawords bigint, p_calling_station_id text, p_called_station_id text, p_framed_ip inet, p_terminate_cause text) FROM PUBLIC;
GRANT ALL ON FUNCTION radius.accounting(p_status text, p_nas_ip inet, p_unique_id text, p_session_id text, p_username text, p_nas_port_id text, p_nas_port_type text, p_session_time bigint, p_input_octets bigint, p_input_gigawords bigint, p_output_octets bigint, p_output_gigawords bigint, p_calling_station_id text, p_called_station_id text, p_framed_ip inet, p_terminate_cause text) TO freeradius;


--
-- Name: FUNCTION acct_interim_interval(); Type: ACL; Schema: radius; Owner: postgres
--

REVOKE ALL ON FUNCTION radius.acct_interim_interval() FROM PUBLIC;


--
-- Name: FUNCTION authorize(p_nas_ip inet, p_username text, p_calling_station_id text); Type: ACL; Schema: radius; Owner: postgres
--

REVOKE ALL ON FUNCTION radius.authorize(p_nas_ip inet, p_username text, p_calling_station_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION radius.authorize(p_nas_ip inet, p_username text, p_calling_station_id text) TO freeradius;


--
-- Name: FUNCTION authorize_mac(p_nas_ip inet, p_username text, p_calling_station_id text); Type: ACL; Schema: radius; Owner: postgres
--

REVOKE ALL ON FUNCTION radius.authorize_mac(p_nas_ip inet, p_username text, p_calling_station_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION radius.authorize_mac(p_nas_ip inet, p_username text, p_calling_station_id text) TO freeradius;


--
-- Name: FUNCTION claim_disconnects(p_limit integer); Type: ACL; Schema: radius; Owner: postgres
--

REVOKE ALL ON FUNCTION radius.claim_disconnects(p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION radius.claim_disconnects(p_limit integer) TO worker;


--
-- Name: FUNCTION is_mac(p_value text); Type: ACL; Schema: radius; Owner: postgres
--

REVOKE ALL ON FUNCTION radius.is_mac(p_value text) FROM PUBLIC;


--
-- Name: FUNCTION locked_out(p_nas_ip inet, p_mac text); Type: ACL; Schema: radius; Owner: postgres
--

REVOKE ALL ON FUNCTION radius.locked_out(p_nas_ip inet, p_mac text) FROM PUBLIC;


--
-- Name: FUNCTION mac_voucher(p_nas_ip inet, p_mac text); Type: ACL; Schema: radius; Owner: postgres
--

REVOKE ALL ON FUNCTION radius.mac_voucher(p_nas_ip inet, p_mac text) FROM PUBLIC;


--
-- Name: FUNCTION nas_clients(); Type: ACL; Schema: radius; Owner: postgres
--

REVOKE ALL ON FUNCTION radius.nas_clients() FROM PUBLIC;
GRANT ALL ON FUNCTION radius.nas_clients() TO worker;


--
-- Name: FUNCTION normalise_mac(p_calling_station_id text); Type: ACL; Schema: radius; Owner: postgres
--

REVOKE ALL ON FUNCTION radius.normalise_mac(p_calling_station_id text) FROM PUBLIC;


--
-- Name: FUNCTION post_auth(p_nas_ip inet, p_username text, p_calling_station_id text, p_called_station_id text, p_accepted boolean, p_reason text); Type: ACL; Schema: radius; Owner: postgres
--

REVOKE ALL ON FUNCTION radius.post_auth(p_nas_ip inet, p_username text, p_calling_station_id text, p_called_station_id text, p_accepted boolean, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION radius.post_auth(p_nas_ip inet, p_username text, p_calling_station_id text, p_called_station_id text, p_accepted boolean, p_reason text) TO freeradius;


--
-- Name: FUNCTION queue_disconnect(p_radacctid bigint, p_voucher_id uuid, p_reason text, p_requested_by uuid); Type: ACL; Schema: radius; Owner: postgres
--

REVOKE ALL ON FUNCTION radius.queue_disconnect(p_radacctid bigint, p_voucher_id uuid, p_reason text, p_requested_by uuid) FROM PUBLIC;


--
-- Name: FUNCTION record_disconnect(p_id bigint, p_result text, p_error_cause integer); Type: ACL; Schema: radius; Owner: postgres
--

REVOKE ALL ON FUNCTION radius.record_disconnect(p_id bigint, p_result text, p_error_cause integer) FROM PUBLIC;
GRANT ALL ON FUNCTION radius.record_disconnect(p_id bigint, p_result text, p_error_cause integer) TO worker;


--
-- Name: FUNCTION refusal(p_voucher public.vouchers, p_nas_ip inet, p_mac text); Type: ACL; Schema: radius; Owner: postgres
--

REVOKE ALL ON FUNCTION radius.refusal(p_voucher public.vouchers, p_nas_ip inet, p_mac text) FROM PUBLIC;


--
-- Name: FUNCTION sweep(); Type: ACL; Schema: radius; Owner: postgres
--

REVOKE ALL ON FUNCTION radius.sweep() FROM PUBLIC;
GRANT ALL ON FUNCTION radius.sweep() TO worker;


--
-- Name: TABLE daraja_tokens; Type: ACL; Schema: private; Owner: postgres
--

GRANT SELECT,INSERT,UPDATE ON TABLE private.daraja_tokens TO edge_functions;


--
-- Name: TABLE audit_log; Type: ACL; Schema: public; Owner: postgres
--

GRANT SELECT,REFERENCES,TRIGGER ON TABLE public.audit_log TO service_role;
GRANT SELECT ON TABLE public.audit_log TO authenticated;


--
-- Name: TABLE memberships; Type: ACL; Schema: public; Owner: postgres
--

GRANT ALL ON TABLE public.memberships TO service_role;
GRANT SELECT,DELETE ON TABLE public.memberships TO authenticated;


--
-- Name: COLUMN memberships.role; Type: ACL; Schema: public; Owner: postgres
--

GRANT UPDATE(role) ON TABLE public.memberships TO authenticated;


--
-- Name: TABLE plan_sites; Type: ACL; Schema: public; Owner: postgres
--

GRANT ALL ON TABLE public.plan_sites TO service_role;
GRANT SELECT,DELETE ON TABLE public.plan_sites TO authenticated;


--
-- Name: COLUMN plan_sites.plan_id; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(plan_id) ON TABLE public.plan_sites TO authenticated;


--
-- Name: COLUMN plan_sites.site_id; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(site_id) ON TABLE public.plan_sites TO authenticated;


--
-- Name: COLUMN plan_sites.organization_id; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(organization_id) ON TABLE public.plan_sites TO authenticated;


--
-- Name: TABLE plans; Type: ACL; Schema: public; Owner: postgres
--

GRANT ALL ON TABLE public.plans TO service_role;
GRANT SELECT,DELETE ON TABLE public.plans TO authenticated;


--
-- Name: COLUMN plans.organization_id; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(organization_id) ON TABLE public.plans TO authenticated;


--
-- Name: COLUMN plans.name; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(name),UPDATE(name) ON TABLE public.plans TO authenticated;


--
-- Name: COLUMN plans.price_kes; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(price_kes),UPDATE(price_kes) ON TABLE public.plans TO authenticated;


--
-- Name: COLUMN plans.validity_seconds; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(validity_seconds),UPDATE(validity_seconds) ON TABLE public.plans TO authenticated;


--
-- Name: COLUMN plans.time_quota_seconds; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(time_quota_seconds),UPDATE(time_quota_seconds) ON TABLE public.plans TO authenticated;


--
-- Name: COLUMN plans.data_quota_bytes; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(data_quota_bytes),UPDATE(data_quota_bytes) ON TABLE public.plans TO authenticated;


--
-- Name: COLUMN plans.download_kbps; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(download_kbps),UPDATE(download_kbps) ON TABLE public.plans TO authenticated;


--
-- Name: COLUMN plans.upload_kbps; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(upload_kbps),UPDATE(upload_kbps) ON TABLE public.plans TO authenticated;


--
-- Name: COLUMN plans.devices_allowed; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(devices_allowed),UPDATE(devices_allowed) ON TABLE public.plans TO authenticated;


--
-- Name: COLUMN plans.max_discount_kes; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(max_discount_kes),UPDATE(max_discount_kes) ON TABLE public.plans TO authenticated;


--
-- Name: COLUMN plans.active; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(active),UPDATE(active) ON TABLE public.plans TO authenticated;


--
-- Name: TABLE routers; Type: ACL; Schema: public; Owner: postgres
--

GRANT ALL ON TABLE public.routers TO service_role;
GRANT SELECT,DELETE ON TABLE public.routers TO authenticated;


--
-- Name: COLUMN routers.site_id; Type: ACL; Schema: public; Owner: postgres
--

GRANT UPDATE(site_id) ON TABLE public.routers TO authenticated;


--
-- Name: COLUMN routers.name; Type: ACL; Schema: public; Owner: postgres
--

GRANT UPDATE(name) ON TABLE public.routers TO authenticated;


--
-- Name: COLUMN routers.nas_ip; Type: ACL; Schema: public; Owner: postgres
--

GRANT UPDATE(nas_ip) ON TABLE public.routers TO authenticated;


--
-- Name: COLUMN routers.vendor; Type: ACL; Schema: public; Owner: postgres
--

GRANT UPDATE(vendor) ON TABLE public.routers TO authenticated;


--
-- Name: COLUMN routers.require_message_authenticator; Type: ACL; Schema: public; Owner: postgres
--

GRANT UPDATE(require_message_authenticator) ON TABLE public.routers TO authenticated;


--
-- Name: COLUMN routers.message_authenticator_off_reason; Type: ACL; Schema: public; Owner: postgres
--

GRANT UPDATE(message_authenticator_off_reason) ON TABLE public.routers TO authenticated;


--
-- Name: COLUMN routers.coa_port; Type: ACL; Schema: public; Owner: postgres
--

GRANT UPDATE(coa_port) ON TABLE public.routers TO authenticated;


--
-- Name: COLUMN routers.login_host; Type: ACL; Schema: public; Owner: postgres
--

GRANT UPDATE(login_host) ON TABLE public.routers TO authenticated;


--
-- Name: TABLE sms_outbox; Type: ACL; Schema: public; Owner: postgres
--

GRANT ALL ON TABLE public.sms_outbox TO service_role;
GRANT SELECT ON TABLE public.sms_outbox TO authenticated;


--
-- Name: TABLE voucher_batches; Type: ACL; Schema: public; Owner: postgres
--

GRANT ALL ON TABLE public.voucher_batches TO service_role;
GRANT SELECT ON TABLE public.voucher_batches TO authenticated;


--
-- Name: COLUMN voucher_batches.organization_id; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(organization_id) ON TABLE public.voucher_batches TO authenticated;


--
-- Name: COLUMN voucher_batches.plan_id; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(plan_id) ON TABLE public.voucher_batches TO authenticated;


--
-- Name: COLUMN voucher_batches.count; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(count) ON TABLE public.voucher_batches TO authenticated;


--
-- Name: COLUMN voucher_batches.prefix; Type: ACL; Schema: public; Owner: postgres
--

GRANT INSERT(prefix) ON TABLE public.voucher_batches TO authenticated;


--
-- Name: DEFAULT PRIVILEGES FOR SEQUENCES; Type: DEFAULT ACL; Schema: public; Owner: postgres
--

ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON SEQUENCES  TO authenticated;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON SEQUENCES  TO service_role;


--
-- Name: DEFAULT PRIVILEGES FOR FUNCTIONS; Type: DEFAULT ACL; Schema: public; Owner: postgres
--

ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON FUNCTIONS  TO service_role;


--
-- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: public; Owner: postgres
--

ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON TABLES  TO authenticated;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON TABLES  TO service_role;


--
-- PostgreSQL database dump complete
--

\unrestrict wifibillingschema

