-- Batches of up to 10,000 vouchers (a print run for a busy hotspot), issued in one statement.

alter table public.voucher_batches drop constraint voucher_batches_count_check;
alter table public.voucher_batches add constraint voucher_batches_count_check
  check (count between 1 and 10000);

-- Issues a batch's vouchers. Codes are random, so in a large deployment a new code can
-- (rarely) equal an existing one: such rows are skipped and drawn again, instead of failing
-- the whole batch.
create or replace function private.voucher_batch_issue()
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
    insert into public.vouchers (organization_id, plan_id, batch_id, code, created_by)
    select new.organization_id, new.plan_id, new.id, new.prefix || private.new_voucher_code(),
           new.created_by
    from generate_series(1, v_missing)
    on conflict (code) do nothing;
    get diagnostics v_inserted = row_count;
    v_missing := v_missing - v_inserted;
    exit when v_missing = 0;
  end loop;
  if v_missing > 0 then
    raise exception 'could not draw % unused voucher codes', v_missing using errcode = '23505';
  end if;
  return null;
end;
$$;
revoke all on function private.voucher_batch_issue() from public, anon, authenticated;
