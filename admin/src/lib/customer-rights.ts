// A customer's rights (Kenya's Data Protection Act 2019), for owners on the customer's page:
// "Export data" saves everything the organization holds about the phone number as a JSON file
// (customer_data_export, audited); "Erase personal data" removes the phone and the devices' MACs
// and keeps the money records (erase_customer, audited). The database decides who may: owners.
import { errorWords } from './errors.ts';
import { rpc, type RpcReply } from './rpc.ts';
import type { SupabaseClient } from './supabase.ts';

/** Whether a phone was already erased: the marker erase_customer leaves instead of it. */
export function isErased(phone: string): boolean {
  return phone.startsWith('erased:');
}

/** The file's name: the phone's digits and the day, e.g. customer-254712345678-2026-12-06.json. */
export function customerExportFileName(phone: string, exportedAt: string): string {
  return `customer-${phone.replace(/\D/g, '')}-${exportedAt.slice(0, 10)}.json`;
}

/** Fetches the customer's data and saves it; returns what went wrong in words, or null. */
export async function downloadCustomerData(
  supabase: SupabaseClient,
  organizationId: string,
  phone: string,
): Promise<string | null> {
  const { data, error } = await rpc(supabase, 'customer_data_export', {
    p_organization_id: organizationId,
    p_phone: phone,
  });
  if (error) return errorWords(error, 'export the customer’s data');
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = customerExportFileName(data.phone, data.exported_at);
  link.click();
  // After the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return null;
}

/** Erases the phone's personal data: what changed, or what went wrong in words. */
export async function eraseCustomer(
  supabase: SupabaseClient,
  organizationId: string,
  phone: string,
): Promise<{ ok: true; erased: RpcReply<'erase_customer'> } | { ok: false; problem: string }> {
  const { data, error } = await rpc(supabase, 'erase_customer', {
    p_organization_id: organizationId,
    p_phone: phone,
  });
  if (error) return { ok: false, problem: errorWords(error, 'erase the customer’s data') };
  return { ok: true, erased: data };
}
