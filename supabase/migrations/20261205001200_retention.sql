-- Retention: how long each kind of operational record is kept, why, and the floor below which
-- platform staff cannot set it; and the job that deletes what is older, rolling sessions up
-- first so usage history outlives the rows. Payments, vouchers, customers, unmatched receipts
-- and the audit logs are the money and accountability records: age never deletes them (a
-- customer's erasure masks their phone and MACs instead).

-- One row per kind of record the retention job deletes by age: its days, its floor and the
-- reason for both. Platform staff change days (never below minimum_days) with
-- set_retention_days(); the defaults below are the documented ones.
create table private.retention_policies (
  kind text primary key,
  days integer not null,
  minimum_days integer not null check (minimum_days >= 1),
  reason text not null,
  updated_at timestamptz not null default now(),
  updated_by uuid,
  check (days between minimum_days and 3650)
);

alter table private.retention_policies enable row level security;

revoke all on table private.retention_policies from public, anon, authenticated, service_role;

comment on table private.retention_policies is
'How long each kind of operational record is kept (days, never below minimum_days) and why. No API role; platform staff read it with retention_policies() and change it with set_retention_days(); private.retention_run() applies it.';

insert into private.retention_policies (kind, days, minimum_days, reason) values
  ('radacct', 365, 365,
   'Sessions: who was online, from which router, when, for how long and how much data. '
   'Connection records: the Communications Authority of Kenya''s rules for public internet '
   'access points, as proposed, keep them a year; no enacted shorter period is known, so a year '
   'is the floor. Rolled up into private.daily_usage before deletion.'),
  ('radpostauth', 365, 365,
   'Login attempts (accepted and refused) with the reason: connection records, the same floor '
   'as sessions; also how lockouts and another operator''s codes are investigated.'),
  ('payment_callbacks', 180, 90,
   'M-Pesa callbacks as they arrived: evidence when a payment is disputed. The payment row '
   'keeps the outcome, amount and receipt for good.'),
  ('sms_outbox', 90, 30,
   'Voucher SMS and their delivery state: support answers "I got no SMS" with them. The body '
   'holds the voucher code, so it goes once the voucher is long used.'),
  ('disconnects', 30, 7,
   'Disconnect-Request deliveries and the router''s answers: troubleshooting a router that does '
   'not drop sessions.'),
  ('callback_junk', 30, 7,
   'Counts and a few samples of forged or malformed callbacks: enough to see an attack''s shape.'),
  ('rate_limits', 1, 1,
   'Abuse counters (payment caps, lookup throttles): their windows last minutes.'),
  ('lockouts', 1, 1,
   'Device lockouts (15 minutes each): a day keeps the latest for support.');

-- Usage per organization, router and Nairobi day, from sessions the retention job deleted:
-- the history dashboards and exports keep after the rows are gone.
create table private.daily_usage (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  day date not null,
  router_id uuid,
  sessions integer not null default 0,
  seconds bigint not null default 0,
  input_octets bigint not null default 0,
  output_octets bigint not null default 0,
  unique nulls not distinct (organization_id, day, router_id)
);

alter table private.daily_usage enable row level security;

revoke all on table private.daily_usage from public, anon, authenticated, service_role;

comment on table private.daily_usage is
'Rollup of deleted sessions: per organization, Nairobi day (of the session''s start), router: sessions, seconds, octets in and out. Written by private.retention_run() in the statement that deletes the sessions. No API role.';

-- The moment before which records of a kind are deleted.
create function private.retention_cutoff(p_kind text)
returns timestamptz
language sql
stable
security definer
set search_path = ''
as $$
  select now() - make_interval(days => r.days) from private.retention_policies r where r.kind = p_kind
$$;

revoke all on function private.retention_cutoff(text) from public, anon, authenticated;

-- Deletes, per kind, up to p_batch records older than its retention (closed sessions only,
-- rolled up first; queued SMS and pending disconnects are kept while they are recent work).
-- Runs hourly from the worker; a backlog drains over several runs without long transactions.
-- Returns {kind: rows deleted}.
create function private.retention_run(p_batch integer default 10000)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function private.retention_run(integer) from public, anon, authenticated;

grant execute on function private.retention_run(integer) to worker;

comment on function private.retention_run(integer) is
'Deletes, per kind in private.retention_policies, up to p_batch records older than its days:
closed sessions (rolled up into private.daily_usage in the same statement), login attempts,
M-Pesa callbacks, sent or failed SMS, finished disconnects (pending ones once past retention),
junk-callback counters and samples (hours; not batched: one row per kind, reason and hour),
rate-limit windows, lockouts. Payments, vouchers, customers and audit logs are never deleted.
Callers: worker (the hourly retention job).
Returns: {radacct, radpostauth, payment_callbacks, sms_outbox, disconnects, callback_junk,
rate_limits, lockouts: rows deleted}.';

-- ---------------------------------------------------------------------------------------------
-- Platform staff
-- ---------------------------------------------------------------------------------------------

-- The retention policies, for platform staff, by kind.
create function public.retention_policies()
returns table (kind text, days integer, minimum_days integer, reason text, updated_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_platform_staff();
  return query
  select r.kind, r.days, r.minimum_days, r.reason, r.updated_at
  from private.retention_policies r
  order by r.kind;
end;
$$;

revoke all on function public.retention_policies() from public, anon;

grant execute on function public.retention_policies() to authenticated;

comment on function public.retention_policies() is
'How long each kind of operational record is kept, its floor and the reason.
Callers: authenticated platform staff.
Returns: rows (kind, days, minimum_days, reason, updated_at) by kind.
Errors: 42501 not_platform_staff.';

-- Sets how many days records of one kind are kept (never below its floor; audited).
create function public.set_retention_days(p_kind text, p_days integer)
returns void
language plpgsql
security definer
set search_path = ''
as $$
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

revoke all on function public.set_retention_days(text, integer) from public, anon;

grant execute on function public.set_retention_days(text, integer) to authenticated;

comment on function public.set_retention_days(text, integer) is
'Sets how many days records of one kind are kept (from its minimum_days up to 3650). Audited in
private.platform_audit.
Callers: authenticated platform staff.
Returns: nothing.
Errors: 42501 not_platform_staff; 22023 retention_kind_unknown; 22023 retention_below_minimum.';
