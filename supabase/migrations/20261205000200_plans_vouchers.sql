-- Plans (what is sold), the sites that sell them, and vouchers (what was sold): a voucher keeps a
-- frozen copy of its plan's limits, so editing a plan changes future sales only.

-- ---------------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------------

-- A product: price in whole KES, validity from first use, optional time/data quotas and rates.
create table public.plans (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 60),
  price_kes integer not null check (price_kes > 0),
  validity_seconds integer not null check (validity_seconds > 0),
  time_quota_seconds integer check (time_quota_seconds > 0),
  data_quota_bytes bigint check (data_quota_bytes > 0),
  download_kbps integer check (download_kbps > 0),
  upload_kbps integer check (upload_kbps > 0),
  devices_allowed integer not null default 1 check (devices_allowed >= 1),
  -- The most a cash sale may take off price_kes; only owners set it (plan_discount_owner_only).
  max_discount_kes integer not null default 0 check (max_discount_kes >= 0),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, organization_id)
);

alter table public.plans enable row level security;

comment on table public.plans is
'Products: price in whole KES, validity from first use, optional time/data quotas and rates, the cash discount an owner allows (max_discount_kes). authenticated: members read, owners/admins insert, update, delete (only owners set max_discount_kes); anon: nothing.';

create index plans_organization_id_idx on public.plans (organization_id);

-- Which sites sell which plans (both in the same organization as the row).
create table public.plan_sites (
  plan_id uuid not null,
  site_id uuid not null,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  primary key (plan_id, site_id),
  foreign key (plan_id, organization_id) references public.plans (id, organization_id)
    on delete cascade,
  foreign key (site_id, organization_id) references public.sites (id, organization_id)
    on delete cascade
);

alter table public.plan_sites enable row level security;

comment on table public.plan_sites is
'Which sites sell which plans (same organization, composite keys). authenticated: members read, owners/admins insert and delete (no update); anon: nothing.';

create index plan_sites_organization_id_idx on public.plan_sites (organization_id);

create index plan_sites_plan_id_idx on public.plan_sites (plan_id, organization_id);

create index plan_sites_site_id_idx on public.plan_sites (site_id, organization_id);

-- ---------------------------------------------------------------------------------------------
-- The voucher alphabet (SQL's one home of it; VOUCHER_ALPHABET in
-- supabase/functions/_shared/domain/voucher-code.ts is the TypeScript one, and
-- tests/integration/rule-parity.test.ts feeds both the same cases)
-- ---------------------------------------------------------------------------------------------

-- 31 symbols: digits and capitals without the look-alikes 0/O, 1/I/L.
create function private.voucher_alphabet()
returns text
language plpgsql
immutable
security definer
set search_path = ''
as $$
begin
  return '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
end;
$$;

revoke all on function private.voucher_alphabet() from public, anon, authenticated;

-- A stored-form code: 10 random symbols behind a batch prefix of 0-4, all of the alphabet.
create function private.is_voucher_code(p_code text)
returns boolean
language plpgsql
immutable
security definer
set search_path = ''
as $$
begin
  return coalesce(p_code ~ ('^[' || private.voucher_alphabet() || ']{10,14}$'), false);
end;
$$;

revoke all on function private.is_voucher_code(text) from public, anon, authenticated;

-- A stored-form batch prefix: 0-4 symbols of the alphabet.
create function private.is_voucher_prefix(p_prefix text)
returns boolean
language plpgsql
immutable
security definer
set search_path = ''
as $$
begin
  return coalesce(p_prefix ~ ('^[' || private.voucher_alphabet() || ']{0,4}$'), false);
end;
$$;

revoke all on function private.is_voucher_prefix(text) from public, anon, authenticated;

-- The voucher_batches.prefix CHECK runs it as the inserting role.
grant execute on function private.is_voucher_prefix(text) to authenticated, service_role;

-- What a customer typed for a code in stored form: without spaces and dashes (Unicode ones
-- too, as phones autocorrect them), upper case. It may still not be a code.
create function private.normalise_voucher_code(p_input text)
returns text
language plpgsql
immutable
security definer
set search_path = ''
as $$
begin
  return upper(private.strip_separators(p_input, '\u2010-\u2015\u2212-'));
