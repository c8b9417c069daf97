-- Tenancy: organizations, memberships, sites (with their logos), routers and their RADIUS
-- secrets, the team, and the `private` schema with the helpers that row-level security, the
-- triggers and the RPCs use. The audit triggers on these tables are in the audit file.
--
-- Conventions for every file in this folder:
-- * every table in `public` has row-level security, with one policy per command;
-- * `anon` gets no table privileges at all: anonymous callers only reach narrow RPCs;
-- * `authenticated` gets explicit table and column privileges; policies decide which rows;
-- * functions are closed by default and every RPC is granted explicitly;
-- * helpers live in `private` (not exposed by PostgREST) as security definer functions with
--   an empty search_path, so everything inside them is schema-qualified.

-- Functions are API too: nothing postgres creates from here on is executable by everyone.
-- The schema-level line undoes Supabase's default grant to the API roles in public; the global
-- line drops PostgreSQL's built-in execute for PUBLIC (a schema-level revoke cannot remove it).
alter default privileges for role postgres in schema public
  revoke execute on functions from public, anon, authenticated;

alter default privileges for role postgres
  revoke execute on functions from public;

-- Anonymous callers never touch a table or sequence directly (RPCs only).
alter default privileges for role postgres in schema public
  revoke all on tables from anon;

alter default privileges for role postgres in schema public
  revoke all on sequences from anon;

-- Trigram indexes find voucher codes and phone numbers by any part (search_vouchers,
-- search_customers).
create extension if not exists pg_trgm with schema extensions;

-- Helpers for policies, triggers and RPCs. Not exposed through the API.
create schema if not exists private;

revoke all on schema private from public, anon, authenticated;

grant usage on schema private to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------------

-- A tenant: one hotspot business. Everything else belongs to exactly one organization.
-- Platform staff (20261205001100_platform.sql) approve its routers when sign-up is open
-- (routers_approved_at: RADIUS serves none of its routers before) and may suspend it.
create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(btrim(name)) between 1 and 100),
  routers_approved_at timestamptz default now(),
  suspended_at timestamptz,
  suspended_reason text check (char_length(suspended_reason) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((suspended_at is null) = (suspended_reason is null))
);

alter table public.organizations enable row level security;

comment on table public.organizations is
'Tenants: one hotspot business each; every other row belongs to one. authenticated: members read, owners update name; created only by create_organization(); approved, suspended and resumed only by platform staff''s RPCs; anon: nothing.';

-- ---------------------------------------------------------------------------------------------
-- Roles (SQL's one home of the roles and their order; ROLES in
-- supabase/functions/_shared/domain/roles.ts is the TypeScript one, and
-- tests/integration/rule-parity.test.ts feeds both the same cases)
-- ---------------------------------------------------------------------------------------------

-- The membership roles, highest first.
create function private.roles()
returns text[]
language plpgsql
immutable
security definer
set search_path = ''
as $$
begin
  return array['owner', 'admin', 'agent'];
end;
$$;

revoke all on function private.roles() from public, anon, authenticated;

-- The memberships.role CHECK runs it as the writing role.
grant execute on function private.roles() to authenticated, service_role;

-- A role and those above it: 'admin' gives {owner,admin}; an unknown role gives none.
create function private.roles_at_least(p_role text)
returns text[]
language plpgsql
immutable
security definer
set search_path = ''
as $$
declare
  v_roles constant text[] := private.roles();
begin
  return coalesce(v_roles[1:array_position(v_roles, p_role)], '{}');
end;
$$;

revoke all on function private.roles_at_least(text) from public, anon, authenticated;

-- Who belongs to an organization, and as what: owner > admin > agent.
create table public.memberships (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null check (role = any (private.roles())),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, user_id)
);

alter table public.memberships enable row level security;

comment on table public.memberships is
'Who belongs to an organization as owner > admin > agent. authenticated: members read their own row, owners/admins all; owners change and remove anyone, admins only admin/agent rows (never making an owner); nobody inserts (joining is accept_invitation() or create_organization()); the last owner stays (23514); anon: nothing.';

create index memberships_user_id_idx on public.memberships (user_id, organization_id, role);

create index memberships_organization_id_idx on public.memberships (organization_id, role);

-- ---------------------------------------------------------------------------------------------
-- Languages (SQL's one home of the list the customer-facing side speaks; LANGUAGES in
-- supabase/functions/_shared/domain/languages.ts is the TypeScript one)
-- ---------------------------------------------------------------------------------------------

