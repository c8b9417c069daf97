-- Cash-up: who sold vouchers for cash on a day, how many and for how much. sell_voucher() records
-- every cash sale on the voucher (sold_by, sold_at, sold_price_kes); vouchers M-Pesa issued have
-- sold_at but no sold_by and are payments, not cash. Owners and admins count the cash of every
-- seller; an agent sees only their own sales. (The audit log screen needs nothing new: owners
-- already read their organization's audit_log rows under its select policy.)

-- A day's cash sales of an organization by seller, found without reading its other vouchers.
create index vouchers_cash_sales_idx on public.vouchers (organization_id, sold_at)
  where sold_by is not null;

-- Cash sales per seller on one Africa/Nairobi calendar day (p_day null = today there): one row
-- per person who sold at least one voucher that day, with their email (auth.users, which no API
-- role may read) and current role (null once they left), the number of vouchers, the total KES
-- and the first and last sale, most KES first. Owners and admins get every seller; an agent only
-- their own row (none on a day they sold nothing). Anyone else or no user → 42501.
create function public.cash_up(p_organization_id uuid, p_day date default null)
returns table (
  seller_id uuid,
  email text,
  role text,
  vouchers integer,
  total_kes bigint,
  first_sold_at timestamptz,
  last_sold_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_user uuid := auth.uid();
  v_all boolean := private.has_role(p_organization_id, 'owner', 'admin');
  v_day date := coalesce(p_day, (now() at time zone 'Africa/Nairobi')::date);
  v_from timestamptz := v_day::timestamp at time zone 'Africa/Nairobi';
  v_to timestamptz := (v_day + 1)::timestamp at time zone 'Africa/Nairobi';
begin
  if p_organization_id is null or v_user is null
     or not (v_all or private.has_role(p_organization_id, 'agent')) then
    raise exception 'only members of the organization can see its cash-up'
      using errcode = '42501';
  end if;
  return query
    select s.sold_by, u.email::text, m.role, s.n, s.kes, s.first_at, s.last_at
    from (
      select v.sold_by, count(*)::integer as n, coalesce(sum(v.sold_price_kes), 0)::bigint as kes,
             min(v.sold_at) as first_at, max(v.sold_at) as last_at
      from public.vouchers v
      where v.organization_id = p_organization_id
        and v.sold_by is not null
        and v.sold_at >= v_from and v.sold_at < v_to
        and (v_all or v.sold_by = v_user)
      group by v.sold_by
    ) s
    left join auth.users u on u.id = s.sold_by
    left join public.memberships m
      on m.organization_id = p_organization_id and m.user_id = s.sold_by
    order by s.kes desc, s.n desc, u.email, s.sold_by;
end;
$$;
revoke execute on function public.cash_up(uuid, date) from public, anon, authenticated;
grant execute on function public.cash_up(uuid, date) to authenticated;