end;
$$;

revoke all on function private.normalise_voucher_code(text) from public, anon, authenticated;

-- A batch of vouchers printed together; inserting a batch issues `count` vouchers at once.
-- `prefix` (0-4 characters of the voucher alphabet) is put in front of each random code. Up to
-- 10,000 vouchers (a print run for a busy hotspot) are issued in one statement.
create table public.voucher_batches (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  plan_id uuid not null,
  count integer not null constraint voucher_batches_count_check check (count between 1 and 10000),
  prefix text not null default '' check (private.is_voucher_prefix(prefix)),
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (id, organization_id),
  foreign key (plan_id, organization_id) references public.plans (id, organization_id)
);

alter table public.voucher_batches enable row level security;

comment on table public.voucher_batches is
'Vouchers printed together: inserting a batch issues count (1 to 10,000) inactive vouchers (sell_voucher() or release_vouchers() activates them). authenticated: owners/admins read all and insert as themselves (created_by = auth.uid()), agents read their own; anon: nothing.';

create index voucher_batches_organization_id_idx on public.voucher_batches (organization_id, created_at desc);

create index voucher_batches_plan_id_idx on public.voucher_batches (plan_id, organization_id);

create index voucher_batches_created_by_idx on public.voucher_batches (created_by);

-- ---------------------------------------------------------------------------------------------
-- Voucher codes
-- ---------------------------------------------------------------------------------------------

-- A new voucher code: 10 symbols from a 31-symbol alphabet without 0/O/1/I/L (about 49.5 bits),
-- drawn from pgcrypto's CSPRNG. Bytes >= 248 are rejected so that byte % 31 is unbiased.
create function private.new_voucher_code()
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
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

revoke all on function private.new_voucher_code() from public, anon, authenticated;

-- Column defaults run with the inserting role's privileges.
grant execute on function private.new_voucher_code() to authenticated, service_role;

comment on function private.new_voucher_code() is
'A new voucher code: 10 symbols of 23456789ABCDEFGHJKMNPQRSTUVWXYZ (about 49.5 bits, pgcrypto
CSPRNG, bytes >= 248 rejected so the draw is unbiased).
Callers: the default of vouchers.code, so authenticated and service_role execute it; batches put
their prefix in front.
Returns: text.';

-- A sellable access code; also the RADIUS username, hence unique across the deployment.
-- The limit columns are a frozen copy of the plan at issue (filled by a trigger, kept by another),
-- so they carry no CHECK: PostgreSQL evaluates every CHECK of a row on every UPDATE, whichever
-- columns changed, and each RADIUS Interim-Update changes the usage counters (0.16 M + 0.14 M
-- instructions per Interim-Update, callgrind, radius/README.md, Performance). Code, status and
-- sale price are checked by the trigger vouchers_values_valid instead; the usage counters by
-- nobody: only radius.accounting() writes them, adding differences it floors at zero, and API
-- users cannot write them (column grants). customer_id is added with the customers table.
-- Every Interim-Update rewrites the voucher row: with room left in each page and no index on a
-- column those updates change, PostgreSQL updates it in place (HOT).
create table public.vouchers (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  plan_id uuid not null,
  batch_id uuid,
  code text not null unique default private.new_voucher_code(),
  status text not null default 'active',
  price_kes integer not null,
  validity_seconds integer not null,
  time_quota_seconds integer,
  data_quota_bytes bigint,
  download_kbps integer,
  upload_kbps integer,
  devices_allowed integer not null,
  used_seconds bigint not null default 0,
  used_bytes bigint not null default 0,
  first_used_at timestamptz,
  expires_at timestamptz,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  sold_by uuid references auth.users (id) on delete set null,
  sold_at timestamptz,
  sold_price_kes integer,
  created_at timestamptz not null default now(),
  unique (id, organization_id),
  foreign key (plan_id, organization_id) references public.plans (id, organization_id),
  foreign key (batch_id, organization_id) references public.voucher_batches (id, organization_id)
    on delete cascade
) with (fillfactor = 80);

