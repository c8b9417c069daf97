// A router's client file: its name must be the address exactly as FreeRADIUS prints it (it
// refuses to start on a file whose name differs), and nothing unsafe may become a file name or
// a section. The integration tests prove FreeRADIUS reads what is written.
import { describe, expect, it } from 'vitest';
import {
  canonicalAddress,
  clientFile,
  clientProblem,
  renderClient,
  type RadiusClient,
} from '../../radius/clients-conf.ts';

const router = (nasIp: string, secret = 'hex-secret'): RadiusClient => ({
  routerId: '0b7e4f3c-1d2a-4b5c-8d9e-0f1a2b3c4d5e',
  nasIp,
  secret,
  requireMessageAuthenticator: true,
});

describe('client files', () => {
  it('are named by the address, in a folder per family', () => {
    expect(clientFile(router('10.44.1.23'))).toBe('ipv4/10.44.1.23');
    expect(clientFile(router('fd00:44::1:23'))).toBe('ipv6/fd00:44::1:23');
  });

  it('accept only addresses spelt as FreeRADIUS spells them', () => {
    for (const address of ['10.44.1.23', '127.0.0.1', 'fd00::5', 'fd00:0:0:1::5', '2001:db8::'])
      expect(canonicalAddress(address), address).toBe(true);
    for (const address of [
      '010.44.1.23', // leading zero
      '10.44.1.256',
      '10.44.1',
      'FD00::5', // upper case
      'fd00:0:0:0::5', // not compressed
      'fd00:0:0:0:0:0:0:5',
      '::ffff:10.44.1.23', // IPv4-mapped: inet_ntop writes a dotted tail
      '10.44.1.0/24',
      '../clients.conf',
      '..',
      '',
    ])
      expect(canonicalAddress(address), address).toBe(false);
  });

  it('are refused for all-zero addresses, which FreeRADIUS reads as "anyone"', () => {
    expect(clientProblem(router('0.0.0.0'))).toMatch(/all zeros/);
    expect(clientProblem(router('::'))).toMatch(/all zeros/);
    expect(clientProblem(router('10.0.0.0'))).toBeNull();
  });

  it('quote the secret so that FreeRADIUS expands nothing in it', () => {
    expect(renderClient(router('10.44.1.23', `q'u"o$te{s}%{User-Name}`))).toBe(
      [
        'client 0b7e4f3c-1d2a-4b5c-8d9e-0f1a2b3c4d5e {',
        '\tipaddr = 10.44.1.23',
        `\tsecret = 'q\\'u"o$te{s}%{User-Name}'`,
        '\tshortname = 0b7e4f3c-1d2a-4b5c-8d9e-0f1a2b3c4d5e',
        '\trequire_message_authenticator = yes',
        '}',
        '',
      ].join('\n'),
    );
    expect(clientProblem(router('10.44.1.23', 'back\\slash'))).toMatch(/backslash/);
    expect(() => renderClient(router('10.44.1.23', 'new\nline'))).toThrow(/control character/);
  });
});
