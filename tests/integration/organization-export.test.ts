// export_organization through real PostgREST: the owner gets every row of their organization, each
// exactly as the table holds it, and nothing of another organization and no secret; an admin, an
// agent and the owner of another organization get 42501 (hint not_allowed), and nothing is
// audited for them. Organizations A and B come from the RLS personas (tests/support/personas.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { createPersonas, type World } from '../support/personas.ts';
import { clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

/** The tables the export holds, each as the key it is under. */
const TABLES = [
  'sites',
  'routers',
  'plans',
  'plan_sites',
  'voucher_batches',
  'vouchers',
  'customers',
  'payments',
  'sms_outbox',
  'memberships',
  'audit_log',
] as const;

type Row = Record<string, unknown>;
type Export = Record<(typeof TABLES)[number], Row[]> & {
  organization_id: string;
  exported_at: string;
  organization: Row;
};

/** Rows in a stable order, whatever order they came in. */
const sorted = (rows: Row[]) => rows.map((row) => JSON.stringify(row)).sort();

let w: World;
let ownerB: TestUser;

beforeAll(async () => {
  w = await createPersonas();
  ownerB = await createTestUser('owner-b');
  await ownerSql()`insert into public.memberships (organization_id, user_id, role)
                   values (${w.b.id}, ${ownerB.id}, 'owner')`;
});

const exportAudits = async (organizationId: string) =>
  ownerSql()`select actor, new from public.audit_log
             where table_name = 'support:export' and row_id = ${organizationId} order by id`;

describe('export_organization', () => {
  it("gives the owner every row of their organization exactly as stored, and nobody else's", async () => {
    const sql = ownerSql();
    // What the tables hold for A before the call (the call adds its own audit row after).
    const expected: Record<string, Row[]> = {};
    for (const table of TABLES) {
      const rows =
        table === 'memberships'
          ? await sql`select to_jsonb(t) || jsonb_build_object('email', u.email) as row
                      from public.memberships t join auth.users u on u.id = t.user_id
                      where t.organization_id = ${w.a.id}`
          : await sql.unsafe(
              `select to_jsonb(t) as row from public.${table} t where t.organization_id = $1`,
              [w.a.id],
            );
      expected[table] = rows.map((r) => r.row as Row);
    }
    const [organization] = await sql`select to_jsonb(o) as row from public.organizations o
                                     where o.id = ${w.a.id}`;

    const { data, error } = await w.clients.ownerA.rpc('export_organization', {
      p_organization_id: w.a.id,
    });
    expect(error).toBeNull();
    const exported = data as Export;
    expect(Object.keys(exported).sort()).toEqual(
      ['organization_id', 'exported_at', 'organization', ...TABLES].sort(),
    );
    expect(exported.organization_id).toBe(w.a.id);
    expect(exported.organization).toEqual(organization!.row);
    for (const table of TABLES) {
      expect(expected[table]!.length, `${table} has fixture rows`).toBeGreaterThan(0);
      expect(sorted(exported[table]), table).toEqual(sorted(expected[table]!));
    }

    // Nothing of B, and no secret: the router's RADIUS secret stays in private.router_secrets.
    const text = JSON.stringify(exported);
    for (const outside of [w.b.id, w.b.siteId, w.b.planId, w.a.routerSecret]) {
      expect(text).not.toContain(outside);
    }
    expect(exported.routers.every((router) => !('secret' in router))).toBe(true);
    expect(exported.memberships.map((m) => m.email)).toContain(w.users.ownerA.email);

    const audits = await exportAudits(w.a.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]!.actor).toBe(w.users.ownerA.id);
    expect(audits[0]!.new).toMatchObject({ vouchers: expected.vouchers!.length });
  });

  it("refuses an admin, an agent and another organization's owner (42501, not_allowed)", async () => {
    const before = (await exportAudits(w.a.id)).length;
    const callers = {
      adminA: w.clients.adminA,
      agentA: w.clients.agentA,
      ownerB: clientAs(ownerB),
      // Owner of A, but only admin of B.
      bridge: w.clients.bridge,
    };
    for (const [who, caller] of Object.entries(callers)) {
      const organizationId = who === 'bridge' ? w.b.id : w.a.id;
      const { data, error } = await caller.rpc('export_organization', {
        p_organization_id: organizationId,
      });
      expect(data, who).toBeNull();
      expect({ who, code: error?.code, hint: error?.hint }).toEqual({
        who,
        code: '42501',
        hint: 'not_allowed',
      });
    }
    expect(await exportAudits(w.a.id)).toHaveLength(before);
    expect(await exportAudits(w.b.id)).toHaveLength(0);
  });

  it('the owner of B exports B without any of A', async () => {
    const { data, error } = await clientAs(ownerB).rpc('export_organization', {
      p_organization_id: w.b.id,
    });
    expect(error).toBeNull();
    const exported = data as Export;
    expect(exported.sites.map((site) => site.id)).toEqual([w.b.siteId]);
    expect(JSON.stringify(exported)).not.toContain(w.a.id);
  });
});
