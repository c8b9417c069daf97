-- The edge functions' own database role (supabase/functions/_shared/db.ts, FUNCTIONS_DB_URL):
-- instead of `postgres`, which owns every table, they connect as `edge_functions`, which can
-- execute exactly the private.* functions they call and touch one table, the Daraja token cache.
-- Everything else they need goes through small security definer helpers below, so the role has
-- no table grants on public.*, radius.* or auth.*. A function added to the edge functions' SQL
-- needs its grant here (tests/integration/least-privilege.test.ts proves what is refused).

-- Created without a password, like freeradius and worker: the stack (stack/stack.ts) or the
-- operator (deploy/README.md, step 1) gives it LOGIN and a password.
do $$
begin
  if not exists (select from pg_roles where rolname = 'edge_functions') then
    create role edge_functions nologin noinherit;
  end if;
end
$$;

-- Its functions are all in private (public's usage is everyone's already).
grant usage on schema private to edge_functions;

-- ---------------------------------------------------------------------------------------------
-- Helpers for what the functions used to read straight from tables
-- ---------------------------------------------------------------------------------------------

-- Whether p_user_id is a member of the site's organization with at least p_role (pay-start:
-- a signed-in owner or admin may start a payment for the site).
create function private.site_member_at_least(p_user_id uuid, p_site_id uuid, p_role text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.sites s
    join public.memberships m on m.organization_id = s.organization_id
    where s.id = p_site_id and m.user_id = p_user_id
      and m.role = any (private.roles_at_least(p_role)));
$$;

revoke all on function private.site_member_at_least(uuid, uuid, text) from public, anon, authenticated;

comment on function private.site_member_at_least(uuid, uuid, text) is
'Whether the user is a member of the site''s organization with at least that role.
Callers: edge_functions (pay-start).
Returns: boolean.';

-- Whether p_user_id is a member of the organization with at least p_role (pay-c2b: only owners
-- manage the C2B URLs).
create function private.member_at_least(p_user_id uuid, p_organization_id uuid, p_role text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.memberships m
    where m.organization_id = p_organization_id and m.user_id = p_user_id
      and m.role = any (private.roles_at_least(p_role)));
$$;

revoke all on function private.member_at_least(uuid, uuid, text) from public, anon, authenticated;

comment on function private.member_at_least(uuid, uuid, text) is
'Whether the user is a member of the organization with at least that role.
Callers: edge_functions (pay-c2b).
Returns: boolean.';

-- The audit row of a C2B URL registration (pay-c2b), as the owner who asked for it.
create function private.audit_c2b_register(p_organization_id uuid, p_actor uuid, p_new jsonb)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  insert into public.audit_log (organization_id, actor, actor_role, action, table_name, row_id, new)
  values (p_organization_id, p_actor, 'authenticated', 'update', 'c2b_urls', p_organization_id::text,
          p_new);
$$;

revoke all on function private.audit_c2b_register(uuid, uuid, jsonb) from public, anon, authenticated;

comment on function private.audit_c2b_register(uuid, uuid, jsonb) is
'Writes the audit_log row of a C2B URL registration (table_name c2b_urls, action update, actor
the owner, new p_new: shortcode, outcome, generation, URLs).
Callers: edge_functions (pay-c2b).
Returns: nothing.';

-- One payment as a reconcile candidate, for a support re-check (pay-reconcile with a
-- payment_id): the same columns as private.pay_reconcile_candidates, no row unless pending.
create function private.pay_reconcile_candidate(p_payment_id uuid)
returns table (payment_id uuid, organization_id uuid, checkout_request_id text, age_seconds integer)
language sql
stable
security definer
set search_path = ''
as $$
  select p.id, p.organization_id, p.checkout_request_id,
         extract(epoch from now() - p.created_at)::integer
  from public.payments p
  where p.id = p_payment_id and p.status = 'pending';
$$;

revoke all on function private.pay_reconcile_candidate(uuid) from public, anon, authenticated;

comment on function private.pay_reconcile_candidate(uuid) is
'A pending payment as a reconcile candidate (payment_id, organization_id, checkout_request_id,
age_seconds); no row for an unknown or settled payment.
Callers: edge_functions (pay-reconcile, a support re-check).
Returns: zero or one row.';

-- The support audit row of a payment re-check (pay-reconcile), in the payment's organization;
-- nothing for an unknown payment.
create function private.audit_payment_recheck(p_payment_id uuid, p_user_id uuid)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  select private.audit_support(p.organization_id, 'recheck_payment', p.id::text,
                               jsonb_build_object('user_id', p_user_id))
  from public.payments p where p.id = p_payment_id;
$$;

revoke all on function private.audit_payment_recheck(uuid, uuid) from public, anon, authenticated;

comment on function private.audit_payment_recheck(uuid, uuid) is
'Writes the support:recheck_payment audit row for the payment''s organization (private.audit_support).
Callers: edge_functions (pay-reconcile).
Returns: nothing.';

-- Whether a confirmed, not deleted account has this email (team-invite: such an account finds
-- the invitation in the admin app instead of getting mail).
create function private.account_confirmed(p_email text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from auth.users u
    where lower(u.email) = lower(p_email) and u.deleted_at is null
      and u.email_confirmed_at is not null);
$$;

revoke all on function private.account_confirmed(text) from public, anon, authenticated;

comment on function private.account_confirmed(text) is
'Whether a confirmed, not deleted Auth account has this email (case-insensitive).
Callers: edge_functions (team-invite).
Returns: boolean.';

-- ---------------------------------------------------------------------------------------------
-- Grants
-- ---------------------------------------------------------------------------------------------

-- What the functions call, by function (supabase/functions/*/handler.ts, _shared/daraja-client.ts).
grant execute on function
  -- pay-start
  private.site_member_at_least(uuid, uuid, text),
  private.pay_start,
  private.pay_push_result,
  -- pay-notify
  private.pay_callback,
  -- pay-reconcile
  private.can_support_payment,
  private.audit_payment_recheck(uuid, uuid),
  private.pay_reconcile_candidate(uuid),
  private.pay_reconcile_candidates,
  private.pay_mark_timeout,
  private.settle_payment,
  -- pay-c2b
  private.member_at_least(uuid, uuid, text),
  private.audit_c2b_register(uuid, uuid, jsonb),
  private.cheapest_plan_kes,
  private.c2b_confirmation,
  private.c2b_urls,
  private.c2b_rotate,
  private.c2b_url_registered,
  private.callback_junk,
  -- pay-verify
  private.receipt_status_result,
  private.receipt_verification_claim,
  private.receipt_verification_sent,
  -- sms-dispatch
  private.sms_claim,
  private.sms_result,
  -- team-invite
  private.account_confirmed(text),
  -- Daraja's credentials (every pay-* function)
  private.mpesa_credentials
to edge_functions;

-- The Daraja token cache (_shared/daraja-client.ts): read, created and refreshed under a row
-- lock in the functions' own transaction, so no definer function can hold it; its rows are
-- access tokens only, the credentials stay behind private.mpesa_credentials.
grant select, insert, update on table private.daraja_tokens to edge_functions;

create policy edge_functions_tokens on private.daraja_tokens
  for all to edge_functions using (true) with check (true);
