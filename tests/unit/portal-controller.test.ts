import { describe, expect, it } from 'vitest';
import {
  controllerLogin,
  controllerVars,
  coovaChapResponse,
  coovaPapPassword,
  decodeOctalEscapes,
  detectController,
  forPage,
  freshChallengeLogin,
  isHttpsPage,
  mikrotikChapResponse,
} from '../../portal/src/lib/server/controller.ts';
import { classifyLoginError } from '../../portal/src/lib/login-errors.ts';

const chapId = '\\371';
const chapChallenge =
  '\\357\\015\\330\\013\\021\\234\\145\\245\\303\\253\\142\\246\\133\\175\\375\\316';

describe('MikroTik', () => {
  it('decodes octal escapes to bytes and refuses anything else', () => {
    expect(decodeOctalEscapes(chapId)).toEqual(Buffer.from([0o371]));
    expect(decodeOctalEscapes(chapChallenge)?.length).toBe(16);
    expect(decodeOctalEscapes('\\371x')).toBeNull();
    expect(decodeOctalEscapes('')).toBeNull();
    expect(decodeOctalEscapes('\\38')).toBeNull();
  });

  it('computes the CHAP response of the reference worked example', () => {
    expect(
      mikrotikChapResponse(
        decodeOctalEscapes(chapId)!,
        'secret123',
        decodeOctalEscapes(chapChallenge)!,
      ),
    ).toBe('7f78982b77b6f6de717e481629790331');
  });

  it('posts username, CHAP password and dst to link-login-only', () => {
    const vars = controllerVars(
      new URLSearchParams({
        mac: 'AA:BB:CC:DD:EE:FF',
        ip: '10.5.50.2',
        'link-login-only': 'http://10.5.50.1/login',
        'link-orig': 'http://example.com/',
        'chap-id': chapId,
        'chap-challenge': chapChallenge,
        error: 'WB_EXPIRED',
        other: 'dropped',
      }),
    );
    expect(vars).not.toHaveProperty('other');
    expect(vars).not.toHaveProperty('error');
    const controller = detectController(vars);
    expect(controller.kind).toBe('mikrotik');
    expect(controllerLogin(controller, 'secret123', vars)).toEqual({
      method: 'post',
      action: 'http://10.5.50.1/login',
      fields: [
        ['username', 'secret123'],
        ['password', '7f78982b77b6f6de717e481629790331'],
        ['dst', 'http://example.com/'],
        ['popup', 'false'],
      ],
    });
  });

  it('after a payment, asks the router for a fresh challenge first, then sends the browser on to dst', () => {
    const vars = controllerVars(
      new URLSearchParams({
        'link-login-only': 'http://10.5.50.1/login',
        'link-orig': 'http://example.com/',
        'chap-id': chapId,
        'chap-challenge': chapChallenge,
      }),
    );
    const controller = detectController(vars);
    expect(freshChallengeLogin(controller, vars)).toEqual({
      method: 'get',
      action: 'http://10.5.50.1/login',
      fields: [['dst', 'http://example.com/']],
    });
    const dst = 'https://portal.example/s/cafe/p/0123/connected?lang=en';
    expect(controllerLogin(controller, 'secret123', vars, { dst }).fields).toContainEqual([
      'dst',
      dst,
    ]);
    // PAP and CoovaChilli have no challenge to go stale.
    const pap = { 'link-login-only': 'http://hotspot.lan/login' };
    expect(freshChallengeLogin(detectController(pap), pap)).toBeNull();
    expect(freshChallengeLogin({ kind: 'generic' }, {})).toBeNull();
  });

  it('from an https page, sends the browser to an http controller by link instead of a form', () => {
    const login = {
      method: 'post' as const,
      action: 'http://10.5.50.1/login',
      fields: [
        ['username', 'ABCDEFGHJK'],
        ['password', '0f'.repeat(16)],
      ] as [string, string][],
    };
    expect(forPage(login, false)).toBe(login);
    expect(forPage(login, true)).toEqual({
      method: 'link',
      href: `http://10.5.50.1/login?username=ABCDEFGHJK&password=${'0f'.repeat(16)}`,
    });
    const secure = { ...login, action: 'https://hotspot.example/login' };
    expect(forPage(secure, true)).toBe(secure);
    expect(forPage({ method: 'none' }, true)).toEqual({ method: 'none' });
    const headers = new Headers({ 'x-forwarded-proto': 'https' });
    expect(isHttpsPage(new URL('http://127.0.0.1/'), headers)).toBe(true);
    expect(isHttpsPage(new URL('http://127.0.0.1/'), new Headers())).toBe(false);
  });

  it('falls back to PAP without a challenge, and refuses non-http login addresses', () => {
    const pap = { 'link-login-only': 'http://hotspot.lan/login' };
    expect(controllerLogin(detectController(pap), 'ABCDEFGHJK', pap)).toMatchObject({
      fields: [
        ['username', 'ABCDEFGHJK'],
        ['password', 'ABCDEFGHJK'],
        ['popup', 'false'],
      ],
    });
    expect(detectController({ 'link-login-only': 'javascript:alert(1)' }).kind).toBe('generic');
    expect(detectController({ 'link-login-only': 'http://u:p@10.0.0.1/login' }).kind).toBe(
      'generic',
    );
  });
});

describe('CoovaChilli', () => {
  const challenge = Buffer.from('8b10938e9770a389af6667748c2c828f', 'hex');

  it('computes CHAP and PAP with uamsecret as in the reference worked example', () => {
    expect(coovaChapResponse(challenge, 'secret123', 'uamsecret')).toBe(
      'c6be83bbbd2a41e815cd6d2568a8132b',
    );
    expect(coovaPapPassword(challenge, 'secret123', 'uamsecret')).toBe('afd4f3cb50e15323ba');
  });

  it('logs in with a GET to uamip:uamport/logon', () => {
    const vars = {
      res: 'notyet',
      uamip: '10.1.0.1',
      uamport: '3990',
      challenge: '8b10938e9770a389af6667748c2c828f',
      userurl: 'http://example.com/',
    };
    const controller = detectController(vars);
    expect(controller.kind).toBe('coova');
    expect(controllerLogin(controller, 'secret123', vars, { uamsecret: 'uamsecret' })).toEqual({
      method: 'get',
      action: 'http://10.1.0.1:3990/logon',
      fields: [
        ['username', 'secret123'],
        ['response', 'c6be83bbbd2a41e815cd6d2568a8132b'],
        ['userurl', 'http://example.com/'],
      ],
    });
    expect(detectController({ ...vars, uamip: 'evil.example' }).kind).toBe('generic');
  });
});

describe('controller errors', () => {
  it('maps reason codes and MikroTik texts to plain-word kinds', () => {
    expect(classifyLoginError('WB_EXPIRED')).toBe('expired');
    expect(classifyLoginError('Access denied: WB_DEVICE_LIMIT')).toBe('devices');
    expect(classifyLoginError('invalid username or password')).toBe('unknown');
    expect(classifyLoginError('no more sessions are allowed for user')).toBe('devices');
    expect(classifyLoginError('RADIUS server is not responding')).toBe('unavailable');
    expect(classifyLoginError('something new')).toBe('other');
  });
});
