/**
 * MAC addresses as routers and controllers spell them (`AA-BB-CC-DD-EE-FF`, `aa:bb:cc:dd:ee:ff`,
 * `aabb.ccdd.eeff`, `aabbccddeeff`) → the one form the database stores and compares
 * (`aa:bb:cc:dd:ee:ff`): MAC login and bound devices in RADIUS, a payment's device.
 *
 * SQL twin: radius.normalise_mac() / radius.is_mac() (private.mac_or_null() applies them to a
 * portal URL's MAC); tests/integration/rule-parity.test.ts feeds both the same cases, so change
 * them together.
 *
 * Pure TypeScript shared by the apps and the Deno edge functions: imports nothing.
 */

/** What routers put between the hex digits; removed wherever it stands (not other whitespace). */
const SEPARATORS = /[-:. ]/g;

/** The stored form: six lower-case hex pairs joined by colons. */
export const MAC_PATTERN = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

/**
 * Any spelling of a MAC → `aa:bb:cc:dd:ee:ff`, or null when it is not 12 hex digits once the
 * separators are gone. Tabs and newlines are not trimmed: the SQL twin keeps them (and so
 * refuses the value), and agreeing with it matters more than leniency.
 */
export function normalizeMac(input: string): string | null {
  if (typeof input !== 'string') return null;
  const hex = input.toLowerCase().replace(SEPARATORS, '');
  if (!/^[0-9a-f]{12}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

/** Whether a value (a RADIUS user name, a Calling-Station-Id) is a MAC in any spelling. */
export function isMac(input: string): boolean {
  return normalizeMac(input) !== null;
}
