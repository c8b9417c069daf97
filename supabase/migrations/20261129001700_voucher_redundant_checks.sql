-- RADIUS accounting updates a voucher's usage counters on every Interim-Update, and PostgreSQL
-- evaluates every CHECK constraint of the row on every UPDATE, whichever columns changed. Seven
-- of them guard the frozen plan limits, which private.voucher_freeze_plan copies from the plan
-- on insert (plans carries the same checks) and private.voucher_keep_frozen never lets change:
-- they can never fail, and cost about 0.16 M instructions per Interim-Update (callgrind,
-- radius/README.md, Performance). The code's own check stays: a caller may send a code.
alter table public.vouchers
  drop constraint vouchers_price_kes_check,
  drop constraint vouchers_validity_seconds_check,
  drop constraint vouchers_time_quota_seconds_check,
  drop constraint vouchers_data_quota_bytes_check,
  drop constraint vouchers_download_kbps_check,
  drop constraint vouchers_upload_kbps_check,
  drop constraint vouchers_devices_allowed_check;
