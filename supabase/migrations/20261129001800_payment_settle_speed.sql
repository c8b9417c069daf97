-- Less work per M-Pesa callback, measured with callgrind on 300 settlements in one session and
-- with npm run bench:payments. Nothing here changes what a callback records, issues or answers,
-- nor what an SMS send records; only how much PostgreSQL does for them:
--
-- - normalise_phone(), payment_status_for() and voucher_sms_body() become plpgsql. As
--   `language sql` functions with `set search_path` they cannot be inlined, and each call sets
--   up the SQL function again in every transaction; plpgsql keeps its compiled form for the
--   session. A settlement calls all three.
-- - The payments rollup trigger writes private.daily_payments and private.daily_sales itself
--   (one statement moves a payment from one status to the other) instead of going through
--   add_payments(), add_sale() and nairobi_day(), six SQL function calls per settlement.
-- - The cash-sale rollup trigger on vouchers fires only for vouchers a person sold (sold_by set),
--   the only ones its function counts, so a voucher an M-Pesa payment issues calls no function.
-- - sms_result() finds the message by its primary key. Its UPDATE, filtered on the id and on
--   status = 'queued', was planned on the partial index sms_outbox_due_idx whenever the
--   statistics saw an empty queue, and then read every queued message for each result it
--   recorded (one per paid callback).

-- ---------------------------------------------------------------------------------------------
-- Helpers (same results as in 20261129000200_mpesa_payments.sql)
-- ---------------------------------------------------------------------------------------------

-- A Kenyan mobile number as typed (07…, 01…, 7…, 254…, +254…, with spaces or dashes) in E.164,
-- or null. Same rules as normalizeKenyanPhone() in supabase/functions/_shared/domain/phone.ts.
create or replace function private.normalise_phone(p_input text)
returns text
language plpgsql
immutable
security definer
set search_path = ''
as $$
declare
  c text := regexp_replace(coalesce(p_input, ''), '[\s().-]', '', 'g');
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

-- Payment outcome for a Daraja result code: 0 paid, 1032 cancelled by the customer, 1037 and
-- 1019 no answer in time, anything else failed (codes can be strings such as SFC_IC0003).
create or replace function private.payment_status_for(p_result_code text)
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

-- The voucher SMS in the customer's language (one GSM-7 part for ordinary names).
create or replace function private.voucher_sms_body(p_language text, p_code text, p_plan text,
                                                    p_site text, p_receipt text)
returns text
language plpgsql
immutable
security definer
set search_path = ''
as $$
begin
  return left(case p_language
    when 'sw' then 'Vocha yako ya WiFi: ' || p_code || ' (' || p_plan || ') kwa ' || p_site
                   || coalesce('. Risiti ya M-Pesa ' || p_receipt, '') || '. Asante!'
    else 'Your WiFi voucher: ' || p_code || ' (' || p_plan || ') at ' || p_site
         || coalesce('. M-Pesa receipt ' || p_receipt, '') || '. Thank you!'
  end, 918);
end;
$$;
revoke all on function private.voucher_sms_body(text, text, text, text, text)
  from public, anon, authenticated;

-- ---------------------------------------------------------------------------------------------
-- Rollups (same rows as in 20261129000500_admin_dashboard.sql)
-- ---------------------------------------------------------------------------------------------

-- Keeps the rollups in step with payments: counted by status on the Nairobi day they started,
-- and an M-Pesa sale on the Nairobi day a payment succeeded (success is final, so once). A
-- status change takes the payment off its old status and onto the new one in one statement
-- (the two rows differ in status, so neither is written twice).
create or replace function private.payment_rollup()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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
revoke all on function private.payment_rollup() from public, anon, authenticated;

-- Cash sales only: private.voucher_sale_rollup() counts nothing for a voucher without sold_by
-- (M-Pesa vouchers are counted as payments), so it is not called for one. The function is
-- unchanged.
drop trigger vouchers_sale_rollup on public.vouchers;
create trigger vouchers_sale_rollup after insert or update of sold_at on public.vouchers
  for each row when (new.sold_by is not null) execute function private.voucher_sale_rollup();

-- ---------------------------------------------------------------------------------------------
-- SMS queue (same answers as in 20261129000200_mpesa_payments.sql)
-- ---------------------------------------------------------------------------------------------

-- Records a send attempt: 'sent' (with the provider's message id), 'retry' (transport error or
-- 5xx: again after 30 s, 2 min, 8 min, 32 min; failed after 5 attempts) or 'failed' (final,
-- e.g. a recipient the provider refused). p_provider_status is the provider's per-recipient answer.
-- Only a queued message changes. It is locked by its primary key first, so the UPDATE never
-- reads the queue's partial indexes.
create or replace function private.sms_result(p_id uuid, p_outcome text, p_message_id text,
                                              p_error text, p_provider_status jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
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
revoke all on function private.sms_result(uuid, text, text, text, jsonb)
  from public, anon, authenticated;
