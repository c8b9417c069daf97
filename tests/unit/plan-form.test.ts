import { describe, expect, it } from 'vitest';
import {
  planFormErrors,
  planFormSchema,
  planFormValues,
  type PlanFormValues,
} from '../../supabase/functions/_shared/domain/plan-form.ts';

const oneDay: PlanFormValues = {
  name: ' 1 day ',
  price: 'KES 50',
  validity: '1',
  validity_unit: 'days',
  time_quota: '',
  time_quota_unit: 'hours',
  data_quota: '1.5',
  data_quota_unit: 'GB',
  download_mbps: '2.5',
  upload_mbps: '',
  devices: '2',
  active: 'on',
};

describe('plan form', () => {
  it('turns what an operator types into stored units', () => {
    expect(planFormSchema.parse(oneDay)).toEqual({
      name: '1 day',
      price_kes: 50,
      validity_seconds: 86_400,
      time_quota_seconds: null,
      data_quota_bytes: 1_500_000_000,
      download_kbps: 2500,
      upload_kbps: null,
      devices_allowed: 2,
      active: true,
    });
  });

  it('reads an unchecked box as inactive and quotas in other units', () => {
    const plan = planFormSchema.parse({
      ...oneDay,
      active: '',
      time_quota: '90',
      time_quota_unit: 'minutes',
      data_quota: '500',
      data_quota_unit: 'MB',
    });
    expect(plan).toMatchObject({
      active: false,
      time_quota_seconds: 5400,
      data_quota_bytes: 500_000_000,
    });
  });

  it('names the field and the problem for bad input', () => {
    const result = planFormSchema.safeParse({
      ...oneDay,
      name: '  ',
      price: '12.50',
      validity: '-1',
      download_mbps: 'fast',
      devices: '0',
    });
    expect(result.success).toBe(false);
    const errors = planFormErrors(result.error!);
    expect(Object.keys(errors).sort()).toEqual([
      'devices',
      'download_mbps',
      'name',
      'price',
      'validity',
    ]);
    expect(errors.price).toMatch(/cents/i);
    expect(errors.validity).toMatch(/number/);
  });

  it('refuses units it does not know and prices M-Pesa cannot take', () => {
    expect(planFormSchema.safeParse({ ...oneDay, validity_unit: 'weeks' }).success).toBe(false);
    expect(planFormSchema.safeParse({ ...oneDay, price: '0' }).success).toBe(false);
    expect(planFormSchema.safeParse({ ...oneDay, price: '250001' }).success).toBe(false);
  });

  it('shows a stored plan in the largest exact units, and round-trips', () => {
    const stored = planFormSchema.parse(oneDay);
    const values = planFormValues(stored);
    expect(values).toMatchObject({
      validity: '1',
      validity_unit: 'days',
      data_quota: '1.5',
      data_quota_unit: 'GB',
    });
    expect(values.time_quota).toBe('');
    expect(planFormSchema.parse(values)).toEqual(stored);
    expect(planFormValues({ ...stored, validity_seconds: 5400 })).toMatchObject({
      validity: '1.5',
      validity_unit: 'hours',
    });
    expect(planFormValues({ ...stored, validity_seconds: 100 })).toMatchObject({
      validity: '1.667',
      validity_unit: 'minutes',
    });
  });
});
