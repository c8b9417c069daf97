-- Voucher search at scale: codes containing what the operator typed, through a trigram index.
-- Under row-level security PostgreSQL keeps `like` (not leakproof) out of index conditions, so
-- the admin's plain query walked every voucher of the organization (4.2 s at 1,000,000,
-- npm run bench:admin); a security-definer function that applies the same visibility rule
-- itself lets the index serve.

create extension if not exists pg_trgm with schema extensions;

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
  if private.has_role(p_organization_id, 'owner', 'admin') then
    v_agent := false;
  elsif private.has_role(p_organization_id, 'agent') then
    v_agent := true;
  else
    raise exception 'only members of the organization can search its vouchers'
      using errcode = '42501';
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
