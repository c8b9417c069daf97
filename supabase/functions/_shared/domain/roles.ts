/**
 * Membership roles and their order: owner > admin > agent. A role may do everything the roles
 * below it may, so a rule is written as "at least admin" rather than as a list of names.
 * Owners and admins manage the team, but only members at or below their own role.
 *
 * SQL twin: private.roles() and private.roles_at_least(), which the `memberships.role` CHECK,
 * private.orgs_with_role_at_least() and private.has_role_at_least() (policies and RPCs) and
 * team_members()' sort use; tests/integration/rule-parity.test.ts checks them and the
 * memberships policies against this module.
 *
 * Pure TypeScript shared by the apps and the Deno edge functions: imports nothing.
 */

/** Highest first. */
export const ROLES = ['owner', 'admin', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return ROLES.includes(value as Role);
}

/** 3 for owner down to 1 for agent: larger is more. */
export function roleRank(role: Role): number {
  return ROLES.length - ROLES.indexOf(role);
}

/** Whether `role` is `minimum` or above (false for no role at all). */
export function roleAtLeast(role: Role | null | undefined, minimum: Role): boolean {
  return isRole(role) && roleRank(role) >= roleRank(minimum);
}

/** The roles at or above `minimum`, highest first: what the SQL role lists name. */
export function rolesAtLeast(minimum: Role): Role[] {
  return ROLES.filter((role) => roleAtLeast(role, minimum));
}

/** Sorts members highest role first (team_members()' order). */
export function compareRoles(a: Role, b: Role): number {
  return roleRank(b) - roleRank(a);
}

/** Whether `actor` may change or remove a member who has `member`'s role. */
export function canManageMember(actor: Role, member: Role): boolean {
  return roleAtLeast(actor, 'admin') && roleRank(member) <= roleRank(actor);
}

/** The roles `actor` may give someone, on invitation or by a change (owners any). */
export function assignableRoles(actor: Role): Role[] {
  return ROLES.filter((role) => canManageMember(actor, role));
}
