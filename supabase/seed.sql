-- Demo data for local development (runs as postgres after the migrations; safe to re-run).
-- Demo admin: owner@demo.test / demo-owner-pass. Portal: /s/demo.
-- Fixed ids (RFC 4122 version-4 shaped, so strict uuid validators accept them):
--   owner user   d0000000-0000-4000-8000-000000000001
--   organization d0000000-0000-4000-8000-000000000010
--   site         d0000000-0000-4000-8000-000000000020
--   router       d0000000-0000-4000-8000-000000000030
--   plans        d0000000-0000-4000-8000-00000000004{1,2,3,4}

-- The demo owner account (bcrypt hash, as Supabase Auth stores it).
insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  confirmation_token, recovery_token, raw_app_meta_data, raw_user_meta_data,
  is_super_admin, created_at, updated_at
)
values (
  '00000000-0000-0000-0000-000000000000',
  'd0000000-0000-4000-8000-000000000001',
  'authenticated',
  'authenticated',
  'owner@demo.test',
  extensions.crypt('demo-owner-pass', extensions.gen_salt('bf')),
  now(),
  '',
  '',
  '{"provider":"email","providers":["email"]}',
  '{"full_name":"Demo Owner"}',
  false,
  now(),
  now()
)
on conflict (id) do nothing;

-- The demo organization and its owner.
insert into public.organizations (id, name)
values ('d0000000-0000-4000-8000-000000000010', 'Demo Hotspot')
on conflict (id) do nothing;

insert into public.memberships (organization_id, user_id, role)
values ('d0000000-0000-4000-8000-000000000010', 'd0000000-0000-4000-8000-000000000001', 'owner')
on conflict (organization_id, user_id) do nothing;

-- One site, served at /s/demo and at /s/<its id> (stack/demo.ts siteId).
insert into public.sites (id, organization_id, slug, name, support_phone, primary_color, default_language)
values (
  'd0000000-0000-4000-8000-000000000020',
  'd0000000-0000-4000-8000-000000000010',
  'demo',
  'Demo Cafe Hotspot',
  '+254700000000',
  '#0f766e',
  'en'
)
on conflict (id) do nothing;

-- The demo site's logo (an 80×80 PNG, 435 bytes), served by the portal at /s/demo/logo.
insert into private.site_logos (site_id, content_type, bytes)
values ('d0000000-0000-4000-8000-000000000020', 'image/png', decode(
  'iVBORw0KGgoAAAANSUhEUgAAAFAAAABQCAYAAACOEfKtAAABeklEQVR42u3cQQ6DMAxEUW7Qm3bZ67c9AiSOZyb5lt'
  || 'hVKDxBExPj6yII4h+vz/v75ABrwQEamHq4bSDVcLGQIxc3GttBdqBVYMbCdUUUpBPcCKQ1nktYIibAPYHcBm/1XS1H'
  || 'rL642fVdFGLVhaxaLFsjVgy8K+uwQ5wd8IpHseKcbbPzzGA7ZuvqcZUCzjw63cuc2XGVI878/7ilcpIXEKoZsvvlwh'
  || 'LAZDwLRCWe00J9CNBtTeay9pS9jlelcpJtga7sIO38txE7UqxV2UNHymi7m6acYcsAE+AcIG0AHdd7AJ4EyCO8EHHk'
  || 'N1JAde3K000lu1obt2Ig9wNAAAEEEEAAAQQQQAABBJB8OB8PQAABBPB0QBCD94UBDC3ViKqP6SgMt/jmGECzGkHnmj'
  || '/7CtVjAZ1LPWL6LQAo+lZkp0kkroWJE2B0D5jYiYMUT/TNMHggevRNAO9QRDq0pXZ2A+9gRJou7tiMETxagAJJN1/g'
  || 'NJjXyQEWQYzED4WgFKkEaGB0AAAAAElFTkSuQmCC',
  'base64'))
on conflict (site_id) do nothing;

-- The router the local hotspot simulator plays (RADIUS requests from 127.0.0.1).
insert into public.routers (id, organization_id, site_id, name, nas_ip, vendor)
values (
  'd0000000-0000-4000-8000-000000000030',
  'd0000000-0000-4000-8000-000000000010',
  'd0000000-0000-4000-8000-000000000020',
  'Demo MikroTik',
  '127.0.0.1',
  'mikrotik'
)
on conflict (id) do nothing;

insert into private.router_secrets (router_id, secret)
values ('d0000000-0000-4000-8000-000000000030', 'demo-radius-secret')
on conflict (router_id) do nothing;

-- Four plans, all sold at the demo site.
insert into public.plans (
  id, organization_id, name, price_kes, validity_seconds, time_quota_seconds, data_quota_bytes,
  download_kbps, upload_kbps, devices_allowed, active
)
values
  ('d0000000-0000-4000-8000-000000000041', 'd0000000-0000-4000-8000-000000000010',
   '1 Hour', 10, 3600, null, null, 2048, 1024, 1, true),
  ('d0000000-0000-4000-8000-000000000042', 'd0000000-0000-4000-8000-000000000010',
   '1 Day', 50, 86400, null, null, 3072, 1024, 1, true),
  ('d0000000-0000-4000-8000-000000000043', 'd0000000-0000-4000-8000-000000000010',
   '1 Week', 250, 604800, null, null, 4096, 2048, 2, true),
  ('d0000000-0000-4000-8000-000000000044', 'd0000000-0000-4000-8000-000000000010',
   '1 GB', 30, 604800, null, 1073741824, 5120, 2048, 1, true)
on conflict (id) do nothing;

insert into public.plan_sites (plan_id, site_id, organization_id)
select p.id, 'd0000000-0000-4000-8000-000000000020', p.organization_id
from public.plans p
where p.id in ('d0000000-0000-4000-8000-000000000041', 'd0000000-0000-4000-8000-000000000042',
               'd0000000-0000-4000-8000-000000000043', 'd0000000-0000-4000-8000-000000000044')
on conflict (plan_id, site_id) do nothing;
