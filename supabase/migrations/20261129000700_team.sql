-- Team screen: who belongs to an organization, with their email addresses. Emails live in
-- auth.users, which no API role may read, so owners and admins get them through this one narrow
-- RPC (memberships' own policies still decide every change: invite = insert through the
-- team-invite edge function, change role = update, remove = delete, keep_last_owner protects the
-- last owner). Agents have no team screen: 42501, like outsiders.

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
  if p_organization_id is null or not private.has_role(p_organization_id, 'owner', 'admin') then
    raise exception 'only owners and admins of the organization can see its team'
      using errcode = '42501';
  end if;
  return query
    select m.id, m.user_id, u.email::text, m.role, m.created_at,
           u.email_confirmed_at is null, u.last_sign_in_at
    from public.memberships m
    join auth.users u on u.id = m.user_id
    where m.organization_id = p_organization_id
    order by case m.role when 'owner' then 0 when 'admin' then 1 else 2 end, u.email, m.id;
end;
$$;
revoke execute on function public.team_members(uuid) from public, anon, authenticated;
grant execute on function public.team_members(uuid) to authenticated;
