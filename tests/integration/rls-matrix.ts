// The allow-list: who may do what with every table, view and function in the exposed schema
// (`public`): the specification itself, next to the `comment on` of each table and function.
// rls-matrix.test.ts fails unless the keys here are exactly what pg_catalog holds, so a new table
// or function (or a new overload) fails the suite until someone writes down who may use it.
//
// Every expectation is a literal per persona, never computed from the database:
//   select: 'all'    sees every one of organization A's fixture rows
//           'own'    sees only the rows that are its own (agentA: its membership, its batches
//                    and vouchers)
//           'none'   the request succeeds but returns none of A's rows
//           'denied' the request fails (42501, HTTP 401 for anon / 403 otherwise)
//   insert/update/delete: 'allowed' or 'denied' (denied = an error or no row touched; the test
//           checks the database either way)
//   moveToB: ownerA (and a user who is owner of A and admin of B) trying to move one of A's rows
//           to organization B, and ownerA creating the row in B.
import type { Persona } from '../support/personas.ts';

export type See = 'all' | 'own' | 'none' | 'denied';
export type Can = 'allowed' | 'denied';

export type TableRules = {
  select: Record<Persona, See>;
  insert: Record<Persona, Can>;
  update: Record<Persona, Can>;
  delete: Record<Persona, Can>;
  moveToB: 'denied' | 'no organization_id';
};

/** Scenario name → persona → outcome. */
export type RpcRules = Record<string, Record<Persona, Can>>;

export const TABLES: Record<string, TableRules> = {
  organizations: {
    select: {
      anon: 'denied',
      agentA: 'all',
      adminA: 'all',
      ownerA: 'all',
      adminB: 'none',
      service_role: 'all',
    },
    insert: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'allowed',
    },
    update: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'allowed',
    },
    delete: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'allowed',
    },
    moveToB: 'no organization_id',
  },

  memberships: {
    select: {
      anon: 'denied',
      agentA: 'own',
      adminA: 'all',
      ownerA: 'all',
      adminB: 'none',
      service_role: 'all',
    },
    // A new agent: nobody adds members directly (joining is accept_invitation()).
    insert: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'allowed',
    },
    // An agent made admin.
    update: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'allowed',
    },
    // An agent removed.
    delete: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'allowed',
    },
    moveToB: 'denied',
  },

  audit_log: {
    select: {
      anon: 'denied',
      agentA: 'none',
      adminA: 'none',
      ownerA: 'all',
      adminB: 'none',
      service_role: 'all',
    },
    insert: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'denied',
    },
    update: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'denied',
    },
    delete: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'denied',
    },
    moveToB: 'denied',
  },

  sites: {
    select: {
      anon: 'denied',
      agentA: 'all',
      adminA: 'all',
      ownerA: 'all',
      adminB: 'none',
      service_role: 'all',
    },
    insert: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'allowed',
    },
    update: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'allowed',
    },
    delete: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'allowed',
    },
    moveToB: 'denied',
  },

  routers: {
    select: {
      anon: 'denied',
      agentA: 'none',
      adminA: 'all',
      ownerA: 'all',
      adminB: 'none',
      service_role: 'all',
    },
    // Only through create_router().
    insert: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'allowed',
    },
    update: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'allowed',
    },
    delete: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'allowed',
    },
    moveToB: 'denied',
  },

  plans: {
    select: {
      anon: 'denied',
      agentA: 'all',
      adminA: 'all',
      ownerA: 'all',
      adminB: 'none',
      service_role: 'all',
    },
    insert: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'allowed',
    },
    update: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'allowed',
    },
    delete: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'allowed',
    },
    moveToB: 'denied',
  },

  plan_sites: {
    select: {
      anon: 'denied',
      agentA: 'all',
      adminA: 'all',
      ownerA: 'all',
      adminB: 'none',
      service_role: 'all',
    },
    insert: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'allowed',
    },
    // No updates through the API (withdraw and offer again); service_role keeps ALL.
    update: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'allowed',
    },
    delete: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'allowed',
    },
    moveToB: 'denied',
  },

  voucher_batches: {
    select: {
      anon: 'denied',
      agentA: 'own',
      adminA: 'all',
      ownerA: 'all',
      adminB: 'none',
      service_role: 'all',
    },
    insert: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'allowed',
    },
    update: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'allowed',
    },
    delete: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'allowed',
    },
    moveToB: 'denied',
  },

  vouchers: {
    select: {
      anon: 'denied',
      agentA: 'own',
      adminA: 'all',
      ownerA: 'all',
      adminB: 'none',
      service_role: 'all',
    },
    insert: {
      anon: 'denied',
      agentA: 'allowed',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'allowed',
    },
    // Revoke an active voucher (a voucher agentA issued).
    update: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'allowed',
    },
    // Delete an unused, unsold voucher (one agentA issued).
    delete: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'allowed',
    },
    moveToB: 'denied',
  },

  customers: {
    select: {
      anon: 'denied',
      agentA: 'none',
      adminA: 'all',
      ownerA: 'all',
      adminB: 'none',
      service_role: 'all',
    },
    insert: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'allowed',
    },
    update: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'allowed',
    },
    delete: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'allowed',
    },
    moveToB: 'denied',
  },

  payments: {
    select: {
      anon: 'denied',
      agentA: 'none',
      adminA: 'all',
      ownerA: 'all',
      adminB: 'none',
      service_role: 'all',
    },
    insert: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'allowed',
    },
    update: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'allowed',
    },
    delete: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'allowed',
    },
    moveToB: 'denied',
  },

  sms_outbox: {
    select: {
      anon: 'denied',
      agentA: 'none',
      adminA: 'all',
      ownerA: 'all',
      adminB: 'none',
      service_role: 'all',
    },
    insert: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'allowed',
    },
    update: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'allowed',
    },
    delete: {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'allowed',
    },
    moveToB: 'denied',
  },
};