alter table public.vouchers enable row level security;

comment on table public.vouchers is
'Access codes (also the RADIUS user name) with a frozen copy of the plan''s limits and usage counters. Status inactive (batch vouchers, vouchers an agent issues) until sold or released. authenticated: owners/admins read all, agents those they issued; members insert as themselves; owners/admins set status active/revoked and delete unused unsold ones; sales via sell_voucher(), releases via release_vouchers(); anon: nothing.';

create index vouchers_organization_id_idx on public.vouchers (organization_id, created_at desc);

create index vouchers_plan_id_idx on public.vouchers (plan_id, organization_id);

create index vouchers_batch_id_idx on public.vouchers (batch_id, organization_id);

create index vouchers_created_by_idx on public.vouchers (created_by, organization_id);

create index vouchers_sold_by_idx on public.vouchers (sold_by);

-- ---------------------------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------------------------

-- Trigger: on insert, copies the plan's price and limits into the voucher (whatever the caller
-- sent) and refuses inactive plans or plans of another organization.
create function private.voucher_freeze_plan()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.voucher_freeze_plan() from public, anon, authenticated;

-- Trigger: what was sold stays as sold. Identity, code and the frozen limits never change.
create function private.voucher_keep_frozen()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.voucher_keep_frozen() from public, anon, authenticated;

-- Trigger: issues the vouchers of a new batch (same plan, creator and prefix), inactive until
-- each is sold or released (printed cards are not internet until then). Codes are random,
-- so in a large deployment a new code can (rarely) equal an existing one: such rows are skipped
-- and drawn again, instead of failing the whole batch.
create function private.voucher_batch_issue()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.voucher_batch_issue() from public, anon, authenticated;

create trigger plans_set_updated_at before update on public.plans
  for each row execute function private.set_updated_at();

create trigger vouchers_freeze_plan before insert on public.vouchers
  for each row execute function private.voucher_freeze_plan();

create trigger vouchers_keep_frozen
  before update of organization_id, plan_id, batch_id, code, price_kes, validity_seconds,
    time_quota_seconds, data_quota_bytes, download_kbps, upload_kbps, devices_allowed,
    created_by, created_at
  on public.vouchers
  for each row execute function private.voucher_keep_frozen();

create trigger voucher_batches_issue after insert on public.voucher_batches
  for each row execute function private.voucher_batch_issue();

-- ---------------------------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------------------------
revoke all on table public.plans from anon, authenticated;

revoke all on table public.plan_sites from anon, authenticated;

revoke all on table public.voucher_batches from anon, authenticated;

revoke all on table public.vouchers from anon, authenticated;

grant select,
  insert (organization_id, name, price_kes, validity_seconds, time_quota_seconds, data_quota_bytes,
          download_kbps, upload_kbps, devices_allowed, max_discount_kes, active),
  update (name, price_kes, validity_seconds, time_quota_seconds, data_quota_bytes,
          download_kbps, upload_kbps, devices_allowed, max_discount_kes, active),
  delete
  on table public.plans to authenticated;

grant select, insert (plan_id, site_id, organization_id), delete
  on table public.plan_sites to authenticated;

grant select, insert (organization_id, plan_id, count, prefix)
  on table public.voucher_batches to authenticated;

-- Codes, limits, usage and sale columns are never written by API users directly
-- (sales go through sell_voucher()).
grant select, insert (organization_id, plan_id), update (status), delete
  on table public.vouchers to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Policies
-- ---------------------------------------------------------------------------------------------

-- plans: members read; owners and admins write.
create policy "members can read their plans"
  on public.plans for select to authenticated
  using (organization_id in (select private.orgs_with_role_at_least('agent')));

create policy "owners and admins can create plans"
  on public.plans for insert to authenticated
  with check (organization_id in (select private.orgs_with_role_at_least('admin')));

create policy "owners and admins can update plans"
  on public.plans for update to authenticated
  using (organization_id in (select private.orgs_with_role_at_least('admin')))
  with check (organization_id in (select private.orgs_with_role_at_least('admin')));

