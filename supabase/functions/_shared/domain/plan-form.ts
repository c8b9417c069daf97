/**
 * A plan as an operator types it (hours, days, GB, Mbps) and as the database stores it (seconds,
 * bytes, kbps). Pure TypeScript shared by the admin app and the edge functions: only `zod`.
 */
import * as z from 'zod';
import { kesAmountText } from './money.ts';

export const DURATION_UNITS = { minutes: 60, hours: 3600, days: 86_400 } as const;
export type DurationUnit = keyof typeof DURATION_UNITS;

/** Data in the decimal units phone plans use (1 GB = 1,000,000,000 bytes). */
export const DATA_UNITS = { MB: 1_000_000, GB: 1_000_000_000 } as const;
export type DataUnit = keyof typeof DATA_UNITS;

export const MAX_DEVICES = 50;

/** The `plans` columns an operator sets. Null means "no limit". */
export type PlanColumns = {
  name: string;
  price_kes: number;
  validity_seconds: number;
  time_quota_seconds: number | null;
  data_quota_bytes: number | null;
  download_kbps: number | null;
  upload_kbps: number | null;
  devices_allowed: number;
  active: boolean;
};

const blank = (value: unknown) => value === undefined || value === null || value === '';

/** A positive number typed in a field ("1.5"); empty is "no limit" where `optional`. */
function amount(label: string) {
  return z
    .string({ error: `Enter the ${label}.` })
    .trim()
    .regex(/^\d+(\.\d+)?$/, { error: `Enter the ${label} as a number, for example 2 or 1.5.` })
    .transform(Number)
    .refine((n) => n > 0, { error: `The ${label} must be more than 0.` });
}

function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (blank(value) ? null : value), schema.nullable());
}

/** The plan form's fields, as strings from FormData. */
export const planFormSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, { error: 'Give the plan a name customers recognise, e.g. "1 day".' })
      .max(60, { error: 'Keep the name to 60 characters.' }),
    price: kesAmountText,
    validity: amount('validity'),
    validity_unit: z.enum(Object.keys(DURATION_UNITS) as [DurationUnit, ...DurationUnit[]]),
    time_quota: optional(amount('time limit')),
    time_quota_unit: z.enum(Object.keys(DURATION_UNITS) as [DurationUnit, ...DurationUnit[]]),
    data_quota: optional(amount('data limit')),
    data_quota_unit: z.enum(Object.keys(DATA_UNITS) as [DataUnit, ...DataUnit[]]),
    download_mbps: optional(amount('download speed')),
    upload_mbps: optional(amount('upload speed')),
    devices: z.coerce
      .number({ error: 'Enter how many devices may use one voucher.' })
      .int({ error: 'Devices is a whole number.' })
      .min(1, { error: 'At least one device.' })
      .max(MAX_DEVICES, { error: `At most ${MAX_DEVICES} devices.` }),
    active: z.preprocess(
      (value) => value === 'on' || value === 'true' || value === true,
      z.boolean(),
    ),
  })
  .transform((form): PlanColumns => ({
    name: form.name,
    price_kes: form.price,
    validity_seconds: Math.round(form.validity * DURATION_UNITS[form.validity_unit]),
    time_quota_seconds:
      form.time_quota === null
        ? null
        : Math.round(form.time_quota * DURATION_UNITS[form.time_quota_unit]),
    data_quota_bytes:
      form.data_quota === null
        ? null
        : Math.round(form.data_quota * DATA_UNITS[form.data_quota_unit]),
    download_kbps: form.download_mbps === null ? null : Math.round(form.download_mbps * 1000),
    upload_kbps: form.upload_mbps === null ? null : Math.round(form.upload_mbps * 1000),
    devices_allowed: form.devices,
    active: form.active,
  }));

export type PlanFormValues = Record<keyof z.input<typeof planFormSchema>, string>;

/** The largest unit that expresses `value` with at most three decimals (5400 s → "1.5" hours). */
function inUnits<U extends string>(value: number, units: Record<U, number>): [string, U] {
  const sorted = (Object.entries(units) as [U, number][]).sort((a, b) => b[1] - a[1]);
  const exact =
    sorted.find(([, size]) => value >= size && Number.isInteger((value * 1000) / size)) ??
    sorted[sorted.length - 1]!;
  return [String(Math.round((value / exact[1]) * 1000) / 1000), exact[0]];
}

/** A stored plan as the form shows it for editing. */
export function planFormValues(plan: PlanColumns): PlanFormValues {
  const [validity, validityUnit] = inUnits(plan.validity_seconds, DURATION_UNITS);
  const [time, timeUnit] =
    plan.time_quota_seconds === null
      ? ['', 'hours' as const]
      : inUnits(plan.time_quota_seconds, DURATION_UNITS);
  const [data, dataUnit] =
    plan.data_quota_bytes === null
      ? ['', 'GB' as const]
      : inUnits(plan.data_quota_bytes, DATA_UNITS);
  const mbps = (kbps: number | null) => (kbps === null ? '' : String(kbps / 1000));
  return {
    name: plan.name,
    price: String(plan.price_kes),
    validity,
    validity_unit: validityUnit,
    time_quota: time,
    time_quota_unit: timeUnit,
    data_quota: data,
    data_quota_unit: dataUnit,
    download_mbps: mbps(plan.download_kbps),
    upload_mbps: mbps(plan.upload_kbps),
    devices: String(plan.devices_allowed),
    active: plan.active ? 'on' : '',
  };
}

/** The first problem per field, for showing next to each input. */
export function planFormErrors(error: z.ZodError): Partial<Record<keyof PlanFormValues, string>> {
  const errors: Partial<Record<keyof PlanFormValues, string>> = {};
  for (const issue of error.issues) {
    const field = issue.path[0] as keyof PlanFormValues | undefined;
    if (field && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}