/** Keyed by `name(argument types)` as pg_catalog.oidvectortypes() spells them. */
export const RPCS: Record<string, RpcRules> = {
  'portal_site(text)': {
    "organization A's site": {
      anon: 'allowed',
      agentA: 'allowed',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'allowed',
      service_role: 'allowed',
    },
  },
  // Whether the portal may send a code to a host: yes or no for anyone, nothing listed.
  'portal_login_host_allowed(text, text)': {
    "organization A's router": {
      anon: 'allowed',
      agentA: 'allowed',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'allowed',
      service_role: 'allowed',
    },
  },
  'create_organization(text)': {
    'a new organization': {
      anon: 'denied',
      agentA: 'allowed',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'allowed',
      service_role: 'denied',
    },
  },
  'create_router(uuid, text, inet, text)': {
    "a router at organization A's site": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'sell_voucher(uuid, integer)': {
    'a voucher agentA issued': {
      anon: 'denied',
      agentA: 'allowed',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
    'a voucher ownerA issued': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'release_vouchers(uuid, uuid)': {
    'an inactive batch voucher of organization A': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'revenue_summary(uuid)': {
    "organization A's revenue": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'sessions_online(uuid, uuid)': {
    "organization A's sessions online": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'session_history(uuid, uuid, timestamp with time zone, integer)': {
    "organization A's session history": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'router_health(uuid)': {
    "organization A's routers": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'dashboard_alerts(uuid)': {
    "organization A's alerts": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'dashboard_summary(uuid, uuid)': {
    "organization A's dashboard": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'disconnect_session(uuid, text)': {
    'a voucher of organization A (no open session)': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'set_mpesa_settings(uuid, text, text, text, text, text, text, text, text, text)': {
    "organization A's M-Pesa settings": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'set_sms_settings(uuid, text, text, text)': {
    "organization A's SMS settings": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'payment_settings(uuid)': {
    "organization A's payment settings (secrets shown as hints only)": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  // Anyone holding the payment's token (the portal), by design.
  'payment_status(text)': {
    'a payment of organization A by its status token': {
      anon: 'allowed',
      agentA: 'allowed',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'allowed',
      service_role: 'allowed',
    },
  },
  // The portal server only (service role key), by MAC.
  'portal_resume(text, text)': {
    "a device's pending payment at organization A's site": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'allowed',
    },
  },
  // Anyone holding the M-Pesa receipt and the phone that paid (the portal), by design.
  'recover_voucher(text, text, text, text)': {
    "a paid voucher at organization A's site by receipt and phone": {
      anon: 'allowed',
      agentA: 'allowed',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'allowed',
      service_role: 'allowed',
    },
  },
  // Support actions (owners and admins of the receipt's or payment's organization; each call is
  // audited). A driver needs a fresh unmatched receipt (private.unmatched_receipts) or a
  // successful payment with a voucher per call.
  'unmatched_receipts(uuid)': {
    "organization A's unmatched receipts": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'support_issue_voucher(text, uuid, text)': {
    'an unmatched receipt of organization A': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'support_mark_refunded(text, text)': {
    'an unmatched receipt of organization A': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'support_resend_sms(uuid)': {
    'a successful payment of organization A': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  // Anyone holding a code, at its organization's site (the
  // portal's status page), throttled per client and per site.
  'portal_voucher_status(text, text, text)': {
    "a voucher of organization A at A's site": {
      anon: 'allowed',
      agentA: 'allowed',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'allowed',
      service_role: 'allowed',
    },
  },
  // Platform staff only, which none of these personas is (worker.test.ts and
  // platform-admin.test.ts sign in as staff).
  'is_platform_staff()': {
    'asking whether one is platform staff': {
      anon: 'denied',
      agentA: 'allowed',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'allowed',
      service_role: 'allowed',
    },
  },
  'platform_receipt_alerts()': {
    'receipts seen at two organizations': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'platform_jobs()': {
    "every job's heartbeat": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'platform_settings()': {
    'the platform settings': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'retention_policies()': {
    'how long records are kept': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'set_retention_days(text, integer)': {
    'keeping login attempts a shorter time': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'set_signup_mode(text)': {
    'opening sign-up': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'set_address_quarantine_days(integer)': {
    'lifting the address quarantine': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'set_payment_link_lifetimes(integer, integer)': {
    'keeping callback URLs and status tokens working longer': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'platform_address_quarantine()': {
    'the addresses held back from other organizations': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'platform_organizations()': {
    "every organization's health": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'approve_organization(uuid)': {
    'approving organization A': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'suspend_organization(uuid, text)': {
    'suspending organization A': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'resume_organization(uuid)': {
    'resuming organization A': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  // The team screen's member list with emails.
  // Invitations: made by owners and admins, seen and accepted only by their addressee.
  'invite_member(uuid, text, text)': {
    'an agent invitation to organization A': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'team_invitations(uuid)': {
    "organization A's invitations": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  // Everyone signed in may ask; only adminB, the addressee, finds it.
  'my_invitations()': {
    "organization A's invitation of adminB": {
      anon: 'denied',
      agentA: 'allowed',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'allowed',
      service_role: 'allowed',
    },
  },
  'accept_invitation(uuid)': {
    "organization A's invitation of adminB": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'denied',
      adminB: 'allowed',
      service_role: 'denied',
    },
  },
  'team_members(uuid)': {
    "organization A's team": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  // An owner's export of every row of their organization (audited).
  'export_organization(uuid)': {
    "organization A's export": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  // A customer's rights (Data Protection Act): everything held about a phone, and its erasure
  // (money kept, phone and MACs gone); owners only, audited with the phone masked.
  'customer_data_export(uuid, text)': {
    'a customer of organization A': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'erase_customer(uuid, text)': {
    'a customer of organization A': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'denied',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  // Cash sales per seller on a Nairobi day (owners and admins
  // every seller, an agent their own row only).
  'cash_up(uuid, date)': {
    "organization A's cash-up today": {
      anon: 'denied',
      agentA: 'allowed',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  // A router's set-up data with its RADIUS secret, for the
  // router files (owners and admins; every call audited).
  'router_setup(uuid)': {
    "organization A's router": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  // A voucher's bound devices and sessions for
  // the admin's voucher page (whoever may read the voucher: the vouchers select policy).
  'voucher_sessions(uuid)': {
    'a voucher agentA issued': {
      anon: 'denied',
      agentA: 'allowed',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
    'a voucher ownerA issued': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  // Owners and admins set a site's logo (audited); anyone may
  // fetch it for the portal (it is on the landing page anyway).
  'set_site_logo(uuid, text)': {
    "a logo for organization A's site": {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  'portal_logo(text)': {
    "organization A's site logo": {
      anon: 'allowed',
      agentA: 'allowed',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'allowed',
      service_role: 'allowed',
    },
  },
  // The admin's customer search by the last digits
  // of the phone number, for those the customers select policy lets see them.
  'search_customers(uuid, text)': {
    'a customer of organization A': {
      anon: 'denied',
      agentA: 'denied',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
  // The admin's voucher search, with the vouchers select
  // rule applied by the function (owners and admins all, agents their own).
  'search_vouchers(uuid, text)': {
    'a voucher agentA issued': {
      anon: 'denied',
      agentA: 'allowed',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
    'a voucher ownerA issued': {
      anon: 'denied',
      agentA: 'allowed',
      adminA: 'allowed',
      ownerA: 'allowed',
      adminB: 'denied',
      service_role: 'denied',
    },
  },
};
