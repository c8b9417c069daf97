-- Outgoing SMS (voucher codes, receipts), sent by the sms-dispatch edge function.
-- Owners and admins read it; only the service role writes it.
create table public.sms_outbox (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  to_phone text not null check (to_phone ~ '^\+254[17][0-9]{8}$' or to_phone ~ '^erased:[0-9a-f]{32}$'),
  body text not null check (char_length(body) between 1 and 918),
  status text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  provider_message_id text,
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  payment_id uuid references public.payments (id) on delete set null,
  -- Retries with backoff.
  next_attempt_at timestamptz not null default now(),
  -- The provider's answer for this recipient.
  provider_status jsonb
);

alter table public.sms_outbox enable row level security;

comment on table public.sms_outbox is
'Outgoing SMS (voucher codes), sent with retries by sms-dispatch. authenticated: owners/admins read; written only by the private functions; anon: nothing.';

create index sms_outbox_organization_id_idx on public.sms_outbox (organization_id, created_at desc);

create index sms_outbox_queued_idx on public.sms_outbox (created_at) where status = 'queued';

revoke all on table public.sms_outbox from anon, authenticated;

create policy "owners and admins can read the sms outbox"
  on public.sms_outbox for select to authenticated
  using (organization_id in (select private.orgs_with_role_at_least('admin')));

create index sms_outbox_due_idx on public.sms_outbox (next_attempt_at) where status = 'queued';

create index sms_outbox_payment_id_idx on public.sms_outbox (payment_id);

-- The voucher SMS in the customer's language, the default (English) for anything else (one
-- GSM-7 part for ordinary names).
create function private.voucher_sms_body(p_language text, p_code text, p_plan text,
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

revoke all on function private.voucher_sms_body(text, text, text, text, text) from public, anon, authenticated;

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

comment on function private.sms_claim(integer) is
'Claims up to p_limit due queued SMS (for update skip locked): each gets one more attempt and a
lease of 60 s before another dispatcher may take it.
Callers: postgres only (edge function sms-dispatch); no API role.
Returns: rows (id, organization_id, to_phone, body, attempts, username, api_key, sender_id); the
Africa''s Talking settings are null when the organization has none.';

-- Records a send attempt: 'sent' (with the provider's message id), 'retry' (transport error or
-- 5xx: again after 30 s, 2 min, 8 min, 32 min; failed after 5 attempts) or 'failed' (final,
-- e.g. a recipient the provider refused). p_provider_status is the provider's per-recipient answer.
-- Only a queued message changes. It is locked by its primary key first, so the UPDATE never
-- reads the queue's partial indexes (planned on sms_outbox_due_idx whenever the statistics saw an
-- empty queue, it read every queued message for each result).
create function private.sms_result(p_id uuid, p_outcome text, p_message_id text,
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

revoke all on function private.sms_result(uuid, text, text, text, jsonb) from public, anon, authenticated;

comment on function private.sms_result(uuid, text, text, text, jsonb) is
'Records a send attempt of a queued SMS: p_outcome sent (with p_message_id), retry (again after
30 s, 2, 8, 32 minutes; failed after 5 attempts) or failed (final); p_provider_status is the
provider''s per-recipient answer. A message that is no longer queued is left as it is.
Callers: postgres only (edge function sms-dispatch); no API role.
Returns: nothing.';

create index sms_outbox_failed_idx on public.sms_outbox (organization_id, created_at)
  where status = 'failed';

grant select on table public.sms_outbox to authenticated;
