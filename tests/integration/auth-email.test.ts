// Invitation and password reset emails: supabase-js asks the auth stand-in, which mails the link
// through SMTP to the mail catcher (stack/sim/mail.ts); opening the link (GET /auth/v1/verify,
// no API key, as from a mail client) redirects to the app with the session or an error in the
// URL fragment, as GoTrue does.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { smtpMailer } from '../../stack/auth/mailer.ts';
import { freePort } from '../../stack/ports.ts';
import { startMailSim } from '../../stack/sim/mail.ts';
import { mailsTo, type CaughtMail as Mail } from '../support/mail.ts';
import { stackInfo } from '../support/stack.ts';
import { client, createTestUser, ownerSql } from '../support/users.ts';

const { secretKey, adminUrl, supabaseUrl } = stackInfo();

/** The newest message to the address, waiting briefly for SMTP delivery. */
async function latestMail(address: string): Promise<Mail> {
  for (let i = 0; i < 50; i++) {
    const [mail] = await mailsTo(address);
    if (mail) return mail;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no email to ${address}`);
}

/** Opens an email link like a browser would, without following the redirect. */
async function open(link: string) {
  const response = await fetch(link, { redirect: 'manual' });
  const location = new URL(response.headers.get('location') ?? 'http://missing.invalid/');
  return {
    status: response.status,
    target: `${location.origin}${location.pathname}`,
    fragment: Object.fromEntries(new URLSearchParams(location.hash.slice(1))),
  };
}

const email = (label: string) => `${label}-${randomUUID().slice(0, 8)}@mail.test`;

describe('password reset by email', () => {
  it('mails a one-time link that signs the user in for a new password', async () => {
    const user = await createTestUser('reset');
    const answer = await client().auth.resetPasswordForEmail(user.email, {
      redirectTo: `${adminUrl}/reset`,
    });
    expect(answer.error).toBeNull();

    const mail = await latestMail(user.email);
    expect(mail.subject).toBe('Reset Your Password');
    expect(mail.links).toHaveLength(1);
    const link = new URL(mail.links[0]);
    expect(`${link.origin}${link.pathname}`).toBe(`${supabaseUrl}/auth/v1/verify`);
    expect(link.searchParams.get('type')).toBe('recovery');
    expect(link.searchParams.get('redirect_to')).toBe(`${adminUrl}/reset`);
    expect(link.searchParams.get('token')).toMatch(/^[0-9a-f]{64}$/);

    const opened = await open(mail.links[0]);
    expect(opened.status).toBe(303);
    expect(opened.target).toBe(`${adminUrl}/reset`);
    expect(opened.fragment).toMatchObject({
      token_type: 'bearer',
      type: 'recovery',
      expires_in: '3600',
    });
    expect(opened.fragment.refresh_token).toBeTruthy();

    const supabase = client();
    const session = await supabase.auth.setSession({
      access_token: opened.fragment.access_token,
      refresh_token: opened.fragment.refresh_token,
    });
    expect(session.error).toBeNull();
    expect(session.data.user?.email).toBe(user.email);
    const updated = await supabase.auth.updateUser({ password: 'brand-new-password' });
    expect(updated.error).toBeNull();
    const old = await client().auth.signInWithPassword({
      email: user.email,
      password: user.password,
    });
    expect(old.error?.code).toBe('invalid_credentials');
    const fresh = await client().auth.signInWithPassword({
      email: user.email,
      password: 'brand-new-password',
    });
    expect(fresh.error).toBeNull();

    // The link works once.
    const again = await open(mail.links[0]);
    expect(again.status).toBe(303);
    expect(again.target).toBe(`${adminUrl}/reset`);
    expect(again.fragment).toEqual({
      error: 'access_denied',
      error_code: 'otp_expired',
      error_description: 'Email link is invalid or has expired',
    });
  });

  it('answers an unknown address exactly like a known one, and mails nothing', async () => {
    const known = await createTestUser('known');
    const nobody = email('nobody');
    const raw = (address: string) =>
      fetch(`${supabaseUrl}/auth/v1/recover`, {
        method: 'POST',
        headers: { apikey: stackInfo().publishableKey, 'content-type': 'application/json' },
        body: JSON.stringify({ email: address }),
      }).then(async (r) => ({ status: r.status, body: await r.text() }));
    const [a, b] = [await raw(known.email), await raw(nobody)];
    expect(a).toEqual({ status: 200, body: '{}' });
    expect(b).toEqual(a);
    expect(await client().auth.resetPasswordForEmail(nobody)).toMatchObject({ error: null });
    await latestMail(known.email);
    expect(await mailsTo(nobody)).toEqual([]);

    const invalid = await client().auth.resetPasswordForEmail('not-an-email');
    expect(invalid.error?.status).toBe(400);
  });

  it('refuses an expired link, and leads to the site URL when redirect_to is elsewhere', async () => {
    const user = await createTestUser('expired');
    await client().auth.resetPasswordForEmail(user.email, {
      redirectTo: 'https://evil.example/steal',
    });
    const mail = await latestMail(user.email);
    expect(new URL(mail.links[0]).searchParams.get('redirect_to')).toBe(adminUrl);
    await ownerSql()`update auth.users set recovery_sent_at = now() - interval '2 hours'
                     where id = ${user.id}`;
    const opened = await open(mail.links[0]);
    expect(opened.target).toBe(`${adminUrl}/`);
    expect(opened.fragment.error_code).toBe('otp_expired');
    expect(opened.fragment.access_token).toBeUndefined();
  });

  it('refuses a forged token and an unknown link type', async () => {
    const forged = await open(
      `${supabaseUrl}/auth/v1/verify?token=${'0'.repeat(64)}&type=recovery&redirect_to=${adminUrl}/reset`,
    );
    expect(forged.fragment.error_code).toBe('otp_expired');
    const badType = await fetch(`${supabaseUrl}/auth/v1/verify?token=abc&type=nonsense`, {
      redirect: 'manual',
    });
    expect(badType.status).toBe(400);
  });
});

describe('invitations by email', () => {
  it('mails an invite link that signs the new user in to choose a password', async () => {
    const address = email('invited');
    const admin = client(secretKey);
    const invited = await admin.auth.admin.inviteUserByEmail(address, {
      redirectTo: `${adminUrl}/accept`,
    });
    expect(invited.error).toBeNull();
    const mail = await latestMail(address);
    expect(mail.subject).toBe('You have been invited');
    const link = new URL(mail.links[0]);
    expect(link.searchParams.get('type')).toBe('invite');
    expect(link.searchParams.get('redirect_to')).toBe(`${adminUrl}/accept`);

    const opened = await open(mail.links[0]);
    expect(opened.target).toBe(`${adminUrl}/accept`);
    expect(opened.fragment.type).toBe('invite');
    const supabase = client();
    await supabase.auth.setSession({
      access_token: opened.fragment.access_token,
      refresh_token: opened.fragment.refresh_token,
    });
    const user = await supabase.auth.getUser();
    expect(user.data.user?.id).toBe(invited.data.user!.id);
    expect(user.data.user?.email_confirmed_at).toBeTruthy();
    expect((await supabase.auth.updateUser({ password: 'chosen-password' })).error).toBeNull();
    const signIn = await client().auth.signInWithPassword({
      email: address,
      password: 'chosen-password',
    });
    expect(signIn.error).toBeNull();
    expect((await open(mail.links[0])).fragment.error_code).toBe('otp_expired');
  });

  it('refuses an expired invitation', async () => {
    const address = email('late');
    const invited = await client(secretKey).auth.admin.inviteUserByEmail(address);
    expect(invited.error).toBeNull();
    const mail = await latestMail(address);
    expect(new URL(mail.links[0]).searchParams.get('redirect_to')).toBe(adminUrl);
    await ownerSql()`update auth.users set confirmation_sent_at = now() - interval '2 hours'
                     where id = ${invited.data.user!.id}`;
    expect((await open(mail.links[0])).fragment.error_code).toBe('otp_expired');
    const [row] = await ownerSql()`select email_confirmed_at from auth.users
                                   where id = ${invited.data.user!.id}`;
    expect(row.email_confirmed_at).toBeNull();
  });
});

describe('the mail catcher', () => {
  it('lists messages by recipient, newest first', async () => {
    const user = await createTestUser('twice');
    await client().auth.resetPasswordForEmail(user.email);
    const first = await latestMail(user.email);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await client().auth.resetPasswordForEmail(user.email);
    let list: Mail[] = [];
    for (let i = 0; i < 50 && list.length < 2; i++) {
      list = await mailsTo(user.email);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(list).toHaveLength(2);
    expect(list[1].links).toEqual(first.links);
    expect(list[0].at >= list[1].at).toBe(true);
    expect(list[0].links[0]).not.toBe(list[1].links[0]);
  });
});

describe('a mail catcher of its own', () => {
  it('catches SMTP mail, filters by recipient newest first, and clears on DELETE', async () => {
    const sim = await startMailSim({ smtpPort: await freePort(), httpPort: await freePort() });
    try {
      const send = smtpMailer({ ...sim.smtp, from: 'Test <test@mail.test>' });
      await send({ to: 'A@Mail.Test', subject: 'first', text: 'see https://x.test/1', html: '' });
      await send({
        to: 'b@mail.test',
        subject: 'other',
        text: 'plain',
        html: '<a href="https://x.test/?a=1&amp;b=2">go</a>',
      });
      await send({ to: 'a@mail.test', subject: 'second', text: 'https://x.test/2', html: '' });
      const list = async (query = '') =>
        (await (await fetch(`${sim.url}/_sim/messages${query}`)).json()) as Mail[];
      const forA = await list('?to=a@mail.test');
      expect(forA.map((m) => [m.subject, m.links])).toEqual([
        ['second', ['https://x.test/2']],
        ['first', ['https://x.test/1']],
      ]);
      expect((await list('?to=B@mail.test'))[0].links).toEqual(['https://x.test/?a=1&b=2']);
      expect(await list()).toHaveLength(3);
      expect((await fetch(`${sim.url}/_sim/messages`, { method: 'DELETE' })).status).toBe(204);
      expect(await list()).toEqual([]);
      expect((await fetch(`${sim.url}/elsewhere`)).status).toBe(404);
      expect((await fetch(`${sim.url}/_sim/messages`, { method: 'POST' })).status).toBe(405);
    } finally {
      await sim.stop();
    }
  });
});
