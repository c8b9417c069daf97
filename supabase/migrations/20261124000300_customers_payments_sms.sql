-- Customers, M-Pesa payments and the SMS outbox. Owners and admins read them; only the service
-- role (edge functions) writes them. Agents cannot see any of it, nor revenue.

-- ---------------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------------

-- A paying customer of one organization, known by a Kenyan mobile number in E.164.
create table public.customers (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  phone text not null check (phone ~ '^\+254[17][0-9]{8}$'),
  created_at timestamptz not null default now(),
  unique (organization_id, phone),
  unique (id, organization_id)
);
alter table public.customers enable row level security;
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
  phone text not null check (phone ~ '^\+254[17][0-9]{8}$'),
  amount_kes integer not null check (amount_kes > 0),
  status text not null default 'pending'
    check (status in ('pending', 'success', 'failed', 'cancelled', 'timeout')),
  checkout_request_id text unique,
  merchant_request_id text,
  mpesa_receipt text unique,
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
  unique (organization_id, idempotency_key),
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
create index payments_organization_id_idx on public.payments (organization_id, created_at desc);
create index payments_revenue_idx on public.payments (organization_id, settled_at)
  where status = 'success';
create index payments_pending_idx on public.payments (created_at) where status = 'pending';
create index payments_site_id_idx on public.payments (site_id, organization_id);
create index payments_plan_id_idx on public.payments (plan_id, organization_id);
create index payments_customer_id_idx on public.payments (customer_id, organization_id);
create index payments_voucher_id_idx on public.payments (voucher_id, organization_id);
create index payments_router_id_idx on public.payments (router_id, organization_id);

-- Outgoing SMS (voucher codes, receipts), sent by the sms-dispatch edge function.
create table public.sms_outbox (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  to_phone text not null check (to_phone ~ '^\+254[17][0-9]{8}$'),
  body text not null check (char_length(body) between 1 and 918),
  status text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  provider_message_id text,
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
alter table public.sms_outbox enable row level security;
create index sms_outbox_organization_id_idx on public.sms_outbox (organization_id, created_at desc);
create index sms_outbox_queued_idx on public.sms_outbox (created_at) where status = 'queued';

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
    raise exception 'a payment''s amount is frozen (% KES)', old.amount_kes using errcode = '23514';
  end if;
  if old.mpesa_receipt is not null and new.mpesa_receipt is distinct from old.mpesa_receipt then
    raise exception 'payment % already has receipt %', old.id, old.mpesa_receipt
      using errcode = '23514';
  end if;
  if new.status is distinct from old.status then
    if old.status = 'success' then
      raise exception 'payment % already succeeded; success is final', old.id
        using errcode = '23514';
    elsif not (
      (old.status = 'pending' and new.status in ('success', 'failed', 'cancelled', 'timeout'))
      or (old.status in ('failed', 'cancelled', 'timeout') and new.status = 'success')
    ) then
      raise exception 'payment % cannot go from % to %', old.id, old.status, new.status
        using errcode = '23514';
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

revoke all on table public.customers, public.payments, public.sms_outbox from anon, authenticated;
grant select on table public.customers, public.payments, public.sms_outbox to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Policies
-- ---------------------------------------------------------------------------------------------

create policy "owners and admins can read customers"
  on public.customers for select to authenticated
  using (organization_id in (select private.orgs_with_role('owner', 'admin')));

create policy "owners and admins can read payments"
  on public.payments for select to authenticated
  using (organization_id in (select private.orgs_with_role('owner', 'admin')));

create policy "owners and admins can read the sms outbox"
  on public.sms_outbox for select to authenticated
  using (organization_id in (select private.orgs_with_role('owner', 'admin')));

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

-- Revenue from successful payments, by settlement time in Nairobi calendar days (the last 7 and
-- 30 days include today): {today_kes, last_7_days_kes, last_30_days_kes}. Owners and admins only.
create function public.revenue_summary(p_organization_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_local_today timestamp := date_trunc('day', now() at time zone 'Africa/Nairobi');
  v_today timestamptz := v_local_today at time zone 'Africa/Nairobi';
  v_week timestamptz := (v_local_today - interval '6 days') at time zone 'Africa/Nairobi';
  v_month timestamptz := (v_local_today - interval '29 days') at time zone 'Africa/Nairobi';
  v_result jsonb;
begin
  if not private.has_role(p_organization_id, 'owner', 'admin') then
    raise exception 'only owners and admins can see revenue' using errcode = '42501';
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
revoke execute on function public.revenue_summary(uuid) from public, anon, authenticated;
grant execute on function public.revenue_summary(uuid) to authenticated;
