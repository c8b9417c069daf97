import { describe, expect, it } from 'vitest';
import {
  clientMac,
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
import { fasToken, parseFas } from '../../portal/src/lib/server/opennds.ts';

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
    expect(controllerLogin(controller, 'secret123', vars, { dst })).toMatchObject({
      method: 'post',
      fields: expect.arrayContaining([['dst', dst]]),
    });
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
    expect(classifyLoginError('WB_NOT_ACTIVE')).toBe('not-active');
    expect(classifyLoginError('Access denied: WB_DEVICE_LIMIT')).toBe('devices');
    expect(classifyLoginError('invalid username or password')).toBe('unknown');
    expect(classifyLoginError('no more sessions are allowed for user')).toBe('devices');
    expect(classifyLoginError('RADIUS server is not responding')).toBe('unavailable');
    expect(classifyLoginError('something new')).toBe('other');
  });
});

describe('openNDS FAS (level 1)', () => {
  const fas = (text: string) => Buffer.from(text).toString('base64');
  const vars = {
    fas: fas(
      'hid=abc123def4567890, clientip=192.168.8.23, clientmac=aa:bb:cc:00:11:22, ' +
        'gatewayname=Cafe, gatewayaddress=192.168.8.1:2050, originurl=http://example.com/',
    ),
  };

  it('computes the tok of the reference worked example', () => {
    expect(fasToken('abc123hid', 'mykey')).toBe(
      '2167d0f2df5a2e7b617f53ebd521dfa71dc61faf017f018d2ab06a83a3e7d9d7',
    );
  });

  it('reads the client from fas and sends the browser to opennds_auth with the tok', () => {
    expect(parseFas(vars.fas)).toEqual({
      hid: 'abc123def4567890',
      mac: 'aa:bb:cc:00:11:22',
      authUrl: 'http://192.168.8.1:2050/opennds_auth/',
      originUrl: 'http://example.com/',
    });
    expect(clientMac(vars)).toBe('aa:bb:cc:00:11:22');
    const controller = detectController(vars);
    expect(controller.kind).toBe('opennds');
    expect(controllerLogin(controller, 'ABCDEFGHJK', vars, { faskey: 'k3y' })).toEqual({
      method: 'get',
      action: 'http://192.168.8.1:2050/opennds_auth/',
      fields: [
        ['tok', fasToken('abc123def4567890', 'k3y')],
        ['redir', 'http://example.com/'],
      ],
    });
    // Without the faskey no tok can be right: the page shows the code instead.
    expect(controllerLogin(controller, 'ABCDEFGHJK', vars)).toEqual({ method: 'none' });
  });

  it('refuses a fas without a hid or with a gateway that is not an address', () => {
    expect(parseFas(fas('clientip=1.2.3.4, gatewayaddress=192.168.8.1:2050'))).toBeNull();
    expect(parseFas(fas('hid=abc123def4567890, gatewayaddress=evil.example/x'))).toBeNull();
    expect(parseFas('not base64 !')).toBeNull();
    expect(detectController({ fas: fas('hid=zz') }).kind).toBe('generic');
  });
});
