import { beforeAll, describe, expect, it } from 'vitest';
import { stackInfo } from '../support/stack.ts';
import { clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';
import {
  createPayHotspot,
  runFunction,
  settled,
  simMessages,
  startPayment,
  testPhone,
  waitFor,
  type PayHotspot,
} from '../support/payments.ts';

let hotspot: PayHotspot;
let owner: TestUser;
let admin: TestUser;
let agent: TestUser;
beforeAll(async () => {
  hotspot = await createPayHotspot(20);
  [owner, admin, agent] = await Promise.all([
    createTestUser('pay-owner'),
    createTestUser('pay-admin'),
    createTestUser('pay-agent'),
  ]);
  for (const [user, role] of [
    [owner, 'owner'],
    [admin, 'admin'],
    [agent, 'agent'],
  ] as const) {
    await ownerSql()`insert into public.memberships (organization_id, user_id, role)
                     values (${hotspot.organizationId}, ${user.id}, ${role})`;
  }
});

const PASSKEY = 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919';

describe('M-Pesa and SMS settings: write-only secrets', () => {
  it('owners write them; nobody reads a secret back, admins see hints', async () => {
    const saved = await clientAs(owner).rpc('set_mpesa_settings', {
      p_organization_id: hotspot.organizationId,
      p_environment: 'sandbox',
      p_shortcode: '174379',
      p_account_type: 'paybill',
      p_passkey: PASSKEY,
      p_consumer_key: 'consumer-key-ABCD',
      p_consumer_secret: 'consumer-secret-WXYZ',
    });
    expect(saved.error).toBeNull();
    expect(saved.data.mpesa).toMatchObject({
      shortcode: '174379',
      passkey_hint: '…c919',
      consumer_key_hint: '…ABCD',
      consumer_secret_hint: '…WXYZ',
    });
    expect(JSON.stringify(saved.data)).not.toContain('consumer-secret');

    // Changing the shortcode without re-typing secrets keeps them.
    const kept = await clientAs(owner).rpc('set_mpesa_settings', {
      p_organization_id: hotspot.organizationId,
      p_environment: 'sandbox',
      p_shortcode: '174379',
      p_account_type: 'paybill',
    });
    expect(kept.data.mpesa.consumer_secret_hint).toBe('…WXYZ');

    const sms = await clientAs(owner).rpc('set_sms_settings', {
      p_organization_id: hotspot.organizationId,
      p_username: 'sandbox',
      p_api_key: 'at-api-key-1234',
      p_sender_id: 'CAFEWIFI',
    });
    expect(sms.data.sms).toEqual(
      expect.objectContaining({
        username: 'sandbox',
        api_key_hint: '…1234',
        sender_id: 'CAFEWIFI',
      }),
    );

    const seen = await clientAs(admin).rpc('payment_settings', {
      p_organization_id: hotspot.organizationId,
    });
    expect(seen.data.mpesa.passkey_hint).toBe('…c919');
    expect(JSON.stringify(seen.data)).not.toContain(PASSKEY);

    // The secrets are not reachable through the API at all.
    const direct = await clientAs(owner)
      .schema('private' as 'public')
      .from('mpesa_settings')
      .select('*');
    expect(direct.error).not.toBeNull();

    const [audit] = await ownerSql()`select new from public.audit_log
      where organization_id = ${hotspot.organizationId} and table_name = 'mpesa_settings' order by id limit 1`;
    expect(JSON.stringify(audit!.new)).not.toContain('consumer-secret');
  });

  it('the Transaction Status initiator: its credential write-only, set with its name', async () => {
    const base = {
      p_organization_id: hotspot.organizationId,
      p_environment: 'sandbox',
      p_shortcode: '174379',
      p_account_type: 'paybill',
    };
    const alone = await clientAs(owner).rpc('set_mpesa_settings', {
      ...base,
      p_initiator_name: 'apiop',
    });
    // The hotspot starts with the simulator's initiator: a name alone replaces only the name.
    expect(alone.error).toBeNull();
    const credential = 'encrypted-initiator-password-QRST';
    const saved = await clientAs(owner).rpc('set_mpesa_settings', {
      ...base,
      p_initiator_name: 'testapi',
      p_security_credential: credential,
    });
    expect(saved.error).toBeNull();
    expect(saved.data.mpesa).toMatchObject({
      initiator_name: 'testapi',
      security_credential_hint: '…QRST',
    });
    const seen = await clientAs(admin).rpc('payment_settings', {
      p_organization_id: hotspot.organizationId,
    });
    expect(JSON.stringify(seen.data)).not.toContain(credential);
    const [audit] = await ownerSql()`select new from public.audit_log
      where organization_id = ${hotspot.organizationId} and table_name = 'mpesa_settings'
      order by id desc limit 1`;
    expect(JSON.stringify(audit!.new)).not.toContain(credential);
    const bad = await clientAs(owner).rpc('set_mpesa_settings', {
      ...base,
      p_initiator_name: 'not a name!',
    });
    expect(bad.error?.hint).toBe('mpesa_settings_invalid');
    // Put the simulator's credential back for the other tests of this file.
    await ownerSql()`update private.mpesa_settings
      set security_credential = 'c2ltdWxhdG9yLWluaXRpYXRvci1jcmVkZW50aWFs'
      where organization_id = ${hotspot.organizationId}`;
  });

  it('admins and agents cannot write them; bad values are refused', async () => {
    for (const user of [admin, agent]) {
      const denied = await clientAs(user).rpc('set_mpesa_settings', {
        p_organization_id: hotspot.organizationId,
        p_environment: 'production',
        p_shortcode: '999999',
        p_account_type: 'paybill',
      });
      expect(denied.error?.code).toBe('42501');
    }
    const agentRead = await clientAs(agent).rpc('payment_settings', {
      p_organization_id: hotspot.organizationId,
    });
    expect(agentRead.error?.code).toBe('42501');
    const bad = await clientAs(owner).rpc('set_mpesa_settings', {
      p_organization_id: hotspot.organizationId,
      p_environment: 'sandbox',
      p_shortcode: '12',
      p_account_type: 'paybill',
    });
    expect(bad.error?.code).toBe('22023');
    const till = await clientAs(owner).rpc('set_mpesa_settings', {
      p_organization_id: hotspot.organizationId,
      p_environment: 'sandbox',
      p_shortcode: '174379',
      p_account_type: 'till',
    });
    expect(till.error?.code).toBe('22023');
    const [row] =
      await ownerSql()`select environment, shortcode from private.mpesa_settings where organization_id = ${hotspot.organizationId}`;
    expect(row).toEqual({ environment: 'sandbox', shortcode: '174379' });
  });

  it('uses the sender id set by the owner for the voucher SMS', async () => {
    const phone = testPhone();
    const started = await startPayment(hotspot, { phone });
    expect((await settled(started.body.payment_id!)).status).toBe('success');
    const [message] = await waitFor(
      async () => {
        const m = await simMessages(phone);
        return m.length ? m : null;
      },
      8000,
      'SMS',
    );
    expect((message as unknown as { from: string }).from).toBe('CAFEWIFI');
  });
});

describe('who may start a payment', () => {
  it('an owner or admin signed in (own JWT) may; an agent may not', async () => {
    const byAdmin = await startPayment(hotspot, { phone: testPhone() }, admin.accessToken);
    expect(byAdmin.status).toBe(201);
    const byAgent = await startPayment(hotspot, { phone: testPhone() }, agent.accessToken);
    expect(byAgent.status).toBe(403);
    const outsider = await createPayHotspot(20);
    const elsewhere = await startPayment(outsider, { phone: testPhone() }, admin.accessToken);
    expect(elsewhere.status).toBe(403);
  });
});

describe('SMS delivery', () => {
  it('records a recipient refused inside HTTP 201 as failed, without retrying', async () => {
    const phone = testPhone('0405');
    const [sms] = await ownerSql()`
      insert into public.sms_outbox (organization_id, to_phone, body)
      values (${hotspot.organizationId}, ${phone}, 'test') returning id`;
    const row = await waitFor(
      async () => {
        const [r] = await ownerSql()`select * from public.sms_outbox where id = ${sms!.id}`;
        return r!.status !== 'queued' ? r : null;
      },
      8000,
      'SMS attempt',
    );
    expect(row).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: '405 InsufficientBalance',
    });
    expect(row.provider_status[0]).toMatchObject({
      statusCode: 405,
      status: 'InsufficientBalance',
    });
  });

  it('retries a transport failure later, with backoff', async () => {
    const phone = testPhone('0500');
    const [sms] = await ownerSql()`
      insert into public.sms_outbox (organization_id, to_phone, body)
      values (${hotspot.organizationId}, ${phone}, 'test') returning id`;
    const row = await waitFor(
      async () => {
        const [r] =
          await ownerSql()`select *, next_attempt_at > now() + interval '20 seconds' as later
                                   from public.sms_outbox where id = ${sms!.id}`;
        return r!.attempts >= 1 && r!.last_error ? r : null;
      },
      8000,
      'SMS attempt',
    );
    expect(row).toMatchObject({
      status: 'queued',
      attempts: 1,
      last_error: 'HTTP 500',
      later: true,
    });
  });

  it('sms-dispatch is for the service role only and validates its input', async () => {
    const response = await fetch(`${stackInfo().supabaseUrl}/functions/v1/sms-dispatch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stackInfo().publishableKey}` },
    });
    expect(response.status).toBe(403);
    expect((await runFunction('sms-dispatch', { limit: 0 })).status).toBe(400);
  });
});
