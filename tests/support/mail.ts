// The stack's mail catcher (stack/sim/mail.ts), as the tests read it.
import type { CaughtMail } from '../../stack/sim/mail.ts';
import { stackInfo } from './stack.ts';

export type { CaughtMail };

/** Every message to `address` the catcher holds, newest first. */
export async function mailsTo(address: string): Promise<CaughtMail[]> {
  const url = `${stackInfo().mailUrl}/_sim/messages?to=${encodeURIComponent(address)}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`mail catcher answered ${response.status}`);
  return (await response.json()) as CaughtMail[];
}
