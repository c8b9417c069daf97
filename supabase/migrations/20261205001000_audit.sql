-- The audit log: who changed what, recorded by triggers on every table an owner or admin can
-- write, and by the support RPCs. Owners read it.

-- Append-only record of admin actions, written only by the audit triggers below. It keeps no
-- foreign key to organizations so that it can record an organization's own deletion.
create table public.audit_log (
  id bigint generated always as identity primary key,
  organization_id uuid not null,
  actor uuid,
  actor_role text,
  action text not null check (action in ('insert', 'update', 'delete')),
  table_name text not null,
  row_id text,
  old jsonb,
  new jsonb,
  at timestamptz not null default now()
);

alter table public.audit_log enable row level security;

comment on table public.audit_log is
'Append-only record of admin actions, written by the audit triggers and support RPCs. authenticated: owners read; service_role: select only; nobody writes through the API; anon: nothing.';

create index audit_log_organization_id_idx on public.audit_log (organization_id, at desc);

-- Trigger: writes one audit_log row per changed row, with the acting user from the JWT.
create function private.audit_row()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.audit_row() from public, anon, authenticated;

create trigger organizations_audit after insert or delete on public.organizations
  for each row execute function private.audit_row();

create trigger organizations_audit_update after update on public.organizations
  for each row when (old.* is distinct from new.*) execute function private.audit_row();

create trigger memberships_audit after insert or delete on public.memberships
  for each row execute function private.audit_row();

create trigger memberships_audit_update after update on public.memberships
  for each row when (old.* is distinct from new.*) execute function private.audit_row();

create trigger sites_audit after insert or delete on public.sites
  for each row execute function private.audit_row();

create trigger sites_audit_update after update on public.sites
  for each row when (old.* is distinct from new.*) execute function private.audit_row();

-- Routers: last_seen_at heartbeats are not admin actions and are not audited.
create trigger routers_audit after insert or delete on public.routers
  for each row execute function private.audit_row();

create trigger routers_audit_update after update of organization_id, site_id, name, nas_ip, vendor
  on public.routers
  for each row when (
    (old.organization_id, old.site_id, old.name, old.nas_ip, old.vendor)
    is distinct from (new.organization_id, new.site_id, new.name, new.nas_ip, new.vendor)
  ) execute function private.audit_row();

revoke all on table public.audit_log from anon, authenticated;

grant select on table public.audit_log to authenticated;

-- The audit log is written only by the triggers above; no API role may change it.
revoke insert, update, delete, truncate on table public.audit_log from service_role;

revoke all on sequence public.audit_log_id_seq from anon, authenticated, service_role;

-- audit_log: owners read; nobody writes through the API.
create policy "owners can read the audit log"
  on public.audit_log for select to authenticated
  using (organization_id in (select private.orgs_with_role('owner')));

create trigger plans_audit after insert or delete on public.plans
  for each row execute function private.audit_row();

create trigger plans_audit_update after update on public.plans
  for each row when (old.* is distinct from new.*) execute function private.audit_row();

create trigger plan_sites_audit after insert or delete on public.plan_sites
  for each row execute function private.audit_row();

create trigger plan_sites_audit_update after update on public.plan_sites
  for each row when (old.* is distinct from new.*) execute function private.audit_row();

create trigger voucher_batches_audit after insert or delete on public.voucher_batches
  for each row execute function private.audit_row();

-- Vouchers: single issues (batches are audited as a batch), deletes, and status or sale changes;
-- usage counters written by accounting are not audited.
create trigger vouchers_audit_insert after insert on public.vouchers
  for each row when (new.batch_id is null) execute function private.audit_row();

create trigger vouchers_audit_delete after delete on public.vouchers
  for each row execute function private.audit_row();

-- The existing update audit trigger lists its columns; this setting is security relevant too:
-- who switched Message-Authenticator off or on, and the reason an owner gave (the row's old and
-- new values hold message_authenticator_off_reason).
create trigger routers_audit_message_authenticator
  after update of require_message_authenticator, message_authenticator_off_reason on public.routers
  for each row when (
    (old.require_message_authenticator, old.message_authenticator_off_reason)
    is distinct from (new.require_message_authenticator, new.message_authenticator_off_reason)
  ) execute function private.audit_row();

-- Changing it redirects disconnects: audited like the other router settings.
create trigger routers_audit_coa_port
  after update of coa_port on public.routers
  for each row when (old.coa_port is distinct from new.coa_port)
  execute function private.audit_row();

-- Changing it decides where the portal may send customers' voucher codes: audited too.
create trigger routers_audit_login_host
  after update of login_host on public.routers
  for each row when (old.login_host is distinct from new.login_host)
  execute function private.audit_row();

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

comment on function private.audit_support(uuid, text, text, jsonb) is
'Writes one audit_log row for a support action: table_name support:<p_action>, action update,
row_id p_row_id, new p_details, actor auth.uid() (null on the edge functions'' own connection),
actor_role the JWT role or the database user.
Callers: postgres only: the support RPCs, set_site_logo, and pay-reconcile (support:recheck_payment).
Returns: nothing.';

create trigger vouchers_audit_update
  after update of status, sold_by, sold_at, sold_price_kes on public.vouchers
  for each row when (
    (old.status, old.sold_by, old.sold_at, old.sold_price_kes)
    is distinct from (new.status, new.sold_by, new.sold_at, new.sold_price_kes)
  ) execute function private.audit_row();
