// Limits enforced mid-session: Disconnect-Requests (RFC 5176) over real UDP to a listener on the
// router's own address, which checks them against the router's secret and answers ACK or NAK;
// the agent records the answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accounting,
  createHotspot,
  disconnectsOf,
  eventually,
  listenForDisconnects,
  login,
  session,
  type CoaListener,
  type DisconnectRequest,
  type Hotspot,
  type Session,
} from '../support/radius.ts';
import { clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

let hotspot: Hotspot;
let listener: CoaListener;
let owner: TestUser;
let agent: TestUser;

beforeAll(async () => {
  // Two devices, 10 minutes of time, 1 MB of data.
  hotspot = await createHotspot({
    validitySeconds: 86_400,
    timeQuotaSeconds: 600,
    dataQuotaBytes: 1_000_000,
    devicesAllowed: 2,
  });
  listener = await listenForDisconnects(hotspot.router);
  [owner, agent] = await Promise.all([createTestUser('coa-owner'), createTestUser('coa-agent')]);
  await ownerSql()`
    insert into public.memberships (organization_id, user_id, role)
    values (${hotspot.organizationId}, ${owner.id}, 'owner'),
           (${hotspot.organizationId}, ${agent.id}, 'agent')`;
});
afterAll(() => listener.close());

/** A voucher with `devices` sessions online (logged in and started). */
async function online(devices = 1): Promise<{ code: string; sessions: Session[] }> {
  const code = await hotspot.voucher();
  const sessions: Session[] = [];
  for (let i = 0; i < devices; i++) {
    const s = session(hotspot.router, code);
    expect((await login(hotspot.router, code, { mac: s.mac }))?.code).toBe('Access-Accept');
    expect((await accounting(s, 'Start'))?.code).toBe('Accounting-Response');
    sessions.push(s);
  }
  return { code, sessions };
}

/** The requests that arrive for a voucher's sessions, after those already seen. */
async function requestsFor(code: string, count: number): Promise<DisconnectRequest[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const mine = listener.received.filter((r) => r.userName === code);
    if (mine.length >= count || Date.now() > deadline) return mine;
    await listener.waitFor(listener.received.length + 1, deadline - Date.now()).catch(() => []);
  }
}

function expectWellFormed(request: DisconnectRequest, code: string, s: Session) {
  expect(request.packet.code).toBe(40);
  expect(request.signed).toBe(true);
  expect(request.userName).toBe(code);
  expect(request.acctSessionId).toBe(s.sessionId);
  expect(request.callingStationId).toBe(s.mac);
  expect(Math.abs(request.eventTimestamp! - Date.now() / 1000)).toBeLessThan(10);
}

describe('when accounting shows a voucher used up', () => {
  it('disconnects every open session of it and records the ACKs', async () => {
    const { code, sessions } = await online(2);
    // The first device alone stays within the quota; its Interim takes the voucher past it.
    await accounting(sessions[0], 'Interim-Update', { seconds: 300 });
    expect(listener.received.filter((r) => r.userName === code)).toHaveLength(0);
    await accounting(sessions[1], 'Interim-Update', { seconds: 301 });

    const requests = await requestsFor(code, 2);
    expect(requests).toHaveLength(2);
    const bySession = new Map(requests.map((r) => [r.acctSessionId, r]));
    for (const s of sessions) expectWellFormed(bySession.get(s.sessionId)!, code, s);

    const rows = await eventually(
      () => disconnectsOf(code),
      (r) => r.length === 2 && r.every((d) => d.state === 'ack'),
    );
    expect(rows.map((d) => [d.reason, d.state, d.attempts])).toEqual([
      ['exhausted', 'ack', 1],
      ['exhausted', 'ack', 1],
    ]);
    // The routers' Stops follow; nothing more is sent.
    for (const s of sessions) await accounting(s, 'Stop', { seconds: 305, cause: 'Admin-Reset' });
    expect(await disconnectsOf(code)).toHaveLength(2);
  });

  it('disconnects on the data quota too, and again if the router keeps the session', async () => {
    const { code, sessions } = await online(1);
    await accounting(sessions[0], 'Interim-Update', { seconds: 60, output: 1_000_000n });
    expect(await requestsFor(code, 1)).toHaveLength(1);
    await eventually(
      () => disconnectsOf(code),
      (r) => r[0]?.state === 'ack',
    );
    // An Interim after the ACK: the session is still there, so it is asked again.
    await accounting(sessions[0], 'Interim-Update', { seconds: 120, output: 1_200_000n });
    expect(await requestsFor(code, 2)).toHaveLength(2);
    const rows = await eventually(
      () => disconnectsOf(code),
      (r) => r.length === 2 && r[1].state === 'ack',
    );
    expect(rows.map((d) => d.reason)).toEqual(['exhausted', 'exhausted']);
  });

  it('disconnects a session that accounting shows past the validity', async () => {
    const { code, sessions } = await online(1);
    await ownerSql()`update public.vouchers set expires_at = now() - interval '1 second'
                     where code = ${code}`;
    await accounting(sessions[0], 'Interim-Update', { seconds: 30 });
    expectWellFormed((await requestsFor(code, 1))[0], code, sessions[0]);
    const rows = await eventually(
      () => disconnectsOf(code),
      (r) => r[0]?.state === 'ack',
    );
    expect(rows[0]).toMatchObject({ reason: 'expired', state: 'ack' });
    expect(
      (await ownerSql()`select status from public.vouchers where code = ${code}`)[0].status,
    ).toBe('expired');
  });
});

