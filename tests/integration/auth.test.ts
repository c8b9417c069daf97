import { describe, expect, it } from 'vitest';
import { stackInfo } from '../support/stack.ts';
import { client, createTestUser } from '../support/users.ts';

const { demo, secretKey, supabaseUrl, publishableKey } = stackInfo();

describe('auth stand-in through supabase-js', () => {
  it('signs the demo owner in, queries under RLS, refreshes and signs out', async () => {
    const supabase = client();
    const { data, error } = await supabase.auth.signInWithPassword({
      email: demo.email,
      password: demo.password,
    });
    expect(error).toBeNull();
    expect(data.session?.user.email).toBe(demo.email);

    const claims = JSON.parse(
      Buffer.from(data.session!.access_token.split('.')[1], 'base64url').toString(),
    );
    expect(claims).toMatchObject({
      role: 'authenticated',
      aud: 'authenticated',
      sub: data.user!.id,
      email: demo.email,
    });
    expect(claims.session_id).toBeTruthy();
    expect(claims.exp - claims.iat).toBe(3600);

    const organizations = await supabase.from('organizations').select('name');
    expect(organizations.error).toBeNull();
    expect(organizations.data).toEqual([{ name: demo.organizationName }]);

    const user = await supabase.auth.getUser();
    expect(user.data.user?.id).toBe(data.user!.id);

    const oldRefresh = data.session!.refresh_token;
    const refreshed = await supabase.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    expect(refreshed.data.session?.refresh_token).not.toBe(oldRefresh);
    const stillWorks = await supabase.from('organizations').select('name');
    expect(stillWorks.data).toHaveLength(1);

    // A refresh token is single-use: rotation revoked the old one.
    const replay = await client().auth.refreshSession({ refresh_token: oldRefresh });
    expect(replay.error?.status).toBe(400);

    const signOut = await supabase.auth.signOut();
    expect(signOut.error).toBeNull();
    const after = await client().auth.refreshSession({
      refresh_token: refreshed.data.session!.refresh_token,
    });
    expect(after.error?.code).toBe('refresh_token_not_found');
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const wrong = await client().auth.signInWithPassword({ email: demo.email, password: 'nope' });
    const unknown = await client().auth.signInWithPassword({
      email: 'nobody@demo.test',
      password: 'nope',
    });
    expect(wrong.error?.code).toBe('invalid_credentials');
    expect(unknown.error?.code).toBe('invalid_credentials');
    expect(wrong.error?.message).toBe(unknown.error?.message);
  });

  it('creates and deletes users only with the service role', async () => {
    const denied = await client().auth.admin.createUser({
      email: 'sneaky@test.local',
      password: 'password1',
    });
    expect(denied.error?.status).toBe(403);

    const admin = client(secretKey);
    const created = await admin.auth.admin.createUser({
      email: 'Created@Test.Local',
      password: 'password1',
      email_confirm: true,
    });
    expect(created.error).toBeNull();
    expect(created.data.user?.email).toBe('created@test.local');
    const duplicate = await admin.auth.admin.createUser({
      email: 'created@test.local',
      password: 'password1',
    });
    expect(duplicate.error?.code).toBe('email_exists');
    const signIn = await client().auth.signInWithPassword({
      email: 'created@test.local',
      password: 'password1',
    });
    expect(signIn.error).toBeNull();
    const removed = await admin.auth.admin.deleteUser(created.data.user!.id);
    expect(removed.error).toBeNull();
    const gone = await client().auth.signInWithPassword({
      email: 'created@test.local',
      password: 'password1',
    });
    expect(gone.error?.code).toBe('invalid_credentials');
  });

  it('invites a user who cannot sign in before accepting', async () => {
    const admin = client(secretKey);
    const invited = await admin.auth.admin.inviteUserByEmail('invitee@test.local', {
      data: { role: 'agent' },
    });
    expect(invited.error).toBeNull();
    expect(invited.data.user?.invited_at).toBeTruthy();
    expect(invited.data.user?.user_metadata).toEqual({ role: 'agent' });
    const signIn = await client().auth.signInWithPassword({
      email: 'invitee@test.local',
      password: 'x',
    });
    expect(signIn.error?.code).toBe('invalid_credentials');
  });

  it('updates the password of the signed-in user', async () => {
    const user = await createTestUser('pw');
    const supabase = client();
    await supabase.auth.signInWithPassword({ email: user.email, password: user.password });
    const updated = await supabase.auth.updateUser({ password: 'a-new-password' });
    expect(updated.error).toBeNull();
    const withNew = await client().auth.signInWithPassword({
      email: user.email,
      password: 'a-new-password',
    });
    expect(withNew.error).toBeNull();
  });

  it('rejects a body that is not JSON with a clear 400', async () => {
    const response = await fetch(`${supabaseUrl}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { apikey: publishableKey, 'content-type': 'application/json' },
      body: '{"email": ',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('bad_json');
  });
});
