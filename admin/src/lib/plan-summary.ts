import type { PlanColumns } from '$domain/plan-form.ts';
import { formatKes } from '$domain/money.ts';

function duration(seconds: number): string {
  for (const [size, unit] of [
    [86_400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ] as const) {
    if (seconds >= size) {
      const n = Math.round((seconds / size) * 10) / 10;
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}

function data(bytes: number): string {
  return bytes >= 1e9
    ? `${Math.round(bytes / 1e7) / 100} GB`
    : `${Math.round(bytes / 1e4) / 100} MB`;
}

/** "KES 50 · valid 1 day · 1.5 GB · 2.5 Mbps down · 2 devices": a plan on one line. */
export function planSummary(plan: PlanColumns): string {
  const parts = [formatKes(plan.price_kes), `valid ${duration(plan.validity_seconds)}`];
  if (plan.time_quota_seconds !== null) parts.push(`${duration(plan.time_quota_seconds)} online`);
  if (plan.data_quota_bytes !== null) parts.push(data(plan.data_quota_bytes));
  if (plan.download_kbps !== null) parts.push(`${plan.download_kbps / 1000} Mbps down`);
  if (plan.upload_kbps !== null) parts.push(`${plan.upload_kbps / 1000} Mbps up`);
  parts.push(`${plan.devices_allowed} device${plan.devices_allowed === 1 ? '' : 's'}`);
  return parts.join(' · ');
}
