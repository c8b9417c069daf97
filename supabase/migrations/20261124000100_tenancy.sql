-- Tenancy: organizations, memberships, sites, routers, the audit log, and the `private` schema
-- with the helpers that row-level security and the triggers use.
--
-- Conventions for every migration in this folder:
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

-- Helpers for policies, triggers and RPCs. Not exposed through the API.
create schema if not exists private;
revoke all on schema private from public, anon, authenticated;
grant usage on schema private to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------------

-- A tenant: one hotspot business. Everything else belongs to exactly one organization.
create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(btrim(name)) between 1 and 100),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.organizations enable row level security;

-- Who belongs to an organization, and as what: owner > admin > agent.
create table public.memberships (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null check (role in ('owner', 'admin', 'agent')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, user_id)
);
alter table public.memberships enable row level security;
create index memberships_user_id_idx on public.memberships (user_id, organization_id, role);
create index memberships_organization_id_idx on public.memberships (organization_id, role);

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
create index audit_log_organization_id_idx on public.audit_log (organization_id, at desc);

-- A hotspot location. Its slug names the portal URL /s/<slug>; the rest is the portal's branding.
create table public.sites (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  slug text not null unique
    check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
  name text not null check (char_length(btrim(name)) between 1 and 100),
  support_phone text check (support_phone ~ '^\+[1-9][0-9]{6,14}$'),
  primary_color text not null default '#0f766e' check (primary_color ~ '^#[0-9a-fA-F]{6}$'),
  logo_url text check (logo_url ~ '^https?://' and char_length(logo_url) <= 2048),
  default_language text not null default 'en' check (default_language in ('en', 'sw')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, organization_id)
);
alter table public.sites enable row level security;
create index sites_organization_id_idx on public.sites (organization_id);

-- A site's NAS (hotspot controller). FreeRADIUS recognises it by source IP, so nas_ip is unique
-- across the deployment. Its RADIUS secret lives in private.router_secrets, never here.
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
  unique (id, organization_id),
  foreign key (site_id, organization_id) references public.sites (id, organization_id)
    on delete cascade
);
alter table public.routers enable row level security;
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

-- ---------------------------------------------------------------------------------------------
-- Helper functions (private)
-- ---------------------------------------------------------------------------------------------

-- The organizations in which the calling user holds one of the given roles. Policies use it as
-- `organization_id in (select private.orgs_with_role(...))`, evaluated once per statement.
create function private.orgs_with_role(variadic p_roles text[])
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
    and m.role = any (p_roles)
$$;
revoke all on function private.orgs_with_role(text[]) from public, anon, authenticated;
grant execute on function private.orgs_with_role(text[]) to authenticated;

-- Whether the calling user holds one of the given roles in the organization (for RPCs).
create function private.has_role(p_organization_id uuid, variadic p_roles text[])
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
      and m.role = any (p_roles)
  )
$$;
revoke all on function private.has_role(uuid, text[]) from public, anon, authenticated;

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
    raise exception 'an organization must keep at least one owner'
      using errcode = '23514',
            hint = 'Make another member owner first.';
  end if;
  return coalesce(new, old);
end;
$$;
revoke all on function private.keep_last_owner() from public, anon, authenticated;

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

-- ---------------------------------------------------------------------------------------------
-- Privileges: anon nothing; authenticated only the commands and columns policies allow
-- ---------------------------------------------------------------------------------------------

revoke all on table public.organizations, public.memberships, public.audit_log, public.sites,
  public.routers from anon, authenticated;

grant select, update (name) on table public.organizations to authenticated;
grant select, insert (organization_id, user_id, role), update (role), delete
  on table public.memberships to authenticated;
grant select on table public.audit_log to authenticated;
grant select,
  insert (organization_id, slug, name, support_phone, primary_color, logo_url, default_language),
  update (slug, name, support_phone, primary_color, logo_url, default_language),
  delete
  on table public.sites to authenticated;
grant select, update (site_id, name, nas_ip, vendor), delete on table public.routers to authenticated;

-- The audit log is written only by the triggers above; no API role may change it.
revoke insert, update, delete, truncate on table public.audit_log from service_role;
revoke all on sequence public.audit_log_id_seq from anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Policies
-- ---------------------------------------------------------------------------------------------

-- organizations: members read; owners rename; created only by create_organization().
create policy "members can read their organizations"
  on public.organizations for select to authenticated
  using (id in (select private.orgs_with_role('owner', 'admin', 'agent')));

create policy "owners can update their organizations"
  on public.organizations for update to authenticated
  using (id in (select private.orgs_with_role('owner')))
  with check (id in (select private.orgs_with_role('owner')));

-- memberships: owners manage all; admins manage admins and agents; agents see their own row.
create policy "members can read their own membership and owners and admins all"
  on public.memberships for select to authenticated
  using (
    user_id = (select auth.uid())
    or organization_id in (select private.orgs_with_role('owner', 'admin'))
  );

create policy "owners add any member and admins add admins or agents"
  on public.memberships for insert to authenticated
  with check (
    organization_id in (select private.orgs_with_role('owner'))
    or (role <> 'owner' and organization_id in (select private.orgs_with_role('admin')))
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

-- audit_log: owners read; nobody writes through the API.
create policy "owners can read the audit log"
  on public.audit_log for select to authenticated
  using (organization_id in (select private.orgs_with_role('owner')));

-- sites: members read; owners and admins write.
create policy "members can read their sites"
  on public.sites for select to authenticated
  using (organization_id in (select private.orgs_with_role('owner', 'admin', 'agent')));

create policy "owners and admins can create sites"
  on public.sites for insert to authenticated
  with check (organization_id in (select private.orgs_with_role('owner', 'admin')));

create policy "owners and admins can update sites"
  on public.sites for update to authenticated
  using (organization_id in (select private.orgs_with_role('owner', 'admin')))
  with check (organization_id in (select private.orgs_with_role('owner', 'admin')));

create policy "owners and admins can delete sites"
  on public.sites for delete to authenticated
  using (organization_id in (select private.orgs_with_role('owner', 'admin')));

-- routers: owners and admins read, update and delete; created only by create_router().
create policy "owners and admins can read routers"
  on public.routers for select to authenticated
  using (organization_id in (select private.orgs_with_role('owner', 'admin')));

create policy "owners and admins can update routers"
  on public.routers for update to authenticated
  using (organization_id in (select private.orgs_with_role('owner', 'admin')))
  with check (organization_id in (select private.orgs_with_role('owner', 'admin')));

create policy "owners and admins can delete routers"
  on public.routers for delete to authenticated
  using (organization_id in (select private.orgs_with_role('owner', 'admin')));

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
    raise exception 'sign in to create an organization' using errcode = '42501';
  end if;
  if char_length(v_name) not between 1 and 100 then
    raise exception 'organization name must be 1 to 100 characters' using errcode = '22023';
  end if;
  insert into public.organizations (name) values (v_name) returning id into v_id;
  insert into public.memberships (organization_id, user_id, role) values (v_id, v_user, 'owner');
  return v_id;
end;
$$;
revoke execute on function public.create_organization(text) from public, anon, authenticated;
grant execute on function public.create_organization(text) to authenticated;

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
  if v_organization_id is null or not private.has_role(v_organization_id, 'owner', 'admin') then
    raise exception 'only owners and admins of the site''s organization can add routers'
      using errcode = '42501';
  end if;
  if p_nas_ip is null then
    raise exception 'nas_ip is required' using errcode = '22023';
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
