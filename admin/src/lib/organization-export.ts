// The owner's "Download export" (settings page): export_organization's document, every row of the
// organization, saved as a JSON file by the browser itself (nothing is uploaded anywhere).
import { errorWords } from './errors.ts';
import { rpc } from './rpc.ts';
import type { SupabaseClient } from './supabase.ts';

/** The file's name: the organization and the day, e.g. wifi-billing-demo-hotspot-2026-12-05.json. */
export function exportFileName(organizationName: string, exportedAt: string): string {
  const slug = organizationName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `wifi-billing-${slug || 'organization'}-${exportedAt.slice(0, 10)}.json`;
}

/** Fetches the export and saves it; returns what went wrong in words, or null. */
export async function downloadExport(
  supabase: SupabaseClient,
  organizationId: string,
  organizationName: string,
): Promise<string | null> {
  const { data, error } = await rpc(supabase, 'export_organization', {
    p_organization_id: organizationId,
  });
  if (error) return errorWords(error, 'export the organization');
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = exportFileName(organizationName, data.exported_at);
  link.click();
  // After the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return null;
}
