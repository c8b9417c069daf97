// What the worker's RADIUS jobs may log of a RADIUS user name. For a code login the user name
// is the voucher code itself, so logging it whole would let anyone who reads the logs use the
// code (SECURITY.md, "Nothing sensitive in logs"). Here, not in the shared domain code, because
// the release ships radius/ and worker/ without supabase/ (deploy/release.ts).

/**
 * A user name with all but its first and last two characters starred (`PFM8N98YXQ` →
 * `PF******XQ`): enough to find the voucher in the admin, not enough to log in with.
 */
export function maskUserName(name: string): string {
  if (name.length <= 6) return '*'.repeat(name.length);
  return `${name.slice(0, 2)}${'*'.repeat(name.length - 4)}${name.slice(-2)}`;
}
