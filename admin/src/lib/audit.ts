import type { SupabaseClient } from './supabase.ts';
import { z } from 'zod';
import { checked, currentMembership, type Membership } from './membership.ts';

/** What the triggers record (audit_log.action). */
export const ACTIONS = ['insert', 'update', 'delete'] as const;
export const ACTION_LABELS: Record<(typeof ACTIONS)[number], string> = {
  insert: 'Added',
  update: 'Changed',
  delete: 'Removed',
};

/** What the audit log records changes of (audit_log.table_name); `support:` = support actions. */
export const TABLES = [
  'organizations',
  'memberships',
  'invitations',
  'sites',
  'routers',
  'router_setup',
  'plans',
  'plan_sites',
  'voucher_batches',
  'vouchers',
  'support:',
] as const;
export const TABLE_LABELS: Record<(typeof TABLES)[number], string> = {
  organizations: 'Organization',
  memberships: 'Team',
  invitations: 'Invitations',
  sites: 'Sites',
  routers: 'Routers',
  router_setup: 'Router files',
  plans: 'Plans',
  plan_sites: 'Plans at sites',
  voucher_batches: 'Voucher batches',
  vouchers: 'Vouchers',
  'support:': 'Payment support',
};

const entrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string().nullable(),
  actor_role: z.string().nullable(),
  action: z.enum(ACTIONS),
  table_name: z.string(),
  row_id: z.string().nullable(),
  old: z.record(z.string(), z.unknown()).nullable(),
  new: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof entrySchema>;

export type AuditFilter = {
  action: string;
  table: string;
  from: string;
  to: string;
  /** Keyset cursor `<at>|<id>` of the last entry shown: older entries than that. */
  before: string;
};

export type AuditPage = {
  membership: Membership;
  /** null for admins and agents: only owners read the audit log (RLS agrees). */
  entries: AuditEntry[] | null;
  /** Emails of the current members by user id (team_members). */
  emails: Record<string, string>;
  /** Cursor for the next (older) page, or null at the end. */
  next: string | null;
};

/** Entries per page. */
export const PAGE_SIZE = 50;

/** Nairobi calendar days, as the operator means them (Kenya keeps UTC+3 all year). */
const dayStart = (day: string) => `${day}T00:00:00+03:00`;
const isDay = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);
const nextDay = (day: string) => new Date(Date.parse(dayStart(day)) + 86_400_000).toISOString();

/** `<at>|<id>` → its parts, or null for anything else (the URL is user input). */
export function parseCursor(cursor: string): { at: string; id: number } | null {
  const match = /^(\d{4}-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)\|(\d{1,18})$/.exec(cursor);
  if (!match || Number.isNaN(Date.parse(match[1]!))) return null;
  return { at: match[1]!, id: Number(match[2]) };
}

export async function loadAuditPage(
  supabase: SupabaseClient,
  userId: string,
  filter: AuditFilter,
): Promise<AuditPage | null> {
  const membership = await currentMembership(supabase, userId);
  if (!membership) return null;
  if (membership.role !== 'owner') return { membership, entries: null, emails: {}, next: null };
  const organizationId = membership.organization.id;
  // Newest first, keyset-paged by (at, id): the index (organization_id, at desc) serves it.
  let query = supabase
    .from('audit_log')
    .select('id, at, actor, actor_role, action, table_name, row_id, old, new')
    .eq('organization_id', organizationId)
    .order('at', { ascending: false })
    .order('id', { ascending: false })
    .limit(PAGE_SIZE + 1);
  if ((ACTIONS as readonly string[]).includes(filter.action))
    query = query.eq('action', filter.action);
  if (filter.table === 'support:') query = query.like('table_name', 'support:%');
  else if ((TABLES as readonly string[]).includes(filter.table))
    query = query.eq('table_name', filter.table);
  if (isDay(filter.from)) query = query.gte('at', dayStart(filter.from));
  if (isDay(filter.to)) query = query.lt('at', nextDay(filter.to));
  const cursor = parseCursor(filter.before);
  // Quoted: a timestamp holds the filter syntax's reserved characters (. and :).
  if (cursor) query = query.or(`at.lt."${cursor.at}",and(at.eq."${cursor.at}",id.lt.${cursor.id})`);
  const [rows, team] = await Promise.all([
    query,
    supabase.rpc('team_members', { p_organization_id: organizationId }),
  ]);
  const entries = checked(rows, z.array(entrySchema), 'the audit log');
  const members = checked(
    team,
    z.array(z.object({ user_id: z.string(), email: z.string() })),
    'the team',
  );
  const more = entries.length > PAGE_SIZE;
  if (more) entries.length = PAGE_SIZE;
  const last = entries.at(-1);
  return {
    membership,
    entries,
    emails: Object.fromEntries(members.map((m) => [m.user_id, m.email])),
    next: more && last ? `${last.at}|${last.id}` : null,
  };
}

/** Columns every row has that say nothing about the change. */
const NOISE = new Set(['id', 'organization_id', 'created_at', 'updated_at']);
const MAX_VALUE = 60;
const MAX_FIELDS = 8;

function show(value: unknown): string {
  const text = value === null || value === undefined ? '—' : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/**
 * A compact diff: for a change, each column whose value changed (`name: "1 Hour" → "1 hr"`); for
 * an addition or removal, the row's meaningful columns. At most MAX_FIELDS lines.
 */
export function describeChange(entry: Pick<AuditEntry, 'action' | 'old' | 'new'>): string[] {
  const before = entry.old ?? {};
  const after = entry.new ?? {};
  const lines: string[] = [];
  if (entry.action === 'update') {
    for (const key of Object.keys({ ...before, ...after })) {
      if (NOISE.has(key) || JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
      lines.push(`${key}: ${show(before[key])} → ${show(after[key])}`);
    }
  } else {
    const row = entry.action === 'insert' ? after : before;
    for (const [key, value] of Object.entries(row)) {
      if (NOISE.has(key) || value === null) continue;
      lines.push(`${key}: ${show(value)}`);
    }
  }
  if (lines.length > MAX_FIELDS) {
    const hidden = lines.length - MAX_FIELDS + 1;
    lines.length = MAX_FIELDS - 1;
    lines.push(`… and ${hidden} more`);
  }
  return lines;
}

/** The table's name for people; support actions keep what follows `support:`. */
export function tableLabel(table: string): string {
  if (table.startsWith('support:')) return `Payment support: ${table.slice(8).replace(/_/g, ' ')}`;
  return (TABLE_LABELS as Record<string, string>)[table] ?? table;
}

/** Who did it: a member's email, else what the log knows (a former member or the system). */
export function actorLabel(entry: AuditEntry, emails: Record<string, string>): string {
  if (entry.actor) return emails[entry.actor] ?? `former member ${entry.actor.slice(0, 8)}`;
  return entry.actor_role === 'service_role' ? 'the system (service)' : 'the system';
}

/** A moment in Nairobi time, whatever the phone's time zone. */
export const nairobiTime = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', {
    timeZone: 'Africa/Nairobi',
    dateStyle: 'medium',
    timeStyle: 'medium',
  });