-- The languages, the default (English) first.
create function private.languages()
returns text[]
language plpgsql
immutable
security definer
set search_path = ''
as $$
begin
  return array['en', 'sw'];
end;
$$;

revoke all on function private.languages() from public, anon, authenticated;

-- The CHECKs and defaults of sites.default_language and payments.language run it as the
-- writing role.
grant execute on function private.languages() to authenticated, service_role;

-- The language itself when it is one of the languages (exactly: case and spaces matter), else
-- the default.
create function private.language_or_default(p_language text)
returns text
language plpgsql
immutable
security definer
set search_path = ''
as $$
declare
  v_languages constant text[] := private.languages();
begin
  return case when p_language = any (v_languages) then p_language else v_languages[1] end;
end;
$$;

revoke all on function private.language_or_default(text) from public, anon, authenticated;

-- A hotspot location. The portal serves it at /s/<id> (what routers and printed vouchers use:
-- it never changes) and at /s/<slug> (a cosmetic name the owner may change; a released slug is
-- reserved for its organization for a while, private.released_slugs in 20261205001100_platform.sql).
-- A slug never looks like a uuid, so the two cannot be confused (private.site_by_ref). The rest is
-- the portal's branding.
create table public.sites (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  slug text not null unique
    check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'
           and slug !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
  name text not null check (char_length(btrim(name)) between 1 and 100),
  support_phone text check (support_phone ~ '^\+[1-9][0-9]{6,14}$'),
  primary_color text not null default '#0f766e' check (primary_color ~ '^#[0-9a-fA-F]{6}$'),
  default_language text not null default (private.languages())[1]
    check (default_language = any (private.languages())),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, organization_id)
);

alter table public.sites enable row level security;

comment on table public.sites is
'Hotspot locations: the portal serves each at /s/<id> (routers, printed vouchers) and /s/<slug> (cosmetic; a released slug is reserved for its organization, private.released_slugs); the rest is its branding. authenticated: members read, owners/admins insert, update, delete; anon: nothing (portal_site).';

create index sites_organization_id_idx on public.sites (organization_id);

-- The site a portal URL names (/s/<ref>): a uuid-shaped reference is the site's id, anything else
-- its slug (trimmed, lower-cased). Every RPC that takes a site from the portal resolves it here.
create function private.site_by_ref(p_ref text)
returns setof public.sites
language plpgsql
stable
rows 1
security definer
set search_path = ''
as $$
declare
  v_ref text := lower(btrim(coalesce(p_ref, '')));
begin
  if v_ref ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return query select s.* from public.sites s where s.id = v_ref::uuid;
  else
    return query select s.* from public.sites s where s.slug = v_ref;
  end if;
end;
$$;

revoke all on function private.site_by_ref(text) from public, anon, authenticated;

comment on function private.site_by_ref(text) is
'The site a portal URL /s/<ref> names: its id (a uuid, any case) or its slug (trimmed, any case).
Callers: the portal RPCs (portal_site, portal_login_host_allowed, portal_voucher_status,
portal_logo, portal_resume, recover_voucher).
Returns: the site, or no row.';

