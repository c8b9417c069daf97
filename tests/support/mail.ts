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

/** Opens the newest invitation email to `address` as a browser would: the invitee's session. */
export async function openInvitation(address: string): Promise<{ accessToken: string }> {
  const [mail] = await mailsTo(address);
  if (!mail) throw new Error(`no mail to ${address}`);
  const response = await fetch(mail.links[0]!, { redirect: 'manual' });
  const location = new URL(response.headers.get('location') ?? 'http://missing.invalid/');
  const accessToken = new URLSearchParams(location.hash.slice(1)).get('access_token');
  if (!accessToken) throw new Error(`no session in the invitation link's redirect`);
  return { accessToken };
}
