-- Per-organization M-Pesa (Daraja) and SMS (Africa's Talking) settings, with write-only
-- secrets, and the Daraja OAuth token cache. Owners set them; the edge functions read them.

-- ---------------------------------------------------------------------------------------------
-- Settings
-- ---------------------------------------------------------------------------------------------

-- An organization's Daraja (M-Pesa Express) credentials. Secrets are write-only through the API:
-- owners set them with set_mpesa_settings(), payment_settings() shows only their last characters.
create table private.mpesa_settings (
  organization_id uuid primary key references public.organizations (id) on delete cascade,
  environment text not null default 'sandbox' check (environment in ('sandbox', 'production')),
  -- BusinessShortCode: the paybill, or the store / head-office number of a till.
  shortcode text not null check (shortcode ~ '^[0-9]{5,7}$'),
  account_type text not null default 'paybill' check (account_type in ('paybill', 'till')),
  till_number text check (till_number ~ '^[0-9]{5,8}$'),
  passkey text not null check (char_length(passkey) between 8 and 200),
  consumer_key text not null check (char_length(consumer_key) between 4 and 200),
  consumer_secret text not null check (char_length(consumer_secret) between 4 and 200),
  -- The API operator (Initiator) and its SecurityCredential (the initiator password encrypted
  -- with Safaricom's certificate) for Transaction Status: without them unmatched receipts cannot
  -- be verified and stay waiting.
  initiator_name text check (initiator_name ~ '^[A-Za-z0-9_.@-]{1,100}$'),
  security_credential text check (char_length(security_credential) between 8 and 4096),
  updated_at timestamptz not null default now(),
  updated_by uuid,
  check (account_type = 'paybill' or till_number is not null),
  check ((initiator_name is null) = (security_credential is null))
);

alter table private.mpesa_settings enable row level security;

revoke all on table private.mpesa_settings from public, anon, authenticated, service_role;

comment on table private.mpesa_settings is
'Per organization Daraja credentials, with the Transaction Status initiator (secrets write-only: set_mpesa_settings, payment_settings shows hints). No API role; the edge functions read it through mpesa_credentials().';

-- An organization's Africa's Talking account for SMS (username, write-only API key, sender id).
create table private.sms_settings (
  organization_id uuid primary key references public.organizations (id) on delete cascade,
  username text not null check (username ~ '^[A-Za-z0-9_.-]{1,100}$'),
  api_key text not null check (char_length(api_key) between 8 and 200),
  sender_id text check (sender_id ~ '^[A-Za-z0-9 ]{1,11}$'),
  updated_at timestamptz not null default now(),
  updated_by uuid
);

alter table private.sms_settings enable row level security;

revoke all on table private.sms_settings from public, anon, authenticated, service_role;

comment on table private.sms_settings is
'Per organization Africa''s Talking account (username, write-only API key, sender id: set_sms_settings). No API role; sms_claim() hands it to sms-dispatch.';

-- The one cached Daraja access token per organization. Daraja invalidates the previous token
-- when a new one is issued, so every function instance shares this row and refreshes it while
-- holding its row lock (supabase/functions/_shared/daraja-token.ts).
create table private.daraja_tokens (
  organization_id uuid primary key references public.organizations (id) on delete cascade,
  access_token text,
  expires_at timestamptz,
  refreshed_at timestamptz,
  refresh_count integer not null default 0
);

alter table private.daraja_tokens enable row level security;

revoke all on table private.daraja_tokens from public, anon, authenticated, service_role;

comment on table private.daraja_tokens is
'The one cached Daraja OAuth token per organization, refreshed under its row lock by the edge functions (postgres). No API role.';

-- Daraja credentials of an organization, for the functions only (never through the API).
create function private.mpesa_credentials(p_organization_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select to_jsonb(m) from private.mpesa_settings m where m.organization_id = p_organization_id
$$;

revoke all on function private.mpesa_credentials(uuid) from public, anon, authenticated;

comment on function private.mpesa_credentials(uuid) is
'An organization''s Daraja credentials, secrets included, for the edge functions.
Callers: postgres only (supabase/functions/_shared/daraja-client.ts); never an API role.
Returns: the private.mpesa_settings row as jsonb (organization_id, environment, shortcode,
account_type, till_number, passkey, consumer_key, consumer_secret, initiator_name,
security_credential, updated_at, updated_by), or null when M-Pesa is not configured.';

-- ---------------------------------------------------------------------------------------------
-- Public RPCs
-- ---------------------------------------------------------------------------------------------

-- Sets the organization's M-Pesa settings (owners only). Null secrets keep the stored ones, so
-- the admin app can change the shortcode without re-typing the passkey; a first save needs all
-- but the initiator (name and security credential, set together, kept when both are null).
-- Returns payment_settings(). Bad values → 22023; not an owner → 42501.
create function public.set_mpesa_settings(
  p_organization_id uuid,
  p_environment text,
  p_shortcode text,
  p_account_type text,
  p_till_number text default null,
  p_passkey text default null,
  p_consumer_key text default null,
  p_consumer_secret text default null,
  p_initiator_name text default null,
  p_security_credential text default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not private.has_role(p_organization_id, 'owner') then
    raise exception 'only owners can change M-Pesa settings'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  begin
    update private.mpesa_settings m
    set environment = coalesce(p_environment, 'sandbox'),
        shortcode = btrim(p_shortcode),
        account_type = coalesce(p_account_type, 'paybill'),
        till_number = nullif(btrim(p_till_number), ''),
        passkey = coalesce(btrim(p_passkey), m.passkey),
        consumer_key = coalesce(btrim(p_consumer_key), m.consumer_key),
        consumer_secret = coalesce(btrim(p_consumer_secret), m.consumer_secret),
        initiator_name = coalesce(nullif(btrim(p_initiator_name), ''), m.initiator_name),
        security_credential = coalesce(nullif(btrim(p_security_credential), ''), m.security_credential),
        updated_at = now(),
        updated_by = auth.uid()
    where m.organization_id = p_organization_id;
    if not found then
      insert into private.mpesa_settings (organization_id, environment, shortcode, account_type,
        till_number, passkey, consumer_key, consumer_secret, initiator_name, security_credential,
        updated_by)
      values (p_organization_id, coalesce(p_environment, 'sandbox'), btrim(p_shortcode),
              coalesce(p_account_type, 'paybill'), nullif(btrim(p_till_number), ''),
              btrim(p_passkey), btrim(p_consumer_key), btrim(p_consumer_secret),
              nullif(btrim(p_initiator_name), ''), nullif(btrim(p_security_credential), ''),
              auth.uid());
    end if;
  exception
    when not_null_violation then
      raise exception 'incomplete M-Pesa settings: %', sqlerrm
        using errcode = '22023', hint = 'mpesa_settings_incomplete';
    when check_violation or invalid_text_representation then
      raise exception 'invalid M-Pesa settings: %', sqlerrm
        using errcode = '22023', hint = 'mpesa_settings_invalid';
  end;
  -- New credentials: the cached token belonged to the old ones.
  delete from private.daraja_tokens t where t.organization_id = p_organization_id;
  -- A new initiator: receipts waiting for Transaction Status are asked again at once.
  if p_initiator_name is not null or p_security_credential is not null then
    update private.unmatched_receipts u
    set verification = 'unverified', verification_requested_at = null
    where u.organization_id = p_organization_id and u.verification in ('unverified', 'requested');
    perform pg_notify('receipt_verification', '');
  end if;
  insert into public.audit_log (organization_id, actor, actor_role, action, table_name, row_id, new)
  values (p_organization_id, auth.uid(), coalesce(auth.role(), session_user), 'update',
          'mpesa_settings', p_organization_id::text,
          jsonb_build_object('environment', p_environment, 'shortcode', p_shortcode,
                             'account_type', p_account_type, 'till_number', p_till_number,
                             'initiator_name', p_initiator_name,
                             'secrets_changed', p_passkey is not null or p_consumer_key is not null
                                                or p_consumer_secret is not null
                                                or p_security_credential is not null));
  return public.payment_settings(p_organization_id);
end;
$$;

revoke execute on function public.set_mpesa_settings(uuid, text, text, text, text, text, text, text, text, text)
  from public, anon, authenticated;

grant execute on function public.set_mpesa_settings(uuid, text, text, text, text, text, text, text, text, text)
  to authenticated;

comment on function public.set_mpesa_settings(uuid, text, text, text, text, text, text, text, text, text) is
'Sets the organization''s M-Pesa (Daraja) settings. Null secrets keep the stored ones (a first save
needs all but the initiator). p_initiator_name and p_security_credential (Transaction Status: the
API operator and its encrypted password, needed to verify unmatched receipts) are set together
and kept when null; setting them asks Daraja again for the receipts still waiting. Clears the
cached Daraja token; audited (table_name mpesa_settings) without secrets.
Callers: authenticated owner.
Returns: payment_settings(p_organization_id).
Errors: 42501 not an owner; 22023 incomplete or invalid settings.';

-- Sets the organization's Africa's Talking SMS settings (owners only); a null API key keeps the
-- stored one. Returns payment_settings(). Bad values → 22023; not an owner → 42501.
create function public.set_sms_settings(
  p_organization_id uuid,
  p_username text,
  p_api_key text default null,
  p_sender_id text default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not private.has_role(p_organization_id, 'owner') then
    raise exception 'only owners can change SMS settings'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  begin
    update private.sms_settings s
    set username = btrim(p_username),
        api_key = coalesce(btrim(p_api_key), s.api_key),
        sender_id = nullif(btrim(p_sender_id), ''),
        updated_at = now(),
        updated_by = auth.uid()
    where s.organization_id = p_organization_id;
    if not found then
      insert into private.sms_settings (organization_id, username, api_key, sender_id, updated_by)
      values (p_organization_id, btrim(p_username), btrim(p_api_key), nullif(btrim(p_sender_id), ''),
              auth.uid());
    end if;
  exception
    when not_null_violation then
      raise exception 'incomplete SMS settings: %', sqlerrm
        using errcode = '22023', hint = 'sms_settings_incomplete';
    when check_violation or invalid_text_representation then
      raise exception 'invalid SMS settings: %', sqlerrm
        using errcode = '22023', hint = 'sms_settings_invalid';
  end;
  insert into public.audit_log (organization_id, actor, actor_role, action, table_name, row_id, new)
  values (p_organization_id, auth.uid(), coalesce(auth.role(), session_user), 'update',
          'sms_settings', p_organization_id::text,
          jsonb_build_object('username', p_username, 'sender_id', p_sender_id,
                             'secrets_changed', p_api_key is not null));
  return public.payment_settings(p_organization_id);
end;
$$;

revoke execute on function public.set_sms_settings(uuid, text, text, text) from public, anon, authenticated;

grant execute on function public.set_sms_settings(uuid, text, text, text) to authenticated;

comment on function public.set_sms_settings(uuid, text, text, text) is
'Sets the organization''s Africa''s Talking SMS settings; a null API key keeps the stored one.
Audited (table_name sms_settings) without the key.
Callers: authenticated owner.
Returns: payment_settings(p_organization_id).
Errors: 42501 not an owner; 22023 incomplete or invalid settings.';

-- What the admin app shows about the payment settings (owners and admins): never a secret,
-- only whether it is configured and its last four characters.
-- {mpesa: null | {environment, shortcode, account_type, till_number, passkey_hint,
--  consumer_key_hint, consumer_secret_hint, initiator_name, security_credential_hint,
--  updated_at}, sms: null | {username, sender_id,
--  api_key_hint, updated_at}}; hints look like '…c919'.
create function public.payment_settings(p_organization_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.has_role_at_least(p_organization_id, 'admin') then
    raise exception 'only owners and admins can see payment settings'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  return jsonb_build_object(
    'mpesa', (
      select jsonb_build_object(
        'environment', m.environment, 'shortcode', m.shortcode, 'account_type', m.account_type,
        'till_number', m.till_number,
        'passkey_hint', '…' || right(m.passkey, 4),
        'consumer_key_hint', '…' || right(m.consumer_key, 4),
        'consumer_secret_hint', '…' || right(m.consumer_secret, 4),
        'initiator_name', m.initiator_name,
        'security_credential_hint', '…' || right(m.security_credential, 4),
        'updated_at', m.updated_at)
      from private.mpesa_settings m where m.organization_id = p_organization_id),
    'sms', (
      select jsonb_build_object(
        'username', s.username, 'sender_id', s.sender_id,
        'api_key_hint', '…' || right(s.api_key, 4), 'updated_at', s.updated_at)
      from private.sms_settings s where s.organization_id = p_organization_id)
  );
end;
$$;

revoke execute on function public.payment_settings(uuid) from public, anon, authenticated;

grant execute on function public.payment_settings(uuid) to authenticated;

comment on function public.payment_settings(uuid) is
'What the admin shows of the payment settings: never a secret, only whether it is set and its
last 4 characters.
Callers: authenticated owner/admin.
Returns: {mpesa: null | {environment, shortcode, account_type, till_number, passkey_hint,
consumer_key_hint, consumer_secret_hint, initiator_name, security_credential_hint, updated_at},
sms: null | {username, sender_id, api_key_hint, updated_at}}; hints look like …c919;
initiator_name and security_credential_hint are null without an initiator (unmatched receipts
then cannot be verified with Transaction Status and stay waiting).
Errors: 42501 agent or outsider.';

-- ---------------------------------------------------------------------------------------------
-- C2B URL generations
-- ---------------------------------------------------------------------------------------------

-- Which generation of an organization's C2B URLs is current: pay-c2b signs (organization,
-- generation), so rotating makes new URLs and retires the old ones. The previous generation
-- (the one Daraja still has) keeps working until the new one is registered with Daraja, then for
-- a grace of 72 hours (private.c2b_url_registered); older generations never. No row: generation
-- 1, never rotated.
create table private.c2b_url_generations (
  organization_id uuid primary key references public.organizations (id) on delete cascade,
  generation integer not null default 1 check (generation >= 1),
  -- When the current generation was registered with Daraja; null: not yet.
  registered_at timestamptz,
  previous_generation integer check (previous_generation >= 1 and previous_generation < generation),
  -- Null while the current generation is not registered (the previous one is what Daraja has).
  previous_expires_at timestamptz,
  rotated_at timestamptz,
  rotated_by uuid,
  check (previous_expires_at is null or previous_generation is not null)
);

alter table private.c2b_url_generations enable row level security;

revoke all on table private.c2b_url_generations from public, anon, authenticated, service_role;

comment on table private.c2b_url_generations is
'Per organization: the current generation of its C2B URLs (pay-c2b signs organization and generation), the previous one and when it stops working. No API role; rotated by c2b_rotate(), registered by c2b_url_registered().';

-- The state of an organization's C2B URLs: which generations pay-c2b accepts now.
create function private.c2b_urls(p_organization_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'generation', coalesce(g.generation, 1),
    'registered_at', g.registered_at,
    'rotated_at', g.rotated_at,
    'previous_generation', case when g.previous_expires_at is null or g.previous_expires_at > now()
                                then g.previous_generation end,
    'previous_expires_at', case when g.previous_expires_at > now() then g.previous_expires_at end)
  from (select 1) one
  left join private.c2b_url_generations g on g.organization_id = p_organization_id
$$;

revoke all on function private.c2b_urls(uuid) from public, anon, authenticated;

comment on function private.c2b_urls(uuid) is
'The generations of an organization''s C2B URLs that work now.
Callers: postgres only (edge function pay-c2b: every notification, and the admin''s view); no API role.
Returns: {generation (1 when never rotated), registered_at, rotated_at, previous_generation (null
once expired, or when there is none), previous_expires_at (null while the current generation is
not registered: the previous one then works until it is)}.';

-- Rotates an organization's C2B URLs (owners only, audited): a new generation, unregistered.
-- The generation Daraja has (the current one, or the previous one while a rotation is still
-- unregistered) stays accepted until the new one is registered plus the grace; any other dies now.
create function private.c2b_rotate(p_organization_id uuid, p_actor uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_row private.c2b_url_generations;
begin
  if not exists (select 1 from public.memberships m where m.organization_id = p_organization_id
                 and m.user_id = p_actor and m.role = 'owner') then
    raise exception 'only owners can rotate C2B URLs' using errcode = '42501', hint = 'not_allowed';
  end if;
  insert into private.c2b_url_generations (organization_id) values (p_organization_id)
  on conflict (organization_id) do nothing;
  select * into v_row from private.c2b_url_generations g
  where g.organization_id = p_organization_id for update;
  update private.c2b_url_generations g
  set generation = v_row.generation + 1,
      -- A rotation still unregistered: Daraja has the previous generation, which stays.
      previous_generation = case when v_row.registered_at is null and v_row.previous_generation is not null
                                 then v_row.previous_generation else v_row.generation end,
      previous_expires_at = null,
      registered_at = null,
      rotated_at = now(),
      rotated_by = p_actor
  where g.organization_id = p_organization_id
  returning * into v_row;
  insert into public.audit_log (organization_id, actor, actor_role, action, table_name, row_id, new)
  values (p_organization_id, p_actor, 'authenticated', 'update', 'c2b_urls', p_organization_id::text,
          jsonb_build_object('rotated', true, 'generation', v_row.generation,
                             'previous_generation', v_row.previous_generation));
  return private.c2b_urls(p_organization_id);
end;
$$;

revoke all on function private.c2b_rotate(uuid, uuid) from public, anon, authenticated;

comment on function private.c2b_rotate(uuid, uuid) is
'Rotates the organization''s C2B URLs: generation + 1, not yet registered. The generation Daraja
has stays accepted until the new one is registered (then 72 hours); older ones are refused at
once. Audited (table_name c2b_urls, rotated true) without the URLs.
Callers: postgres only (edge function pay-c2b /rotate, for the signed-in p_actor); no API role.
Returns: c2b_urls(p_organization_id).
Errors: 42501 p_actor is not an owner.';

-- Records that Daraja accepted the URLs of p_generation: when it is the current, unregistered
-- generation, the previous one's grace starts. The grace is this constant, 72 hours: time for
-- confirmations already on their way to the old URLs (and a weekend) before they are refused.
create function private.c2b_url_registered(p_organization_id uuid, p_generation integer)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.c2b_url_generations (organization_id) values (p_organization_id)
  on conflict (organization_id) do nothing;
  update private.c2b_url_generations g
  set registered_at = now(),
      previous_expires_at = case when g.previous_generation is null then null
                                 else now() + interval '72 hours' end
  where g.organization_id = p_organization_id
    and g.generation = p_generation
    and g.registered_at is null;
  return private.c2b_urls(p_organization_id);
end;
$$;

revoke all on function private.c2b_url_registered(uuid, integer) from public, anon, authenticated;

comment on function private.c2b_url_registered(uuid, integer) is
'Records that Daraja accepted the C2B URLs of p_generation. When it is the current, unregistered
generation: registered now, and the previous generation expires in 72 hours (the grace for
confirmations already on their way); otherwise nothing changes (a later rotation won).
Callers: postgres only (edge function pay-c2b /register and /rotate); no API role.
Returns: c2b_urls(p_organization_id).';