-- A site's NAS (hotspot controller). FreeRADIUS recognises it by source IP, so nas_ip is unique
-- across the deployment. Its RADIUS secret lives in private.router_secrets, never here. An
-- address a router gives up is quarantined for other organizations for a while
-- (private.address_quarantine, 20261205001100_platform.sql); sessions keep the router they
-- arrived from (radius.radacct.router_id), whoever holds the address later.
create table public.routers (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  site_id uuid not null,
  name text not null check (char_length(btrim(name)) between 1 and 100),
  nas_ip inet not null unique,
  vendor text not null check (vendor in ('mikrotik', 'coovachilli', 'opennds', 'unifi', 'generic')),
  last_seen_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Whether FreeRADIUS insists on Message-Authenticator (BlastRADIUS). On by default; only an
  -- owner switches it off, with the reason (message_authenticator_off_reason), and only for
  -- firmware that cannot send it (old RouterOS 6), since without it a forged Access-Accept
  -- cannot be detected (private.router_message_authenticator()).
  require_message_authenticator boolean not null default true,
  -- Why an owner switched Message-Authenticator off; null while it is on.
  message_authenticator_off_reason text
    check (char_length(message_authenticator_off_reason) between 1 and 500),
  -- Where the router listens for Disconnect-Requests: RFC 5176's port by default; RouterOS
  -- listens on 1700 (/radius incoming set accept=yes port=1700).
  coa_port integer not null default 3799 check (coa_port between 1 and 65535),
  -- The host name or IPv4 address customers' browsers reach the router's hotspot login at (e.g.
  -- a MikroTik hotspot's DNS name or LAN address), when it is not nas_ip, the address RADIUS
  -- requests come from. The portal sends a voucher code only to nas_ip, this host or the
  -- controller's well-known local address (portal/README.md, SECURITY.md).
  login_host text check (login_host ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$'),
  -- A reason exactly while Message-Authenticator is off.
  check (require_message_authenticator = (message_authenticator_off_reason is null)),
  unique (id, organization_id),
  foreign key (site_id, organization_id) references public.sites (id, organization_id)
    on delete cascade
);

alter table public.routers enable row level security;

comment on table public.routers is
'A site''s NAS (hotspot controller); nas_ip is unique across the deployment; its secret lives in private.router_secrets. authenticated: owners/admins read, update, delete; created only by create_router(); only owners switch require_message_authenticator off, with message_authenticator_off_reason; at most 20 changes per organization in 10 minutes (router_changes_rate_limited); anon: nothing.';

create index routers_organization_id_idx on public.routers (organization_id);

create index routers_site_id_idx on public.routers (site_id, organization_id);

-- RADIUS shared secrets, one per router. No API role can read or write this table.
create table private.router_secrets (
  router_id uuid primary key references public.routers (id) on delete cascade,
  secret text not null check (char_length(secret) >= 16),
  created_at timestamptz not null default now()
);

alter table private.router_secrets enable row level security;

revoke all on table private.router_secrets from public, anon, authenticated, service_role;

comment on table private.router_secrets is
'The RADIUS shared secret of each router. No API role, not even service_role: create_router and router_setup show it to owners/admins, radius.nas_clients and radius.claim_disconnects to the worker.';

-- Router changes made by signed-in members (a router created, changed or deleted through the
-- API), one row per organization and transaction, kept for the rate limit's window
-- (private.limit_router_changes()). In the database, so every API node counts the same rows.
create table private.router_changes (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  xact xid8 not null default pg_current_xact_id(),
  changed_at timestamptz not null default now(),
  primary key (organization_id, xact)
);

alter table private.router_changes enable row level security;

revoke all on table private.router_changes from public, anon, authenticated, service_role;

comment on table private.router_changes is
'Router changes by signed-in members per organization (one row per transaction) in the last 10 minutes, counted by the trigger private.limit_router_changes(). No API role.';

-- ---------------------------------------------------------------------------------------------
-- Helper functions (private)
-- ---------------------------------------------------------------------------------------------

-- The organizations in which the calling user holds exactly p_role. Policies use it as
-- `organization_id in (select private.orgs_with_role(...))`, evaluated once per statement.
create function private.orgs_with_role(p_role text)
returns setof uuid
rows 5
language sql
stable
security definer
set search_path = ''
as $$
  select m.organization_id
  from public.memberships m
  where m.user_id = auth.uid()
    and m.role = p_role
$$;

revoke all on function private.orgs_with_role(text) from public, anon, authenticated;

grant execute on function private.orgs_with_role(text) to authenticated;

comment on function private.orgs_with_role(text) is
'Policy helper: the organizations in which the calling user (auth.uid()) holds exactly p_role.
Callers: authenticated, through the policies (organization_id in (select private.orgs_with_role(...)),
evaluated once per statement).
Returns: setof uuid; none without a user.';

-- The organizations in which the calling user holds p_role or a role above it (policies, as
-- orgs_with_role()).
create function private.orgs_with_role_at_least(p_role text)
returns setof uuid
rows 5
language sql
stable
security definer
set search_path = ''
as $$
  select m.organization_id
  from public.memberships m
  where m.user_id = auth.uid()
    and m.role = any (private.roles_at_least(p_role))
$$;

revoke all on function private.orgs_with_role_at_least(text) from public, anon, authenticated;

grant execute on function private.orgs_with_role_at_least(text) to authenticated;

comment on function private.orgs_with_role_at_least(text) is
'Policy helper: the organizations in which the calling user (auth.uid()) holds p_role or a role
above it (private.roles() gives the order).
Callers: authenticated, through the policies, as orgs_with_role().
Returns: setof uuid; none without a user.';

-- Whether the calling user holds exactly p_role in the organization (for RPCs).
create function private.has_role(p_organization_id uuid, p_role text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.memberships m
    where m.organization_id = p_organization_id
      and m.user_id = auth.uid()
      and m.role = p_role
  )
$$;

revoke all on function private.has_role(uuid, text) from public, anon, authenticated;

-- Whether the calling user holds p_role or a role above it in the organization (for RPCs).
create function private.has_role_at_least(p_organization_id uuid, p_role text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.memberships m
    where m.organization_id = p_organization_id
      and m.user_id = auth.uid()
      and m.role = any (private.roles_at_least(p_role))
  )
$$;

revoke all on function private.has_role_at_least(uuid, text) from public, anon, authenticated;

-- What a person typed without separators: every character of p_separators (a bracket-expression
-- fragment such as '().-') and every space JavaScript's \s matches, the no-break and other
-- Unicode spaces included (phones and web pages paste them). PostgreSQL's \s is ASCII only, and
-- the apps' rules in supabase/functions/_shared/domain/ use JavaScript's.
create function private.strip_separators(p_input text, p_separators text)
returns text
language plpgsql
immutable
security definer
set search_path = ''
as $$
begin
  return regexp_replace(coalesce(p_input, ''),
    '[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff' || p_separators || ']', '', 'g');
end;
$$;

revoke all on function private.strip_separators(text, text) from public, anon, authenticated;

-- Trigger: keeps updated_at current on every update.
create function private.set_updated_at()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

revoke all on function private.set_updated_at() from public, anon, authenticated;

-- Trigger: an organization always keeps at least one owner. Removing or demoting an owner locks
-- the organization row first, so concurrent requests are serialised and cannot both succeed.
-- This also blocks deleting the auth user of a last owner; deleting the whole organization
-- (its row is gone by the time the cascade reaches memberships) is allowed.
create function private.keep_last_owner()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.keep_last_owner() from public, anon, authenticated;

-- Trigger: Message-Authenticator (BlastRADIUS) stays required unless an owner switches it off
-- for a router with a reason (1 to 500 characters; e.g. RouterOS 6 firmware that cannot send
-- it). A signed-in admin may switch it back on, but neither off nor change the reason while it
-- is off (42501 message_authenticator_owner_only); off without a reason is refused whoever does
-- it (23514 message_authenticator_reason_required); on again clears the reason. The audit log
-- records each change (trigger routers_audit_message_authenticator).
create function private.router_message_authenticator()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.router_message_authenticator() from public, anon, authenticated;

-- Trigger: at most 20 router changes (a router created, changed or deleted) per organization in
-- any 10 minutes by signed-in members, whatever the path (create_router(), the API's update and
-- delete, a site deleted with its routers). Every change makes each RADIUS node reload its
-- clients, so an owner toggling a setting in a loop must not keep RADIUS busy for every
-- operator. One transaction (one API request) is one change however many rows it writes. The
-- count lives in private.router_changes, so every API node agrees; concurrent changes of one
-- organization queue on an advisory lock, so none slips past the limit. The platform's own
-- connections (migrations, the worker, service_role, SQL) are not limited. Over the limit:
-- 54000 router_changes_rate_limited, the error's detail {"retry_after_seconds": n}; nothing is
-- changed.
create function private.limit_router_changes()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.limit_router_changes() from public, anon, authenticated;

-- ---------------------------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------------------------
create trigger organizations_set_updated_at before update on public.organizations
  for each row execute function private.set_updated_at();

create trigger memberships_set_updated_at before update on public.memberships
  for each row execute function private.set_updated_at();

create trigger sites_set_updated_at before update on public.sites
  for each row execute function private.set_updated_at();

create trigger routers_set_updated_at before update on public.routers
  for each row execute function private.set_updated_at();

create trigger memberships_keep_last_owner before update or delete on public.memberships
  for each row execute function private.keep_last_owner();

create trigger routers_message_authenticator
  before insert or update of require_message_authenticator, message_authenticator_off_reason
  on public.routers
  for each row execute function private.router_message_authenticator();

-- Every column a member may write (last_seen_at heartbeats are not changes).
create trigger routers_limit_changes
  before insert or delete
    or update of site_id, name, nas_ip, vendor, require_message_authenticator,
                 message_authenticator_off_reason, coa_port, login_host
  on public.routers
  for each row execute function private.limit_router_changes();

-- ---------------------------------------------------------------------------------------------
-- Privileges: anon nothing; authenticated only the commands and columns policies allow
-- ---------------------------------------------------------------------------------------------
revoke all on table public.organizations from anon, authenticated;

revoke all on table public.memberships from anon, authenticated;

revoke all on table public.sites from anon, authenticated;

revoke all on table public.routers from anon, authenticated;

grant select, update (name) on table public.organizations to authenticated;

-- No insert: nobody is enrolled without consent. People join by accepting an invitation
-- (accept_invitation) or by creating an organization (create_organization).
grant select, update (role), delete
  on table public.memberships to authenticated;

grant select,
  insert (organization_id, slug, name, support_phone, primary_color, default_language),
  update (slug, name, support_phone, primary_color, default_language),
  delete
  on table public.sites to authenticated;

grant select,
  update (site_id, name, nas_ip, vendor, require_message_authenticator,
          message_authenticator_off_reason, coa_port, login_host),
  delete
  on table public.routers to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Policies
-- ---------------------------------------------------------------------------------------------

-- organizations: members read; owners rename; created only by create_organization().
create policy "members can read their organizations"
  on public.organizations for select to authenticated
  using (id in (select private.orgs_with_role_at_least('agent')));

create policy "owners can update their organizations"
  on public.organizations for update to authenticated
  using (id in (select private.orgs_with_role('owner')))
  with check (id in (select private.orgs_with_role('owner')));

-- memberships: owners manage all; admins manage admins and agents; agents see their own row.
-- Nobody inserts through the API (no grant, no policy): joining is accept_invitation().
create policy "members can read their own membership and owners and admins all"
  on public.memberships for select to authenticated
  using (
    user_id = (select auth.uid())
    or organization_id in (select private.orgs_with_role_at_least('admin'))
  );

create policy "owners change any member and admins change admins or agents"
  on public.memberships for update to authenticated
  using (
    organization_id in (select private.orgs_with_role('owner'))
    or (role <> 'owner' and organization_id in (select private.orgs_with_role('admin')))
  )
  with check (
    organization_id in (select private.orgs_with_role('owner'))
    or (role <> 'owner' and organization_id in (select private.orgs_with_role('admin')))
  );

create policy "owners remove any member and admins remove admins or agents"
  on public.memberships for delete to authenticated
  using (
    organization_id in (select private.orgs_with_role('owner'))
    or (role <> 'owner' and organization_id in (select private.orgs_with_role('admin')))
  );

-- sites: members read; owners and admins write.
create policy "members can read their sites"
  on public.sites for select to authenticated
  using (organization_id in (select private.orgs_with_role_at_least('agent')));

create policy "owners and admins can create sites"
  on public.sites for insert to authenticated
  with check (organization_id in (select private.orgs_with_role_at_least('admin')));

create policy "owners and admins can update sites"
  on public.sites for update to authenticated
  using (organization_id in (select private.orgs_with_role_at_least('admin')))
  with check (organization_id in (select private.orgs_with_role_at_least('admin')));

create policy "owners and admins can delete sites"
  on public.sites for delete to authenticated
  using (organization_id in (select private.orgs_with_role_at_least('admin')));

-- routers: owners and admins read, update and delete; created only by create_router().
create policy "owners and admins can read routers"
  on public.routers for select to authenticated
  using (organization_id in (select private.orgs_with_role_at_least('admin')));

create policy "owners and admins can update routers"
  on public.routers for update to authenticated
  using (organization_id in (select private.orgs_with_role_at_least('admin')))
  with check (organization_id in (select private.orgs_with_role_at_least('admin')));

create policy "owners and admins can delete routers"
  on public.routers for delete to authenticated
  using (organization_id in (select private.orgs_with_role_at_least('admin')));

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

-- Creates an organization with the caller as its owner; returns the new organization's id.
create function public.create_organization(p_name text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
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

revoke execute on function public.create_organization(text) from public, anon, authenticated;

grant execute on function public.create_organization(text) to authenticated;

comment on function public.create_organization(text) is
'Creates an organization with the caller as its owner (organizations has no insert grant); with
open sign-up its routers wait for platform staff''s approval (approve_organization).
Callers: authenticated (any signed-in user).
Returns: the new organization''s id (uuid).
Errors: 42501 no user; 22023 name not 1 to 100 characters after trimming.';

-- Registers a router at a site (owner or admin of the site's organization) and returns its
-- generated RADIUS secret once: {router_id, secret}. The secret cannot be read back via the API.
create function public.create_router(p_site_id uuid, p_name text, p_nas_ip inet, p_vendor text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
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

revoke execute on function public.create_router(uuid, text, inet, text) from public, anon, authenticated;

grant execute on function public.create_router(uuid, text, inet, text) to authenticated;

comment on function public.create_router(uuid, text, inet, text) is
'Registers a router at a site and generates its RADIUS secret (routers has no insert grant).
Callers: authenticated owner/admin of the site''s organization.
Returns: {router_id, secret}: 32 hex characters, shown here once (router_setup shows it again).
Errors: 42501 unknown site, not owner/admin; 22023 null nas_ip; 23505 nas_ip already used
(unique across the deployment), or with hint nas_ip_quarantined released by another organization
recently (private.address_quarantine, trigger routers_address_claim; the same on an update of
nas_ip); 23514 name not 1 to 100 characters or unknown vendor; 54000 router_changes_rate_limited
(20 router changes of the organization in the last 10 minutes, trigger routers_limit_changes; the
error''s detail is {"retry_after_seconds": n}).';

-- What the router set-up files (supabase/functions/_shared/domain/router-files.ts: the RouterOS
-- script and the hotspot login.html) need for one router, including its RADIUS secret, for
-- owners and admins of the router's organization only. Every call is audited (audit_log
-- table_name 'router_setup', without the secret). Others, unknown router, no user → 42501.
-- {router_id, name, vendor, nas_ip, coa_port, require_message_authenticator, site_id, secret}:
-- the files address the site by its id (/s/<site_id>), never by its slug, which may change.
create function public.router_setup(p_router_id uuid)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
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

revoke execute on function public.router_setup(uuid) from public, anon, authenticated;

grant execute on function public.router_setup(uuid) to authenticated;

comment on function public.router_setup(uuid) is
'What the router set-up files (RouterOS script, hotspot login.html) need, the RADIUS secret
included; every call is audited (audit_log.table_name router_setup, without the secret).
Callers: authenticated owner/admin of the router''s organization.
Returns: {router_id, name, vendor, nas_ip, coa_port, require_message_authenticator, site_id
(the files use the portal URL /s/<site_id>), secret}.
Errors: 42501 agent, outsider, unknown router or no user.';

-- Raises 42501 unless the caller is an owner or admin of the organization.
create function private.require_manager(p_organization_id uuid)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.has_role_at_least(p_organization_id, 'admin') then
    raise exception 'only owners and admins can see sessions and routers'
      using errcode = '42501', hint = 'not_allowed';
  end if;
end;
$$;

revoke all on function private.require_manager(uuid) from public, anon, authenticated;

-- Team screen: who belongs to an organization, with their email addresses. Emails live in
-- auth.users, which no API role may read, so owners and admins get them through this one narrow
-- RPC (memberships' own policies still decide every change: change role = update, remove =
-- delete, keep_last_owner protects the last owner; people join by accepting an invitation,
-- invite_member and accept_invitation below). Agents have no team screen: 42501, like outsiders.
create function public.team_members(p_organization_id uuid)
returns table (
  membership_id uuid,
  user_id uuid,
  email text,
  role text,
  joined_at timestamptz,
  invitation_pending boolean,
  last_sign_in_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
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

revoke execute on function public.team_members(uuid) from public, anon, authenticated;

grant execute on function public.team_members(uuid) to authenticated;

comment on function public.team_members(uuid) is
'The team screen: the organization''s members with their emails (auth.users, which no API role
reads). Changes are plain memberships writes under its policies (joining: invite_member through
the team-invite edge function, then accept_invitation).
Callers: authenticated owner/admin.
Returns: rows (membership_id, user_id, email, role, joined_at, invitation_pending (email not
confirmed yet), last_sign_in_at): owners, then admins, then agents, by email.
Errors: 42501 agent, outsider, no user or null organization.';

-- Pending invitations: an owner or admin asked an email address to join with a role. Nobody is
-- enrolled without consent: the address's account becomes a member only by accepting
-- (accept_invitation) before expires_at, whether it existed before or was made by Auth's
-- invitation email. One per address per organization (inviting again replaces it); accepting
-- deletes it. Reached only through the RPCs below; whether an address has an account is never
-- told to the inviter.
create table private.invitations (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  email text not null check (email = lower(btrim(email)) and char_length(email) between 3 and 254),
  role text not null check (role = any (private.roles())),
  invited_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '7 days',
  unique (organization_id, email)
);

alter table private.invitations enable row level security;

revoke all on table private.invitations from public, anon, authenticated, service_role;

comment on table private.invitations is
'Pending invitations (organization, lower-cased email, role, expiry 7 days). No API role reads
it: invite_member, team_invitations, my_invitations and accept_invitation do.';

-- The caller's email address once confirmed (an address someone merely typed at sign-up must
-- not collect invitations meant for its owner); null otherwise.
create function private.my_confirmed_email()
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select lower(u.email::text) from auth.users u
  where u.id = auth.uid() and u.email_confirmed_at is not null and u.deleted_at is null
$$;

revoke all on function private.my_confirmed_email() from public, anon, authenticated;

-- Invites an address into the organization: owners any role, admins admins and agents (the
-- memberships policies' rule). Answers the same whether or not the address has an account (the
-- team-invite edge function calls it with the inviter's JWT, then mails new addresses Auth's
-- invitation); an address already a member is refused. Audited (table_name invitations).
create function public.invite_member(p_organization_id uuid, p_email text, p_role text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
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
$$;

revoke execute on function public.invite_member(uuid, text, text) from public, anon, authenticated;

grant execute on function public.invite_member(uuid, text, text) to authenticated;

comment on function public.invite_member(uuid, text, text) is
'Creates (or renews for 7 days) a pending invitation of an email address with a role; the
address''s account joins only by accept_invitation. The same answer whether or not the address
has an account. Audited.
Callers: authenticated owner (any role) or admin (admin, agent); the team-invite edge function
with the inviter''s JWT.
Returns: {invitation_id, email, role, expires_at}.
Errors: 42501 not an owner/admin (not_allowed) or an admin inviting an owner
(owners_invite_owners); 22023 bad role (role_invalid) or address (email_invalid); 23505 already a
member (already_member).';

-- The team screen's pending invitations (unexpired), newest first.
create function public.team_invitations(p_organization_id uuid)
returns table (invitation_id uuid, email text, role text, invited_at timestamptz, expires_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
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

revoke execute on function public.team_invitations(uuid) from public, anon, authenticated;

grant execute on function public.team_invitations(uuid) to authenticated;

comment on function public.team_invitations(uuid) is
'The organization''s pending, unexpired invitations for the team screen.
Callers: authenticated owner/admin.
Returns: rows (invitation_id, email, role, invited_at, expires_at), newest first.
Errors: 42501 agent, outsider, no user or null organization (not_allowed).';

-- The invitations waiting for the signed-in user (by their confirmed email), for /accept.
create function public.my_invitations()
returns table (invitation_id uuid, organization_id uuid, organization_name text, role text,
               expires_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  select i.id, i.organization_id, o.name, i.role, i.expires_at
  from private.invitations i
  join public.organizations o on o.id = i.organization_id
  where i.email = private.my_confirmed_email() and i.expires_at > now()
  order by i.created_at desc, i.id
$$;

revoke execute on function public.my_invitations() from public, anon, authenticated;

grant execute on function public.my_invitations() to authenticated;

comment on function public.my_invitations() is
'Pending, unexpired invitations addressed to the caller''s confirmed email address.
Callers: authenticated (anyone signed in; nothing without a confirmed email).
Returns: rows (invitation_id, organization_id, organization_name, role, expires_at).
Errors: none.';

-- Accepting is the only way into an organization by invitation: the invitation must be
-- addressed to the caller's confirmed email and unexpired. The membership insert is audited by
-- memberships_audit with the accepting user as the actor.
create function public.accept_invitation(p_invitation_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
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

revoke execute on function public.accept_invitation(uuid) from public, anon, authenticated;

grant execute on function public.accept_invitation(uuid) to authenticated;

comment on function public.accept_invitation(uuid) is
'Accepts an invitation addressed to the caller''s confirmed email: adds the membership with its
role (unchanged if already a member) and deletes the invitation.
Callers: authenticated.
Returns: {organization_id, role}.
Errors: 42501 unknown, not addressed to the caller, or expired (invitation_not_found; one code
for all three, so nothing about other people''s invitations can be probed).';

-- Site logos stored in the database and served by the portal itself: the hotspot's walled
-- garden holds only the portal's host, and the landing page makes no third-party request. A logo
-- is capped at 8 KB so the landing page keeps its 12 KB budget on a weak 3G signal.

-- One logo per site (PNG, JPEG, WebP or GIF, recognised by its first bytes, not by a name).
create table private.site_logos (
  site_id uuid primary key references public.sites (id) on delete cascade,
  content_type text not null
    check (content_type in ('image/png', 'image/jpeg', 'image/webp', 'image/gif')),
  bytes bytea not null check (octet_length(bytes) between 1 and 8192),
  updated_at timestamptz not null default now()
);

alter table private.site_logos enable row level security;

comment on table private.site_logos is
'One portal logo per site (PNG, JPEG, WebP or GIF, at most 8 KB). No API role: set_site_logo writes it, portal_logo serves it.';

-- The image type of these bytes from their signature, or null when it is none we serve.
create function private.image_type(p_bytes bytea)
returns text
language sql
immutable
security definer
set search_path = ''
as $$
  select case
    when substr(p_bytes, 1, 8) = '\x89504e470d0a1a0a'::bytea then 'image/png'
    when substr(p_bytes, 1, 3) = '\xffd8ff'::bytea then 'image/jpeg'
    when substr(p_bytes, 1, 4) = '\x52494646'::bytea and substr(p_bytes, 9, 4) = '\x57454250'::bytea
      then 'image/webp'
    when substr(p_bytes, 1, 4) = '\x47494638'::bytea then 'image/gif'
  end
$$;

revoke all on function private.image_type(bytea) from public, anon, authenticated;

-- Where the portal serves a site's stored logo ('/s/<slug>/logo?v=<version>'), or null. The
-- version changes with the logo, so the portal can let browsers keep it for a year.
create function private.site_logo_path(p_site_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select '/s/' || s.slug || '/logo?v=' || floor(extract(epoch from l.updated_at) * 1000)::bigint
  from public.sites s join private.site_logos l on l.site_id = s.id
  where s.id = p_site_id
$$;

revoke all on function private.site_logo_path(uuid) from public, anon, authenticated;

-- Sets (or, with null or '', removes) a site's logo from base64 (owners and admins of the site's
-- organization; audited). {content_type, size, logo_url}. Not an image we serve → 22023; larger
-- than 8 KB → 22001; others → 42501.
create function public.set_site_logo(p_site_id uuid, p_image_base64 text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
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

revoke execute on function public.set_site_logo(uuid, text) from public, anon, authenticated;

grant execute on function public.set_site_logo(uuid, text) to authenticated;

comment on function public.set_site_logo(uuid, text) is
'Stores a site''s portal logo from base64 (PNG, JPEG, WebP or GIF by its first bytes, at most
8 KB), or removes it when p_image_base64 is null or empty; audited as support:site_logo.
Callers: authenticated owner/admin of the site''s organization.
Returns: {content_type, size, logo_url} (logo_url /s/<slug>/logo?v=<version>, as portal_site
gives it); after a removal {content_type: null, size: 0, logo_url: null}.
Errors: 42501 unknown site or not owner/admin; 22023 not base64 or not an image type served;
22001 larger than 8 KB.';

-- An owner's own copy of their organization's business, for their records or to leave: every row
-- of the organization, as the tables hold it, in one document (one statement, so one moment).
-- Only what owners can read through the API anyway, plus the members' emails (team_members):
-- router secrets and M-Pesa and SMS credentials stay behind (private.router_secrets,
-- private.mpesa_settings, private.sms_settings), as do RADIUS accounting and raw callbacks. The
-- tables it reads are created by later files; plpgsql resolves them when it runs. The platform's
-- own copy of everything is `npm run backup` (README, "Backup and restore").
create function public.export_organization(p_organization_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
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

revoke execute on function public.export_organization(uuid) from public, anon, authenticated;

grant execute on function public.export_organization(uuid) to authenticated;

comment on function public.export_organization(uuid) is
'An owner''s export of their organization: every row of it, as the tables hold them (to_jsonb),
in one consistent document; audited as support:export (rows per table). No secrets: router
secrets, M-Pesa and SMS credentials are not in it.
Callers: authenticated owner.
Returns: {organization_id, exported_at, organization, sites, routers, plans, plan_sites,
voucher_batches, vouchers, customers, payments, sms_outbox, memberships (each with the member''s
email), audit_log}: arrays of rows, oldest first (audit_log by id).
Errors: 42501 admin, agent, outsider, no user or null organization.';