create policy "owners and admins can delete plans"
  on public.plans for delete to authenticated
  using (organization_id in (select private.orgs_with_role_at_least('admin')));

-- plan_sites: members read; owners and admins add and remove (no updates: delete and re-add).
create policy "members can read which sites sell their plans"
  on public.plan_sites for select to authenticated
  using (organization_id in (select private.orgs_with_role_at_least('agent')));

create policy "owners and admins can offer plans at sites"
  on public.plan_sites for insert to authenticated
  with check (organization_id in (select private.orgs_with_role_at_least('admin')));

create policy "owners and admins can withdraw plans from sites"
  on public.plan_sites for delete to authenticated
  using (organization_id in (select private.orgs_with_role_at_least('admin')));

-- voucher_batches: owners and admins read all and issue; agents read the ones they made before
-- this rule and issue none (a batch is a stack of access codes).
create policy "owners and admins read all batches and agents their own"
  on public.voucher_batches for select to authenticated
  using (
    organization_id in (select private.orgs_with_role_at_least('admin'))
    or (created_by = (select auth.uid())
        and organization_id in (select private.orgs_with_role('agent')))
  );

create policy "owners and admins can issue voucher batches as themselves"
  on public.voucher_batches for insert to authenticated
  with check (
    created_by = (select auth.uid())
    and organization_id in (select private.orgs_with_role_at_least('admin'))
  );

-- vouchers: owners and admins read all, revoke/reactivate and delete unused unsold ones;
-- agents read the vouchers they issued; any member issues single vouchers as themselves.
create policy "owners and admins read all vouchers and agents their own"
  on public.vouchers for select to authenticated
  using (
    organization_id in (select private.orgs_with_role_at_least('admin'))
    or (created_by = (select auth.uid())
        and organization_id in (select private.orgs_with_role('agent')))
  );

create policy "members can issue vouchers as themselves"
  on public.vouchers for insert to authenticated
  with check (
    created_by = (select auth.uid())
    and organization_id in (select private.orgs_with_role_at_least('agent'))
  );

create policy "owners and admins can revoke or reactivate vouchers"
  on public.vouchers for update to authenticated
  using (organization_id in (select private.orgs_with_role_at_least('admin')))
  with check (
    status in ('active', 'revoked')
    and organization_id in (select private.orgs_with_role_at_least('admin'))
  );

create policy "owners and admins can delete unused unsold vouchers"
  on public.vouchers for delete to authenticated
  using (
    sold_at is null
    and first_used_at is null
    and used_seconds = 0
    and used_bytes = 0
    and organization_id in (select private.orgs_with_role_at_least('admin'))
  );

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

