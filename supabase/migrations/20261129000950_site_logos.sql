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

-- A logo at some other address would be a third-party request from the portal: gone.
alter table public.sites drop column logo_url;

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
  where s.id = p_site_id and private.has_role(s.organization_id, 'owner', 'admin');
  if v_site.id is null then
    raise exception 'only owners and admins of the site''s organization can change its logo'
      using errcode = '42501';
  end if;
  if p_image_base64 is null or btrim(p_image_base64) = '' then
    delete from private.site_logos l where l.site_id = v_site.id;
    perform private.audit_support(v_site.organization_id, 'site_logo', v_site.id::text,
                                  jsonb_build_object('removed', true));
    return jsonb_build_object('content_type', null, 'size', 0, 'logo_url', null);
  end if;
  if length(p_image_base64) > 12000 then
    raise exception 'the logo is larger than 8 KB' using errcode = '22001';
  end if;
  begin
    v_bytes := decode(regexp_replace(p_image_base64, '\s', '', 'g'), 'base64');
  exception when others then
    raise exception 'the logo is not base64' using errcode = '22023';
  end;
  if octet_length(v_bytes) > 8192 then
    raise exception 'the logo is larger than 8 KB' using errcode = '22001';
  end if;
  v_type := private.image_type(v_bytes);
  if v_type is null then
    raise exception 'the logo must be a PNG, JPEG, WebP or GIF image' using errcode = '22023';
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

-- A site's logo for the portal's /s/<slug>/logo: {content_type, base64} or null.
create function public.portal_logo(p_slug text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  -- encode() breaks base64 into 76-character lines; JSON wants one string.
  select jsonb_build_object('content_type', l.content_type,
                            'base64', translate(encode(l.bytes, 'base64'), E'\n', ''))
  from public.sites s join private.site_logos l on l.site_id = s.id
  where s.slug = lower(btrim(p_slug))
$$;
revoke execute on function public.portal_logo(text) from public, anon, authenticated;
grant execute on function public.portal_logo(text) to anon, authenticated, service_role;
