-- The platform itself, above any organization: the periodic jobs the worker
-- (worker/README.md) runs with their heartbeats, platform staff, the platform-wide settings, and
-- what staff do to an organization (approve its routers, suspend and resume it), audited.

-- ---------------------------------------------------------------------------------------------
-- Jobs
-- ---------------------------------------------------------------------------------------------

-- One row per periodic job (node '' for a platform-wide job, a host name for per-node work such
-- as a RADIUS host's client list), registered by every worker from worker/jobs.ts. A run is
-- claimed by leasing the row (claimed_by, lease_until) in one short statement that skips rows
-- another runner is claiming; the lease outlasts the job's timeout, so a runner that dies mid-job
-- leaves a lease that expires and the job is claimed again. due_at moves one period ahead at the
-- claim: however many runners there are, a job starts at most once per period (a wake-up, the
-- notification that work is waiting, makes it due at once).
-- Why a lease and not a lock held for the run (an advisory lock, or a `for update` transaction
-- kept open): the claim and the finish are each one short statement, so no transaction or
-- session stays open while a job waits on Daraja or a router, and it works through Supabase's
-- transaction pooler. The price: a killed runner's job waits out its lease (twice its timeout)
-- before another runner takes it. The work items themselves (payments, SMS, disconnects) are
-- claimed row by row by their own functions, so a job run twice never does an item twice.
create table private.jobs (
  name text not null check (name ~ '^[a-z][a-z0-9-]{0,62}$'),
  node text not null default '' check (char_length(node) <= 253),
  period_seconds integer not null check (period_seconds between 1 and 86400),
  timeout_seconds integer not null check (timeout_seconds between 1 and 3600),
  due_at timestamptz not null default now(),
  claimed_by text,
  lease_until timestamptz,
  last_started_at timestamptz,
  last_succeeded_at timestamptz,
  last_duration_ms integer,
  last_error text,
  last_error_at timestamptz,
  runs bigint not null default 0,
  failures bigint not null default 0,
  -- Failed runs since the last success: job-alerts mails platform staff at three.
  failures_in_row integer not null default 0,
  -- When staff were mailed that the job is failing; cleared by the mail that it recovered.
  alerted_at timestamptz,
  primary key (name, node)
);

alter table private.jobs enable row level security;

revoke all on table private.jobs from public, anon, authenticated, service_role;

comment on table private.jobs is
'The periodic jobs and their heartbeats (last start, last success, duration, last error). No API role; the worker reaches it through private.job_*; platform staff read it through public.platform_jobs().';

-- Registers (or re-times) a job, as every worker does at start for the jobs it knows.
create function private.job_register(p_name text, p_node text, p_period_seconds integer,
                                     p_timeout_seconds integer)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.jobs (name, node, period_seconds, timeout_seconds)
  values (p_name, p_node, p_period_seconds, p_timeout_seconds)
  on conflict (name, node) do update
    set period_seconds = excluded.period_seconds, timeout_seconds = excluded.timeout_seconds
    where (private.jobs.period_seconds, private.jobs.timeout_seconds)
          is distinct from (excluded.period_seconds, excluded.timeout_seconds);
end;
$$;

revoke all on function private.job_register(text, text, integer, integer) from public, anon, authenticated;

-- Claims every due job this runner knows (p_jobs): the platform-wide ones and those of its node.
-- Rows another runner is claiming at this moment are skipped, not waited for; a job only a newer
-- worker knows is left to it.
create function private.job_claim(p_runner text, p_node text, p_jobs text[])
returns table (name text, node text, timeout_seconds integer)
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.job_claim(text, text, text[]) from public, anon, authenticated;

-- Records how a claimed run ended and releases the lease. False when the lease was lost (the run
-- outlived its timeout and another runner claimed the job): nothing is recorded then.
create function private.job_finish(p_name text, p_node text, p_runner text, p_error text)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.job_finish(text, text, text, text) from public, anon, authenticated;

-- Makes a job due now on every node (a notification says work is waiting). A run in progress
-- is not disturbed: the job is claimed again as soon as that run releases it.
create function private.job_wake(p_name text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  update private.jobs j set due_at = now() where j.name = p_name and j.due_at > now();
end;
$$;

revoke all on function private.job_wake(text) from public, anon, authenticated;

-- The next job alert for platform staff (worker/alerts.ts mails it), claimed so that it is mailed
-- once however many workers look. A job is failing once it has failed three times in a row:
-- once or twice is a blip (Daraja or a router not answering), and counting runs rather than time
-- treats a 5-second job and a 60-second one alike (15 s and 3 min of failure) and needs no last
-- success. It is mailed once (alerted_at), then once more when it has succeeded since. One row
-- per call, locked until the caller's transaction ends: the caller mails inside it, so another
-- worker skips the row meanwhile, and a mail that could not be sent rolls the claim back for the
-- next run to try again.
create function private.job_alerts_claim()
returns table (kind text, name text, node text, last_error text, last_error_at timestamptz,
               last_succeeded_at timestamptz, failures_in_row integer, recipients text[])
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.job_alerts_claim() from public, anon, authenticated;

grant usage on schema private to worker;

grant execute on function
  private.job_register(text, text, integer, integer),
  private.job_claim(text, text, text[]),
  private.job_finish(text, text, text, text),
  private.job_wake(text),
  private.job_alerts_claim()
to worker;

-- ---------------------------------------------------------------------------------------------
-- Platform staff
-- ---------------------------------------------------------------------------------------------

-- The people who run the platform itself, apart from any organization's roles. Added by an
-- operator with SQL (worker/README.md); nobody becomes staff through the API.
create table private.platform_staff (
  user_id uuid primary key references auth.users (id) on delete cascade,
  added_at timestamptz not null default now()
);

alter table private.platform_staff enable row level security;

revoke all on table private.platform_staff from public, anon, authenticated, service_role;

comment on table private.platform_staff is
'Platform staff (user ids), distinct from organization roles. No API role; checked by private.is_platform_staff().';

-- Whether the calling user is platform staff.
create function private.is_platform_staff()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from private.platform_staff s where s.user_id = auth.uid())
$$;

revoke all on function private.is_platform_staff() from public, anon, authenticated;

-- Whether the signed-in user is platform staff: the admin app shows its platform section then.
create function public.is_platform_staff()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.is_platform_staff()
$$;

revoke all on function public.is_platform_staff() from public, anon;

grant execute on function public.is_platform_staff() to authenticated;

comment on function public.is_platform_staff() is
'Whether the calling user is platform staff (the admin app shows its platform section then).
Callers: authenticated.
Returns: boolean (false without a user).';

-- Refuses the caller unless they are platform staff.
create function private.require_platform_staff()
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.is_platform_staff() then
    raise exception 'only platform staff may do this'
      using errcode = '42501', hint = 'not_platform_staff';
  end if;
end;
$$;

revoke all on function private.require_platform_staff() from public, anon, authenticated;

-- Every job's heartbeat, for the platform section of the admin app.
create function public.platform_jobs()
returns table (name text, node text, period_seconds integer, due_at timestamptz,
               running boolean, last_started_at timestamptz, last_succeeded_at timestamptz,
               last_duration_ms integer, last_error text, last_error_at timestamptz,
               runs bigint, failures bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
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

revoke all on function public.platform_jobs() from public, anon;

grant execute on function public.platform_jobs() to authenticated;

comment on function public.platform_jobs() is
'Every periodic job''s heartbeat: period, next due, whether a run holds it now, last start and
success, last duration and error, counts of runs and failures.
Callers: authenticated platform staff.
Returns: setof rows, one per job and node (node '''' for a platform-wide job).
Errors: 42501 not_platform_staff.';

-- What platform staff did, platform-wide (an organization's own audit_log also gets the row
-- changes of approving, suspending and resuming it).
create table private.platform_audit (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor uuid,
  action text not null,
  organization_id uuid,
  detail jsonb not null default '{}'
);

alter table private.platform_audit enable row level security;

revoke all on table private.platform_audit from public, anon, authenticated, service_role;

comment on table private.platform_audit is
'Every platform staff action (settings, approvals, suspensions) with its actor. No API role; written by the platform RPCs.';

-- ---------------------------------------------------------------------------------------------
-- Settings
-- ---------------------------------------------------------------------------------------------

-- The platform-wide rules, one row. Each column's default is the documented default
-- (worker/README.md, Platform staff); later rules (quarantine and reservation times and limits)
-- become columns here.
create table private.platform_settings (
  id boolean primary key default true check (id),
  -- invite_only: every new organization's routers are served at once (the operator knows who
  -- signs up); open: platform staff approve a new organization before RADIUS serves its routers.
  signup_mode text not null default 'invite_only' check (signup_mode in ('invite_only', 'open')),
  -- Days a router address an organization releases (router deleted, or its nas_ip changed) is
  -- held back from every other organization (private.address_quarantine); 30 by default, 0
  -- lets another organization register it at once. Applies to addresses released after a
  -- change.
  address_quarantine_days integer not null default 30
    check (address_quarantine_days between 0 and 365),
  -- Hours a signed STK callback URL keeps working after its payment settled (48 by default):
  -- later callbacks to it are refused and only counted (private.pay_callback).
  callback_url_hours integer not null default 48 check (callback_url_hours between 1 and 8760),
  -- Days a portal status token answers payment_status() after its payment started (7).
  status_token_days integer not null default 7 check (status_token_days between 1 and 365),
  -- Days a slug an organization released (site renamed or deleted) is reserved for it
  -- (private.released_slugs); 90 by default, 0 lets another organization take it at once.
  -- Applies to slugs released after a change; set in SQL (no staff RPC yet).
  slug_reservation_days integer not null default 90
    check (slug_reservation_days between 0 and 3650),
  updated_at timestamptz not null default now(),
  updated_by uuid references auth.users (id) on delete set null
);

alter table private.platform_settings enable row level security;

revoke all on table private.platform_settings from public, anon, authenticated, service_role;

comment on table private.platform_settings is
'The platform-wide settings (one row, defaults documented per column). No API role; platform staff read and set them through platform_settings(), set_signup_mode(), set_address_quarantine_days() and set_payment_link_lifetimes().';

insert into private.platform_settings default values;

-- What every staff setter does after changing its settings: stamps who changed the row and when,
-- and audits the change under the setter's name.
create function private.platform_settings_changed(p_action text, p_detail jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  update private.platform_settings set updated_at = now(), updated_by = auth.uid();
  insert into private.platform_audit (actor, action, detail) values (auth.uid(), p_action, p_detail);
end;
$$;

revoke all on function private.platform_settings_changed(text, jsonb) from public, anon, authenticated;

-- The sign-up mode create_organization() follows.
create function private.signup_mode()
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select s.signup_mode from private.platform_settings s
$$;

revoke all on function private.signup_mode() from public, anon, authenticated;

-- The settings, for the platform section of the admin app.
create function public.platform_settings()
returns table (signup_mode text, address_quarantine_days integer, callback_url_hours integer,
               status_token_days integer, updated_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_platform_staff();
  return query
  select s.signup_mode, s.address_quarantine_days, s.callback_url_hours, s.status_token_days,
         s.updated_at
  from private.platform_settings s;
end;
$$;

revoke all on function public.platform_settings() from public, anon;

grant execute on function public.platform_settings() to authenticated;

comment on function public.platform_settings() is
'The platform-wide settings: signup_mode (invite_only, the default, or open),
address_quarantine_days (30 by default: how long a router address one organization released is
held back from the others), callback_url_hours (48: how long a signed STK callback URL works
after its payment settled), status_token_days (7: how long a portal status token answers) and
when they last changed.
Callers: authenticated platform staff.
Returns: one row.
Errors: 42501 not_platform_staff.';

-- Sets the sign-up mode (audited).
create function public.set_signup_mode(p_mode text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function public.set_signup_mode(text) from public, anon;

grant execute on function public.set_signup_mode(text) to authenticated;

comment on function public.set_signup_mode(text) is
'Sets how organizations join: invite_only (their routers are served at once) or open (platform
staff approve each new organization first). Audited in private.platform_audit.
Callers: authenticated platform staff.
Returns: nothing.
Errors: 42501 not_platform_staff; 22023 signup_mode_invalid.';

-- Sets how many days a released router address is held back from other organizations
-- (audited). Addresses released before keep the end they were given.
create function public.set_address_quarantine_days(p_days integer)
returns void
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function public.set_address_quarantine_days(integer) from public, anon;

grant execute on function public.set_address_quarantine_days(integer) to authenticated;

comment on function public.set_address_quarantine_days(integer) is
'Sets how many days (0 to 365; 30 by default) a router address one organization released is held
back from the others (private.address_quarantine). Applies to addresses released from now on.
Audited in private.platform_audit.
Callers: authenticated platform staff.
Returns: nothing.
Errors: 42501 not_platform_staff; 22023 address_quarantine_days_invalid.';

-- Sets how long signed STK callback URLs and portal status tokens work (audited): after that,
-- a callback to the URL is refused and only counted, and the token answers nothing.
create function public.set_payment_link_lifetimes(p_callback_url_hours integer, p_status_token_days integer)
returns void
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function public.set_payment_link_lifetimes(integer, integer) from public, anon;

grant execute on function public.set_payment_link_lifetimes(integer, integer) to authenticated;

comment on function public.set_payment_link_lifetimes(integer, integer) is
'Sets how many hours (1 to 8760; 48 by default) a signed STK callback URL keeps working after its
payment settled, and how many days (1 to 365; 7 by default) a portal status token answers
payment_status() after its payment started. Audited in private.platform_audit.
Callers: authenticated platform staff.
Returns: nothing.
Errors: 42501 not_platform_staff; 22023 payment_link_lifetimes_invalid.';

-- ---------------------------------------------------------------------------------------------
-- Addresses are not recycled into another tenant
-- ---------------------------------------------------------------------------------------------

-- Router addresses an organization released (a router deleted, or its nas_ip changed), held back
-- from every other organization until `until` (released_at + address_quarantine_days): whatever
-- still arrives from or for that address (a router not yet reconfigured, late accounting,
-- retransmissions) must not land at another operator. Sessions already recorded follow the
-- router they arrived from (radius.radacct.router_id) whoever holds the address later; the
-- quarantine covers what is still on its way. The releasing organization may register the
-- address again at once (its row is then deleted). Keyed by address alone, not by router, so
-- that issue 15's tunnel pool (addresses the platform hands out to routers) uses the same table:
-- the pool skips an address quarantined for another organization and records the addresses it
-- takes back here. organization_id is no foreign key: a deleted organization's addresses stay
-- quarantined for everyone else. Rows past `until` mean nothing; one is deleted when the
-- address is registered again.
create table private.address_quarantine (
  address inet primary key,
  organization_id uuid not null,
  released_at timestamptz not null default now(),
  until timestamptz not null
);

alter table private.address_quarantine enable row level security;

revoke all on table private.address_quarantine from public, anon, authenticated, service_role;

comment on table private.address_quarantine is
'Router addresses an organization released, held back from other organizations until `until` (platform setting address_quarantine_days; issue 15''s tunnel pool uses it too). No API role: written by the routers triggers, read by them and by platform_address_quarantine().';

-- Serialises everything that takes or gives up one router address (a transaction-level
-- advisory lock on it), so a registration waits for a release in flight and then sees the
-- quarantine the release recorded.
create function private.lock_router_address(p_address inet)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if p_address is not null then
    perform pg_advisory_xact_lock(hashtextextended('wifi-billing router address ' || p_address::text, 0));
  end if;
end;
$$;

revoke all on function private.lock_router_address(inet) from public, anon, authenticated;

-- Trigger, before a router takes or gives up an address (insert, nas_ip changed, delete): locks
-- the addresses involved (in address order, so two changes cannot deadlock), then refuses an
-- address quarantined for another organization (23505 nas_ip_quarantined, whichever way the
-- router is written: create_router, an update through the API, SQL). The organization's own
-- quarantine of the address ends when it takes it again.
create function private.router_address_claim()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.router_address_claim() from public, anon, authenticated;

-- Trigger, after a router gave up an address (deleted, or nas_ip changed): the address is
-- quarantined for other organizations for address_quarantine_days from now.
create function private.router_address_release()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.router_address_release() from public, anon, authenticated;

create trigger routers_address_claim
  before insert or delete or update of nas_ip on public.routers
  for each row execute function private.router_address_claim();

create trigger routers_address_release
  after delete or update of nas_ip on public.routers
  for each row execute function private.router_address_release();

-- The addresses held back now, for platform staff: which organization released each and until
-- when.
create function public.platform_address_quarantine()
returns table (address text, organization_id uuid, organization_name text,
               released_at timestamptz, quarantined_until timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
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

revoke all on function public.platform_address_quarantine() from public, anon;

grant execute on function public.platform_address_quarantine() to authenticated;

comment on function public.platform_address_quarantine() is
'The router addresses held back from other organizations now (private.address_quarantine): the
address, the organization that released it (name null once it is deleted), when, and until when.
Callers: authenticated platform staff.
Returns: setof rows, the soonest free first.
Errors: 42501 not_platform_staff.';

-- ---------------------------------------------------------------------------------------------
-- Slugs are cosmetic: a released slug is not handed to another tenant
-- ---------------------------------------------------------------------------------------------

-- Slugs an organization released (a site renamed or deleted), reserved for it until `until`
-- (released_at + slug_reservation_days): routers, login pages and QR stickers made before sites
-- were addressed by id may still send customers to /s/<slug>, and their codes and payments must
-- not reach another operator's portal. The releasing organization may take the slug again at
-- once (its row is then deleted). organization_id is no foreign key: a deleted organization's
-- slugs stay reserved for it. Rows past `until` mean nothing; one is deleted when the slug is
-- taken again. Old slugs are not redirected (SECURITY.md, Slugs are cosmetic).
create table private.released_slugs (
  slug text primary key,
  organization_id uuid not null,
  released_at timestamptz not null default now(),
  until timestamptz not null
);

alter table private.released_slugs enable row level security;

revoke all on table private.released_slugs from public, anon, authenticated, service_role;

comment on table private.released_slugs is
'Slugs an organization released (site renamed or deleted), reserved for it until `until` (platform setting slug_reservation_days, 90 by default). No API role: written and read by the sites triggers sites_slug_claim and sites_slug_release.';

-- Serialises everything that takes or gives up one slug (a transaction-level advisory lock on
-- it), so a claim waits for a release in flight and then sees the reservation it recorded.
create function private.lock_site_slug(p_slug text)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if p_slug is not null then
    perform pg_advisory_xact_lock(hashtextextended('wifi-billing site slug ' || p_slug, 0));
  end if;
end;
$$;

revoke all on function private.lock_site_slug(text) from public, anon, authenticated;

comment on function private.lock_site_slug(text) is
'Takes the transaction-level advisory lock of one slug.
Callers: the sites triggers.
Returns: nothing.';

-- Trigger, before a site takes or gives up a slug (insert, slug or organization changed,
-- delete): locks the slugs involved (in order, so two renames cannot deadlock), then refuses a
-- slug reserved for another organization (23505 slug_reserved, whichever way the site is
-- written). The organization's own reservation of the slug ends when it takes it again.
create function private.site_slug_claim()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.site_slug_claim() from public, anon, authenticated;

comment on function private.site_slug_claim() is
'Trigger sites_slug_claim: refuses a slug reserved for another organization.
Callers: the trigger only.
Returns: the row.
Errors: 23505 slug_reserved.';

-- Trigger, after a site gave up a slug (deleted, renamed, or moved to another organization): the
-- slug is reserved for the organization that held it for slug_reservation_days from now.
create function private.site_slug_release()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.site_slug_release() from public, anon, authenticated;

comment on function private.site_slug_release() is
'Trigger sites_slug_release: records the slug a site gave up in private.released_slugs.
Callers: the trigger only.
Returns: null (an after trigger).';

create trigger sites_slug_claim
  before insert or delete or update of slug, organization_id on public.sites
  for each row execute function private.site_slug_claim();

create trigger sites_slug_release
  after delete or update of slug, organization_id on public.sites
  for each row execute function private.site_slug_release();

-- ---------------------------------------------------------------------------------------------
-- Organizations as platform staff see them
-- ---------------------------------------------------------------------------------------------

-- Every organization's health, without its secrets or its customers' data: counts and times
-- only, plus its owners' emails (whom staff contact).
create function public.platform_organizations()
returns table (id uuid, name text, created_at timestamptz, routers_approved_at timestamptz,
               suspended_at timestamptz, suspended_reason text, owner_emails text[],
               sites integer, routers integer, routers_seen_last_hour integer,
               active_vouchers integer, payments_last_day integer,
               failed_payments_last_day integer, router_last_seen_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
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

revoke all on function public.platform_organizations() from public, anon;

grant execute on function public.platform_organizations() to authenticated;

comment on function public.platform_organizations() is
'Every organization''s health for platform staff: approval and suspension, owners'' emails, counts
of sites, routers (and those heard from in the last hour), active vouchers, payments and failed
payments in the last day, when a router was last heard from. No secrets, no customer data.
Callers: authenticated platform staff.
Returns: setof rows, suspended first, then awaiting approval, then newest.
Errors: 42501 not_platform_staff.';

-- Finds an organization for a staff action, or raises.
create function private.platform_target(p_organization_id uuid)
returns public.organizations
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.platform_target(uuid) from public, anon, authenticated;

-- Lets RADIUS serve an organization's routers (open sign-up); idempotent, audited.
create function public.approve_organization(p_organization_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function public.approve_organization(uuid) from public, anon;

grant execute on function public.approve_organization(uuid) to authenticated;

comment on function public.approve_organization(uuid) is
'Approves an organization that joined while sign-up was open: from now on RADIUS serves its
routers (the worker picks them up within a second). Idempotent; audited.
Callers: authenticated platform staff.
Returns: nothing.
Errors: 42501 not_platform_staff; P0002 organization_not_found.';

-- Suspends an organization: logins at its routers are refused (WB_SUSPENDED) and its open
-- sessions disconnected, its portal says it is unavailable and sells nothing, its members can
-- read but not change anything. Nothing is deleted.
create function public.suspend_organization(p_organization_id uuid, p_reason text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function public.suspend_organization(uuid, text) from public, anon;

grant execute on function public.suspend_organization(uuid, text) to authenticated;

comment on function public.suspend_organization(uuid, text) is
'Suspends an organization with a reason its members see: its routers'' logins are refused
(WB_SUSPENDED) and open sessions disconnected, its portal is unavailable, its members become
read-only. Nothing is deleted; resume_organization undoes it. Idempotent; audited.
Callers: authenticated platform staff.
Returns: nothing.
Errors: 42501 not_platform_staff; P0002 organization_not_found; 22023 suspend_reason_invalid.';

-- Lifts a suspension (audited).
create function public.resume_organization(p_organization_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function public.resume_organization(uuid) from public, anon;

grant execute on function public.resume_organization(uuid) to authenticated;

comment on function public.resume_organization(uuid) is
'Lifts an organization''s suspension: logins, portal and writes work again. Idempotent; audited.
Callers: authenticated platform staff.
Returns: nothing.
Errors: 42501 not_platform_staff; P0002 organization_not_found.';

-- ---------------------------------------------------------------------------------------------
-- A suspended organization is read-only
-- ---------------------------------------------------------------------------------------------

-- Trigger: refuses a signed-in member's write to a suspended organization's rows, whether made
-- through the API or inside an RPC (both carry the caller's JWT); platform staff's own RPCs
-- (resuming it) pass. The organization's own background work (payments settling, accounting,
-- the worker) carries no user JWT and goes on, so no payment is lost; writes made by another
-- trigger were checked at the outer write.
create function private.refuse_when_suspended()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.refuse_when_suspended() from public, anon, authenticated;

-- Every table a member writes, directly or through an RPC. On vouchers only the changes a member
-- makes (accounting's usage updates stay free of the check).
create trigger organizations_refuse_when_suspended before update on public.organizations
  for each row execute function private.refuse_when_suspended();

create trigger memberships_refuse_when_suspended before insert or update or delete on public.memberships
  for each row execute function private.refuse_when_suspended();

create trigger sites_refuse_when_suspended before insert or update or delete on public.sites
  for each row execute function private.refuse_when_suspended();

create trigger routers_refuse_when_suspended before insert or update or delete on public.routers
  for each row execute function private.refuse_when_suspended();

create trigger plans_refuse_when_suspended before insert or update or delete on public.plans
  for each row execute function private.refuse_when_suspended();

create trigger plan_sites_refuse_when_suspended before insert or update or delete on public.plan_sites
  for each row execute function private.refuse_when_suspended();

create trigger voucher_batches_refuse_when_suspended before insert on public.voucher_batches
  for each row execute function private.refuse_when_suspended();

create trigger vouchers_refuse_when_suspended
  before insert or delete or update of status, sold_at, sold_by, sold_price_kes on public.vouchers
  for each row execute function private.refuse_when_suspended();

create trigger payments_refuse_when_suspended before update on public.payments
  for each row execute function private.refuse_when_suspended();

create trigger sms_outbox_refuse_when_suspended before insert or update on public.sms_outbox
  for each row execute function private.refuse_when_suspended();

create trigger site_logos_refuse_when_suspended before insert or update or delete on private.site_logos
  for each row execute function private.refuse_when_suspended();

create trigger mpesa_settings_refuse_when_suspended before insert or update or delete on private.mpesa_settings
  for each row execute function private.refuse_when_suspended();

create trigger sms_settings_refuse_when_suspended before insert or update or delete on private.sms_settings
  for each row execute function private.refuse_when_suspended();
