import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { stack } from './stack-file.ts';

export type Operator = {
  id: string;
  email: string;
  password: string;
  client: SupabaseClient;
  organizationId: string;
};

function anonClient(): SupabaseClient {
  const { supabaseUrl, publishableKey } = stack();
  return createClient(supabaseUrl, publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
}

/** The service role, for set-up only (rows the API lets no user write, such as payments). */
export function serviceClient(): SupabaseClient {
  const { supabaseUrl, secretKey } = stack();
  return createClient(supabaseUrl, secretKey, { auth: { persistSession: false } });
}

/** A confirmed user, signed in through the API (its client acts as them). */
export async function newUser(label: string) {
  const admin = serviceClient();
  const email = `${label}-${randomUUID().slice(0, 8)}@e2e.test`;
  const password = `pw-${randomUUID()}`;
  const created = await admin.auth.admin.createUser({ email, password, email_confirm: true });
  if (created.error) throw created.error;
  const client = anonClient();
  const signedIn = await client.auth.signInWithPassword({ email, password });
  if (signedIn.error) throw signedIn.error;
  return { id: created.data.user.id, email, password, client };
}

/** A new organization of its own (so tests never touch the demo data) with one site. */
export async function newOperator(): Promise<
  Operator & { siteName: string; site: { id: string; slug: string } }
> {
  const user = await newUser('owner');
  const name = `E2E ${randomUUID().slice(0, 6)}`;
  const organization = await user.client.rpc('create_organization', { p_name: name });
  if (organization.error) throw organization.error;
  const organizationId = organization.data as string;
  const siteName = `${name} cafe`;
  const site = await user.client
    .from('sites')
    .insert({
      organization_id: organizationId,
      slug: `e2e-${randomUUID().slice(0, 8)}`,
      name: siteName,
    })
    .select('id, slug')
    .single();
  if (site.error) throw site.error;
  return { ...user, organizationId, siteName, site: site.data as { id: string; slug: string } };
}

export async function signInAs(page: Page, user: { email: string; password: string }) {
  await page.goto(`${stack().adminUrl}/login`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/**
 * A screenshot of the screen as it is (full page unless `fullPage: false`, for long lists), kept
 * with the running test's artifacts as `<name>.png` in its output folder, whatever the outcome.
 */
export async function shot(page: Page, name: string, { fullPage = true } = {}) {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage });
}