-- Records a cash sale of an unsold voucher (inactive or active; the sale activates it): owners
-- and admins may sell any voucher of their organization, agents only vouchers they issued. The
-- price defaults to the frozen plan price; below it only by the plan's max_discount_kes, which
-- the owner sets (owners themselves may sell at any price). Returns {id, code, sold_at,
-- sold_price_kes}.
create function public.sell_voucher(p_voucher_id uuid, p_price_kes integer default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
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

revoke execute on function public.sell_voucher(uuid, integer) from public, anon, authenticated;

grant execute on function public.sell_voucher(uuid, integer) to authenticated;

comment on function public.sell_voucher(uuid, integer) is
'Records a cash sale of an unsold inactive or active voucher and activates it: sold_by = caller,
sold_at = now(), status = active, sold_price_kes = p_price_kes or the frozen plan price.
Callers: authenticated owner/admin (any voucher of their organization) or agent (vouchers they
issued). Below the frozen price only by the plan''s max_discount_kes (owners: any price).
Returns: {id, code, sold_at, sold_price_kes}.
Errors: 42501 unknown voucher or not yours to sell; P0001 already sold or neither inactive nor
active (voucher_not_sellable); 22023 negative price (price_negative) or below the allowed discount
(price_below_discount).';

-- Hands out inactive vouchers without a sale (printed cards given away free, a promotion):
-- p_batch_id releases every inactive voucher of a batch, p_voucher_id one voucher. Owners and
-- admins only; each voucher's status change is in the audit log (vouchers_audit_update), with
-- the caller as the actor. Returns {released} (how many became active).
create function public.release_vouchers(p_batch_id uuid default null, p_voucher_id uuid default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
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

revoke execute on function public.release_vouchers(uuid, uuid) from public, anon, authenticated;

grant execute on function public.release_vouchers(uuid, uuid) to authenticated;

comment on function public.release_vouchers(uuid, uuid) is
'Activates inactive vouchers without a sale: every inactive voucher of batch p_batch_id, or
voucher p_voucher_id (exactly one of the two). Each change is audited (vouchers_audit_update).
Callers: authenticated owner/admin of the organization.
Returns: {released} (vouchers activated; 0 when none was inactive).
Errors: 22023 neither or both given (release_target_invalid); 42501 unknown or not an owner/admin
(not_allowed).';

-- Trigger: only owners change a plan's cash discount (admins edit everything else about plans);
-- API-less callers (migrations, seed, the service role) are not users and may.
create function private.plan_discount_owner_only()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.plan_discount_owner_only() from public, anon, authenticated;

create trigger plans_discount_owner_only before insert or update of max_discount_kes on public.plans
  for each row execute function private.plan_discount_owner_only();

-- The sweeper marks active vouchers past their validity as expired.
create index vouchers_active_expires_at_idx on public.vouchers (expires_at)
  where status = 'active' and expires_at is not null;

-- Cash-up: who sold vouchers for cash on a day, how many and for how much. sell_voucher() records
-- every cash sale on the voucher (sold_by, sold_at, sold_price_kes); vouchers M-Pesa issued have
-- sold_at but no sold_by and are payments, not cash. Owners and admins count the cash of every
-- seller; an agent sees only their own sales. (The audit log screen needs nothing new: owners
-- already read their organization's audit_log rows under its select policy.)

-- A day's cash sales of an organization by seller, found without reading its other vouchers.
create index vouchers_cash_sales_idx on public.vouchers (organization_id, sold_at)
  where sold_by is not null;

-- Voucher search at scale: codes containing what the operator typed, through a trigram index.
-- Under row-level security PostgreSQL keeps `like` (not leakproof) out of index conditions, so
-- the admin's plain query walked every voucher of the organization (4.2 s at 1,000,000,
-- npm run bench:admin); search_vouchers, a security-definer function that applies the same
-- visibility rule itself, lets the index serve.
create index vouchers_code_trgm_idx on public.vouchers using gin (code extensions.gin_trgm_ops);

-- The organization's vouchers whose code contains p_search (letters and digits, any case; the
-- rest is ignored), as the vouchers select policy shows them: owners and admins all, agents
-- those they issued. Others → 42501. The caller orders, filters and pages the rows (PostgREST
-- applies them to the result), so the search should be selective: three characters or more
-- use the index.
create function public.search_vouchers(p_organization_id uuid, p_search text)
returns setof public.vouchers
language plpgsql
stable
security definer
set search_path = ''
as $$
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
$$;

revoke execute on function public.search_vouchers(uuid, text) from public, anon, authenticated;

grant execute on function public.search_vouchers(uuid, text) to authenticated;

comment on function public.search_vouchers(uuid, text) is
'The organization''s vouchers whose code contains p_search (letters and digits, any case; the
rest ignored), through the trigram index: security definer because under RLS `like` (not
leakproof) cannot use an index. Same visibility as the vouchers select policy.
Callers: authenticated owner/admin (all vouchers) or agent (those they issued).
Returns: setof vouchers; PostgREST applies the caller''s order, filters and paging to it.
Errors: 42501 not a member.';

-- Trigger: refuses a voucher whose code, status or sale price is out of range (see the vouchers
-- table for why this is not a CHECK). Runs after private.voucher_freeze_plan() has upper-cased the code.
create function private.voucher_values_valid()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.voucher_values_valid() from public, anon, authenticated;

-- Named to sort after vouchers_freeze_plan and vouchers_keep_frozen (triggers of one event fire
-- in name order).
create trigger vouchers_values_valid
  before insert or update of code, status, sold_price_kes on public.vouchers
  for each row execute function private.voucher_values_valid();