describe('when the sweeper finds a voucher past its validity', () => {
  it('disconnects its sessions even though the router sent no accounting since', async () => {
    const { code, sessions } = await online(1);
    await ownerSql()`update public.vouchers set expires_at = now() - interval '1 second'
                     where code = ${code}`;
    expect(listener.received.filter((r) => r.userName === code)).toHaveLength(0);
    // What the agent's housekeeping (or pg_cron) runs every minute.
    const [{ result }] = await ownerSql()`select radius.sweep() as result`;
    expect(result.expired_vouchers).toBeGreaterThanOrEqual(1);
    expectWellFormed((await requestsFor(code, 1))[0], code, sessions[0]);
    const rows = await eventually(
      () => disconnectsOf(code),
      (r) => r[0]?.state === 'ack',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason: 'expired', state: 'ack' });
  });
});

describe('when an owner revokes a voucher', () => {
  it('disconnects its sessions and records the NAK with its Error-Cause', async () => {
    const { code, sessions } = await online(1);
    // 503 Session-Context-Not-Found: the router no longer has it.
    listener.answers.push({ code: 'nak', errorCause: 503 });
    const { error } = await clientAs(owner)
      .from('vouchers')
      .update({ status: 'revoked' })
      .eq('code', code);
    expect(error).toBeNull();
    expectWellFormed((await requestsFor(code, 1))[0], code, sessions[0]);
    const rows = await eventually(
      () => disconnectsOf(code),
      (r) => r[0]?.state === 'nak',
    );
    expect(rows).toEqual([
      {
        reason: 'revoked',
        state: 'nak',
        attempts: 1,
        error_cause: 503,
        acctsessionid: sessions[0].sessionId,
        requested_by: owner.id,
      },
    ]);
  });
});

describe('when an admin asks', () => {
  it("disconnects one device's session, retransmitting until a correctly signed answer", async () => {
    const { code, sessions } = await online(2);
    const [voucher] = await ownerSql()`select id from public.vouchers where code = ${code}`;
    // The first answer is signed with the wrong secret and the second never comes: the agent
    // retransmits the same packet until the third is answered properly.
    listener.answers.push({ code: 'forged' }, { code: 'silence' });

    const denied = await clientAs(agent).rpc('disconnect_session', { p_voucher_id: voucher.id });
    expect(denied.error?.code).toBe('42501');

    const { data, error } = await clientAs(owner).rpc('disconnect_session', {
      p_voucher_id: voucher.id,
      p_mac: sessions[1].mac.toLowerCase().replaceAll(':', '-'),
    });
    expect(error).toBeNull();
    expect(data).toBe(1);

    const requests = await requestsFor(code, 3);
    expect(requests).toHaveLength(3);
    for (const r of requests) expectWellFormed(r, code, sessions[1]);
    // Retransmissions are the same packet: same identifier and authenticator.
    expect(new Set(requests.map((r) => r.packet.raw.toString('hex'))).size).toBe(1);
    const rows = await eventually(
      () => disconnectsOf(code),
      (r) => r[0]?.state === 'ack',
    );
    expect(rows).toEqual([
      {
        reason: 'admin',
        state: 'ack',
        attempts: 1,
        error_cause: null,
        acctsessionid: sessions[1].sessionId,
        requested_by: owner.id,
      },
    ]);
    // The voucher itself stays usable.
    expect((await login(hotspot.router, code, { mac: sessions[1].mac }))?.code).toBe(
      'Access-Accept',
    );
  });

  it('queues nothing for a voucher without open sessions, and refuses outsiders', async () => {
    const code = await hotspot.voucher();
    const [voucher] = await ownerSql()`select id from public.vouchers where code = ${code}`;
    const { data, error } = await clientAs(owner).rpc('disconnect_session', {
      p_voucher_id: voucher.id,
    });
    expect(error).toBeNull();
    expect(data).toBe(0);
    const outsider = await createTestUser('coa-outsider');
    const refused = await clientAs(outsider).rpc('disconnect_session', {
      p_voucher_id: voucher.id,
    });
    expect(refused.error?.code).toBe('42501');
  });
});
