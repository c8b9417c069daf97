import { expect, test, type Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { newOperator, newUser, serviceClient, shot, signInAs } from './operator.ts';
import { stack } from './stack-file.ts';

type Mail = { subject: string; links: string[] };

// Each test walks through several pages and an email round trip on a phone-sized screen.
test.describe.configure({ timeout: 60_000 });

/** The newest email to the address in the stack's mail catcher (auth emails go there). */
async function emailTo(address: string): Promise<Mail> {
  const { mailUrl } = stack();
  let mails: Mail[] = [];
  await expect
    .poll(async () => {
      const response = await fetch(`${mailUrl}/_sim/messages?to=${encodeURIComponent(address)}`);
      mails = (await response.json()) as Mail[];
      return mails.length;
    })
    .toBeGreaterThan(0);
  return mails[0];
}

async function choosePassword(page: Page, password: string) {
  await page.getByLabel('New password').fill(password);
  await page.getByLabel('Repeat the password').fill(password);
  await page.getByRole('button', { name: 'Save password' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

test('team: an owner invites an agent by email, who joins by accepting and has no team controls', async ({
  page,
  browser,
}) => {
  const owner = await newOperator();
  const organization = await owner.client
    .from('organizations')
    .select('name')
    .eq('id', owner.organizationId)
    .single();
  await signInAs(page, owner);
  await page.getByRole('link', { name: 'Team' }).click();
  const members = page.getByRole('list', { name: 'Members' });
  await expect(members.getByRole('listitem', { name: owner.email })).toContainText('(you)');

  await page.getByText('Invite someone').click();
  await page.getByLabel('Email').fill('not an address');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('alert')).toContainText('Enter the email address');
  const invitee = `agent-${randomUUID().slice(0, 8)}@e2e.test`;
  await page.getByLabel('Email').fill(invitee);
  await page.getByLabel('Role', { exact: true }).selectOption('agent');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: `${invitee} was invited as agent` }),
  ).toBeVisible();
  // Invited is not a member: nobody joins without accepting.
  const invitations = page.getByRole('list', { name: 'Invitations' });
  await expect(invitations.getByRole('listitem', { name: invitee })).toContainText('Agent');
  await expect(members.getByRole('listitem', { name: invitee })).toHaveCount(0);
  await shot(page, 'team');

  const mail = await emailTo(invitee);
  expect(mail.subject).toBe('You have been invited');
  const link = mail.links[0];
  expect(link).toContain('/auth/v1/verify?token=');
  expect(link).toContain('type=invite');

  // The invitee opens the link on their own device.
  const device = await browser.newContext();
  const phone = await device.newPage();
  await phone.goto(link);
  await expect(phone).toHaveURL(/\/accept$/);
  await expect(phone.getByRole('heading', { name: 'Welcome' })).toBeVisible();
  await expect(phone.getByText(`You are signed in as ${invitee}`)).toBeVisible();
  await phone.getByRole('button', { name: `Join ${organization.data!.name}` }).click();
  await expect(phone.getByRole('status')).toContainText(`You joined ${organization.data!.name}`);
  await shot(phone, 'accept');
  await phone.getByLabel('New password').fill('short');
  await phone.getByLabel('Repeat the password').fill('short');
  await phone.getByRole('button', { name: 'Save password' }).click();
  await expect(phone.getByRole('alert')).toContainText('at least 8 characters');
  await choosePassword(phone, 'invited-agent-password');
  await phone.getByRole('link', { name: 'Team' }).click();
  await expect(
    phone.getByText(`Only owners and admins manage the team of ${organization.data!.name}.`),
  ).toBeVisible();
  await expect(phone.getByRole('button', { name: 'Send invitation' })).toHaveCount(0);
  await expect(phone.getByRole('button', { name: /^Remove/ })).toHaveCount(0);

  // The link worked once; the password works from now on.
  await phone.goto(link);
  await expect(phone).toHaveURL(/\/accept#error=/);
  await expect(phone.getByRole('alert')).toContainText('invalid or has expired');
  await device.close();
  await page.reload();
  await expect(members.getByRole('listitem', { name: invitee })).not.toContainText(
    'invitation not accepted yet',
  );
  await expect(invitations.getByRole('listitem', { name: invitee })).toHaveCount(0);
});

test('team: someone with an account is only invited, and joins from the banner', async ({
  page,
}) => {
  const owner = await newOperator();
  const existing = await newUser('existing');
  const sent = await owner.client.functions.invoke('team-invite', {
    body: { organization_id: owner.organizationId, email: existing.email, role: 'admin' },
  });
  expect(sent.error).toBeNull();
  await signInAs(page, existing);
  await page.getByRole('link', { name: 'You are invited to join an organization: review' }).click();
  await expect(page).toHaveURL(/\/accept$/);
  await page.getByRole('button', { name: /^Join / }).click();
  await expect(page.getByRole('status')).toContainText('You joined');
  const joined = await owner.client
    .from('memberships')
    .select('role')
    .eq('organization_id', owner.organizationId)
    .eq('user_id', existing.id);
  expect(joined.data).toEqual([{ role: 'admin' }]);
});

test('team: an owner changes a role and removes a member; the last owner cannot leave', async ({
  page,
}) => {
  const owner = await newOperator();
  const member = await newUser('member');
  const added = await serviceClient()
    .from('memberships')
    .insert({ organization_id: owner.organizationId, user_id: member.id, role: 'agent' });
  expect(added.error).toBeNull();
  await signInAs(page, owner);
  await page.getByRole('link', { name: 'Team' }).click();
  const members = page.getByRole('list', { name: 'Members' });

  await page.getByLabel(`Role of ${member.email}`).selectOption('admin');
  await expect(
    page.getByRole('status').filter({ hasText: `${member.email} is now admin.` }),
  ).toBeVisible();
  await page.reload();
  await expect(page.getByLabel(`Role of ${member.email}`)).toHaveValue('admin');

  // The last owner can neither demote nor remove themselves: the database says so.
  await page.getByLabel(`Role of ${owner.email}`).selectOption('agent');
  await expect(page.getByRole('alert')).toContainText(
    'An organization must keep at least one owner. Make another member owner first.',
  );
  await expect(page.getByLabel(`Role of ${owner.email}`)).toHaveValue('owner');
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: `Remove ${owner.email}` }).click();
  await expect(page.getByRole('alert')).toContainText('must keep at least one owner');
  const mine = await owner.client
    .from('memberships')
    .select('role')
    .eq('organization_id', owner.organizationId)
    .eq('user_id', owner.id);
  expect(mine.data).toEqual([{ role: 'owner' }]);

  // Cancelling the confirmation removes nobody; confirming does.
  page.once('dialog', (dialog) => void dialog.dismiss());
  await page.getByRole('button', { name: `Remove ${member.email}` }).click();
  await expect(members.getByRole('listitem', { name: member.email })).toHaveCount(1);
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: `Remove ${member.email}` }).click();
  await expect(
    page.getByRole('status').filter({ hasText: `${member.email} was removed.` }),
  ).toBeVisible();
  await expect(members.getByRole('listitem', { name: member.email })).toHaveCount(0);
  const gone = await owner.client
    .from('memberships')
    .select('id')
    .eq('organization_id', owner.organizationId)
    .eq('user_id', member.id);
  expect(gone.data).toEqual([]);
});

test('password reset: "Forgot password?" mails a link that sets a new password', async ({
  page,
}) => {
  const owner = await newOperator();
  await page.goto(`${stack().adminUrl}/login`);
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page).toHaveURL(/\/reset$/);
  await page.getByLabel('Email').fill(owner.email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: `If an account exists for ${owner.email}` }),
  ).toBeVisible();

  const mail = await emailTo(owner.email);
  expect(mail.subject).toBe('Reset Your Password');
  await page.goto(mail.links[0]);
  await expect(page).toHaveURL(/\/reset$/);
  await expect(page.getByText(`Choose a new password for ${owner.email}`)).toBeVisible();
  await shot(page, 'reset');
  await choosePassword(page, 'reset-new-password');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await signInAs(page, { email: owner.email, password: 'reset-new-password' });

  // The old password no longer works, and the link cannot be used again.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto(`${stack().adminUrl}/login`);
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Wrong email or password.');
  await page.goto(mail.links[0]);
  await expect(page).toHaveURL(/\/reset#error=/);
  await expect(page.getByRole('alert')).toContainText('invalid or has expired');
});
