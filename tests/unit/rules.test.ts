// The small shared rules (roles, languages, MACs, MSISDNs) on their own; the same modules
// against the database's copies: tests/integration/rule-parity.test.ts.
import { describe, expect, it } from 'vitest';
import {
  assignableRoles,
  canManageMember,
  fromMsisdn,
  isMac,
  isMsisdn,
  languageOrDefault,
  normalizeMac,
  parseVoucherCode,
  roleAtLeast,
  rolesAtLeast,
} from '../../supabase/functions/_shared/domain/index.ts';

describe('roles', () => {
  it('are ordered owner > admin > agent', () => {
    expect(rolesAtLeast('owner')).toEqual(['owner']);
    expect(rolesAtLeast('admin')).toEqual(['owner', 'admin']);
    expect(rolesAtLeast('agent')).toEqual(['owner', 'admin', 'agent']);
    expect(roleAtLeast('agent', 'admin')).toBe(false);
    expect(roleAtLeast(null, 'agent')).toBe(false);
  });

  it('let owners manage anyone, admins admins and agents, agents nobody', () => {
    expect(assignableRoles('owner')).toEqual(['owner', 'admin', 'agent']);
    expect(assignableRoles('admin')).toEqual(['admin', 'agent']);
    expect(assignableRoles('agent')).toEqual([]);
    expect(canManageMember('admin', 'owner')).toBe(false);
    expect(canManageMember('admin', 'admin')).toBe(true);
  });
});

describe('languages', () => {
  it('fall back to English for anything that is not exactly a language', () => {
    expect(languageOrDefault('sw')).toBe('sw');
    for (const other of ['SW', 'sw-KE', 'fr', '', null, undefined]) {
      expect(languageOrDefault(other)).toBe('en');
    }
  });
});

describe('MACs and MSISDNs', () => {
  it('a MAC keeps a tab or newline (and so is not one), as the SQL does', () => {
    expect(normalizeMac(' AA-BB-CC-DD-EE-FF ')).toBe('aa:bb:cc:dd:ee:ff');
    expect(isMac('\taa:bb:cc:dd:ee:ff')).toBe(false);
  });

  it('an MSISDN is the E.164 number without its plus', () => {
    expect(fromMsisdn('254712345678')).toBe('+254712345678');
    expect(fromMsisdn('254112345678')).toBe('+254112345678');
    for (const bad of ['+254712345678', '0712345678', '255712345678', '2547123456']) {
      expect(isMsisdn(bad), bad).toBe(false);
    }
  });
});

describe('voucher codes', () => {
  it('upper-case only a-z, as SQL upper() does (ß does not become SS)', () => {
    expect(parseVoucherCode('abcdeßfghj')).toMatchObject({ ok: false, reason: 'characters' });
  });
});
