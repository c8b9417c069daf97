// Rules that both the database and the TypeScript apply: the TypeScript module under
// supabase/functions/_shared/domain/ is the rule's one home on its side, and whatever SQL
// restates it gets the same cases (./rule-parity.cases.ts) and must answer the same. SQL runs
// as the database owner `postgres` (it may execute private.* and radius.*); what a case writes
// is rolled back. Where SQL has no function for a rule yet, what it has is tested (a CHECK, a
// trigger, an RPC, the role lists in policies).
import { describe, expect, it } from 'vitest';
import {
  KENYAN_E164_PATTERN,
  LANGUAGES,
  VOUCHER_ALPHABET,
  VOUCHER_CODE_LENGTH,
  assignableRoles,
  canManageMember,
  compareRoles,
  generateVoucherCode,
  isKenyanE164,
  isLanguage,
  isMac,
  isRole,
  isVoucherCode,
  isVoucherPrefix,
  languageOrDefault,
  normalizeKenyanPhone,
  normalizeMac,
  normalizeVoucherCode,
  parseVoucherCode,
  ROLES,
  rolesAtLeast,
  statusForResultCode,
  type Role,
} from '../../supabase/functions/_shared/domain/index.ts';
import { randomTag } from '../support/personas.ts';
import {
  actAs,
  attempt,
  hotspot,
  rolledBack,
  sqlEach,
  user,
  type Tx,
} from '../support/rolled-back.ts';
import { ownerSql } from '../support/users.ts';
import * as cases from './rule-parity.cases.ts';

const sql = ownerSql();

const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/** [input, answer] pairs, so that a failure names the input. */
const paired = <I>(inputs: readonly I[], answers: readonly unknown[]) =>
  inputs.map((input, i) => [input, answers[i]]);

/** What SQL must answer: TypeScript's answer to each input. */
const expected = <I>(inputs: readonly I[], ts: (input: I) => unknown) =>
  inputs.map((input) => [input, ts(input)]);

describe('Kenyan mobile numbers (domain/phone.ts)', () => {
  it('private.normalise_phone() gives what normalizeKenyanPhone() gives', async () => {
    const ts = (input: string | null) => {
      const result = normalizeKenyanPhone(input as string);
      return result.ok ? result.e164 : null;
    };
    const answers = await sqlEach('private.normalise_phone(input)', cases.PHONES);
    expect(paired(cases.PHONES, answers)).toEqual(expected(cases.PHONES, ts));
  });

  it('every stored phone column has the CHECK KENYAN_E164_PATTERN states, taking what isKenyanE164() takes', async () => {
    const checks = await sql<{ name: string; definition: string }[]>`
      select format('%s.%s', c.conrelid::regclass, c.conname) as name,
             pg_catalog.pg_get_constraintdef(c.oid) as definition
      from pg_catalog.pg_constraint c
      where c.contype = 'c' and pg_catalog.pg_get_constraintdef(c.oid) like '%+254%'
      order by 1`;
    expect(checks.map((c) => c.name)).toEqual([
      'customers.customers_phone_check',
      'payments.payments_phone_check',
      'private.unmatched_receipts.unmatched_receipts_phone_check',
      'private.unmatched_receipts.unmatched_receipts_verified_phone_check',
      'sms_outbox.sms_outbox_to_phone_check',
    ]);
    // The pattern itself, or also the marker an erasure leaves (public.erase_customer), which no
    // phone the domain takes can match.
    const kenyan = `\\w+ ~ '${escapeRegExp(KENYAN_E164_PATTERN.source)}'::text`;
    const erased = `\\w+ ~ '${escapeRegExp('^erased:[0-9a-f]{32}$')}'::text`;
    for (const check of checks) {
      expect(check.definition, check.name).toMatch(
        new RegExp(`^CHECK \\(\\((${kenyan}|\\(${kenyan}\\) OR \\(${erased}\\))\\)\\)$`),
      );
    }
    const answers = await rolledBack(async (tx) => {
      const { org } = await hotspot(tx);
      const out = [];
      for (const phone of cases.STORED_PHONES) {
        out.push(
          await attempt(tx, (sp) =>
            sp`insert into public.customers (organization_id, phone) values (${org}, ${phone})`.then(
              () => 'ok',
            ),
          ),
        );
      }
      return out;
    });
    expect(paired(cases.STORED_PHONES, answers)).toEqual(
      expected(cases.STORED_PHONES, (phone) => (isKenyanE164(phone) ? 'ok' : '23514')),
    );
  });
});

describe('voucher codes (domain/voucher-code.ts)', () => {
  it('private.new_voucher_code() draws codes of the alphabet and length (2,000 of them)', async () => {
    const rows = await sql`select private.new_voucher_code() as code from generate_series(1, 2000)`;
    const codes = rows.map((row) => row.code as string);
    expect(codes.filter((c) => !isVoucherCode(c) || c.length !== VOUCHER_CODE_LENGTH)).toEqual([]);
    // 20,000 symbols: every one of the alphabet shows up (a missing one is a 1e-270 chance).
    expect([...new Set(codes.join(''))].sort().join('')).toBe(
      [...VOUCHER_ALPHABET].sort().join(''),
    );
  });

  it('private.normalise_voucher_code() and is_voucher_code() agree with normalizeVoucherCode() and isVoucherCode()', async () => {
    const inputs = [...cases.typedCodes(generateVoucherCode('K7')), ...cases.CODES];
    const normal = await sqlEach('private.normalise_voucher_code(input)', inputs);
    expect(paired(inputs, normal)).toEqual(expected(inputs, normalizeVoucherCode));
    const valid = await sqlEach('private.is_voucher_code(input)', inputs);
    expect(paired(inputs, valid)).toEqual(expected(inputs, isVoucherCode));
  });

  it('the vouchers trigger takes a code exactly when isVoucherCode() takes it upper-cased', async () => {
    const answers = await rolledBack(async (tx) => {
      const { org, plan } = await hotspot(tx);
      const out = [];
      for (const code of cases.CODES) {
        const result = await attempt(tx, (sp) =>
          sp`insert into public.vouchers (organization_id, plan_id, code)
             values (${org}, ${plan}, ${code})`.then(() => 'ok'),
        );
        // 23505: the trigger passed it and another test's voucher holds the code already.
        out.push(result === '23505' ? 'ok' : result);
      }
      return out;
    });
    // voucher_freeze_plan() upper-cases the code before the check; only a-z change here.
    const ts = (code: string) =>
      isVoucherCode(code.replace(/[a-z]/g, (c) => c.toUpperCase())) ? 'ok' : '23514';
    expect(paired(cases.CODES, answers)).toEqual(expected(cases.CODES, ts));
  });

  it('the voucher_batches.prefix CHECK takes exactly what isVoucherPrefix() takes', async () => {
    const answers = await rolledBack(async (tx) => {
      const { org, plan } = await hotspot(tx);
      const out = [];
      for (const prefix of cases.PREFIXES) {
        out.push(
          await attempt(tx, (sp) =>
            sp`insert into public.voucher_batches (organization_id, plan_id, count, prefix)
               values (${org}, ${plan}, 1, ${prefix})`.then(() => 'ok'),
          ),
        );
      }
      return out;
    });
    expect(paired(cases.PREFIXES, answers)).toEqual(
      expected(cases.PREFIXES, (prefix) => (isVoucherPrefix(prefix) ? 'ok' : '23514')),
    );
  });

  it('portal_voucher_status() finds a voucher under the spellings parseVoucherCode() accepts', async () => {
    for (const code of [generateVoucherCode(), generateVoucherCode('K7')]) {
      const typed = cases.typedCodes(code);
      const answers = await rolledBack(async (tx) => {
        const { org, plan, slug } = await hotspot(tx);
        await tx`insert into public.vouchers (organization_id, plan_id, code)
                 values (${org}, ${plan}, ${code})`;
        const out = [];
        for (const input of typed) {
          out.push(
            await attempt(tx, async (sp) => {
              const [row] = await sp`select public.portal_voucher_status(${slug}, ${input}) as r`;
              const reply = row!.r as { ok: boolean; code?: string; error?: string };
              return reply.ok ? reply.code : reply.error === 'not_found' ? null : reply.error;
            }),
          );
        }
        return out;
      });
      const ts = (input: string) => {
        const parsed = parseVoucherCode(input);
        return parsed.ok && parsed.code === code ? code : null;
      };
      expect(paired(typed, answers)).toEqual(expected(typed, ts));
    }
  });
});

describe('MAC addresses (domain/mac.ts)', () => {
  it('radius.normalise_mac() and radius.is_mac() agree with normalizeMac() and isMac()', async () => {
    const normal = await sqlEach(
      'case when radius.is_mac(input) then radius.normalise_mac(input) end',
      cases.MACS,
    );
    expect(paired(cases.MACS, normal)).toEqual(
      expected(cases.MACS, (mac) => normalizeMac(mac as string)),
    );
    const macs = await sqlEach('radius.is_mac(input)', cases.MACS);
    expect(paired(cases.MACS, macs)).toEqual(expected(cases.MACS, (mac) => isMac(mac as string)));
  });

  it('private.mac_or_null() (the portal resume lookup, pay_start()) agrees with normalizeMac()', async () => {
    const answers = await sqlEach('private.mac_or_null(input)::text', cases.MACS);
    expect(paired(cases.MACS, answers)).toEqual(
      expected(cases.MACS, (mac) => normalizeMac(mac as string)),
    );
  });
});

describe('Daraja result codes (domain/daraja.ts)', () => {
  it('private.payment_status_for() settles every ResultCode as statusForResultCode() does', async () => {
    const inputs = cases.RESULT_CODES.map((code) => (code === null ? null : String(code)));
    const answers = await sqlEach('private.payment_status_for(input)', inputs);
    expect(paired(cases.RESULT_CODES, answers)).toEqual(
      expected(cases.RESULT_CODES, statusForResultCode),
    );
  });
});

describe('membership roles (domain/roles.ts)', () => {
  it('the memberships.role CHECK takes exactly the ROLES', async () => {
    const answers = await rolledBack(async (tx) => {
      const { org } = await hotspot(tx);
      const member = await user(tx, 'role-check');
      const out = [];
      for (const role of cases.ROLE_NAMES) {
        out.push(
          await attempt(tx, (sp) =>
            sp`insert into public.memberships (organization_id, user_id, role)
               values (${org}, ${member}, ${role})`.then(() => 'ok'),
          ),
        );
      }
      return out;
    });
    expect(paired(cases.ROLE_NAMES, answers)).toEqual(
      expected(cases.ROLE_NAMES, (role) => (isRole(role) ? 'ok' : '23514')),
    );
  });

  it('team_members() lists the team highest role first, as compareRoles() sorts', async () => {
    const team = await rolledBack(async (tx) => {
      const { org } = await hotspot(tx);
      // Email order is the reverse of role order, so only the role can put the owner first.
      const members: [string, Role][] = [
        ['d-owner', 'owner'],
        ['c-admin', 'admin'],
        ['a-admin', 'admin'],
        ['b-agent', 'agent'],
        ['0-agent', 'agent'],
      ];
      let owner = '';
      for (const [label, role] of members) {
        const id = await user(tx, label);
        if (role === 'owner') owner = id;
        await tx`insert into public.memberships (organization_id, user_id, role)
                 values (${org}, ${id}, ${role})`;
      }
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: owner })}, true)`;
      return tx<{ email: string; role: Role }[]>`
        select email, role from public.team_members(${org})`;
    });
    const sorted = [...team].sort(
      (a, b) => compareRoles(a.role, b.role) || (a.email < b.email ? -1 : 1),
    );
    expect(team.map((m) => m.email)).toEqual(sorted.map((m) => m.email));
    expect(team.map((m) => m.role)).toEqual(['owner', 'admin', 'admin', 'agent', 'agent']);
  });

  it('the membership rules let each role invite, change and remove whom roles.ts says', async () => {
    const outcomes = await rolledBack(async (tx) => {
      const { org } = await hotspot(tx);
      const join = async (label: string, role: Role) => {
        const id = await user(tx, label);
        const [row] = await tx`insert into public.memberships (organization_id, user_id, role)
                               values (${org}, ${id}, ${role}) returning id`;
        return { user: id, membership: row!.id as string };
      };
      await join('spare-owner', 'owner'); // so that no change meets keep_last_owner()
      const out: Record<string, boolean> = {};
      for (const actorRole of ROLES) {
        const actor = await join(`actor-${actorRole}`, actorRole);
        const targets = Object.fromEntries(
          await Promise.all(ROLES.map(async (r) => [r, await join(`target-${r}`, r)] as const)),
        );
        const newcomer = await user(tx, 'newcomer');
        const run = async (key: string, statement: (sp: Tx) => PromiseLike<readonly unknown[]>) => {
          const result = await attempt(tx, async (sp) => {
            await actAs(sp, actor.user);
            return (await statement(sp)).length;
          });
          out[key] = result === 1;
        };
        for (const role of ROLES) {
          // Members join by invitation only (memberships has no insert for API users).
          await run(
            `${actorRole} adds ${role}`,
            (sp) =>
              sp`select public.invite_member(${org}, ${`${newcomer}-${role}@test.local`}, ${role})`,
          );
          await run(
            `${actorRole} removes ${role}`,
            (sp) =>
              sp`delete from public.memberships where id = ${targets[role]!.membership} returning id`,
          );
          for (const to of ROLES) {
            await run(
              `${actorRole} changes ${role} to ${to}`,
              (sp) =>
                sp`update public.memberships set role = ${to}
                 where id = ${targets[role]!.membership} returning id`,
            );
          }
        }
      }
      return out;
    });
    const ts: Record<string, boolean> = {};
    for (const actor of ROLES) {
      for (const role of ROLES) {
        ts[`${actor} adds ${role}`] = assignableRoles(actor).includes(role);
        ts[`${actor} removes ${role}`] = canManageMember(actor, role);
        for (const to of ROLES) {
          ts[`${actor} changes ${role} to ${to}`] =
            canManageMember(actor, role) && assignableRoles(actor).includes(to);
        }
      }
    }
    expect(outcomes).toEqual(ts);
  });

  it('private.roles() and private.roles_at_least() give ROLES and rolesAtLeast()', async () => {
    const [row] = await sql`select private.roles() as roles`;
    expect(row!.roles).toEqual([...ROLES]);
    const answers = await sqlEach('private.roles_at_least(input)', cases.ROLE_NAMES);
    expect(paired(cases.ROLE_NAMES, answers)).toEqual(
      expected(cases.ROLE_NAMES, (role) => rolesAtLeast(role as Role)),
    );
  });

  it('no policy or SQL function names two roles: lists come from private.roles_at_least()', async () => {
    const sources = await sql<{ source: string; text: string }[]>`
      select format('policy %s on %s', p.polname, p.polrelid::regclass) as source,
             concat_ws(' ', pg_catalog.pg_get_expr(p.polqual, p.polrelid),
                       pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)) as text
      from pg_catalog.pg_policy p
      union all
      select p.oid::regprocedure::text, p.prosrc
      from pg_catalog.pg_proc p
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'private', 'radius') and p.oid <> 'private.roles()'::regprocedure
      union all
      select format('constraint %s on %s', c.conname, c.conrelid::regclass),
             pg_catalog.pg_get_constraintdef(c.oid)
      from pg_catalog.pg_constraint c
      where c.contype = 'c'`;
    // Two role names in one list or comparison: ('owner', 'admin'), ARRAY['owner'::text, 'admin'...
    const roleName = `'(?:${ROLES.join('|')})'(?:::text)?`;
    const list = new RegExp(`${roleName}\\s*,\\s*${roleName}`);
    // One role per call, as written or as pg_get_expr prints it ('admin'::text).
    const single =
      /(?:orgs_with_role(?:_at_least)?\(|has_role(?:_at_least)?\([^,()]+, )'(\w+)'(?:::text)?\)/g;
    const calls = sources.flatMap(({ text }) => [...text.matchAll(single)]);
    expect(calls.length).toBeGreaterThan(40);
    expect(calls.map((m) => m[1]).filter((role) => !isRole(role))).toEqual([]);
    expect(sources.filter(({ text }) => list.test(text)).map((s) => s.source)).toEqual([]);
  });
});

describe('languages (domain/languages.ts)', () => {
  it('the sites.default_language CHECK takes exactly the LANGUAGES, and payments.language has the same', async () => {
    const answers = await rolledBack(async (tx) => {
      const { org } = await hotspot(tx);
      const out = [];
      for (const language of cases.LANGUAGE_CODES) {
        out.push(
          await attempt(tx, (sp) =>
            sp`insert into public.sites (organization_id, slug, name, default_language)
               values (${org}, ${`lang-${randomTag()}`}, 'Language', ${language})`.then(() => 'ok'),
          ),
        );
      }
      return out;
    });
    expect(paired(cases.LANGUAGE_CODES, answers)).toEqual(
      expected(cases.LANGUAGE_CODES, (language) => (isLanguage(language) ? 'ok' : '23514')),
    );
    const definitions = await sql<{ definition: string }[]>`
      select pg_catalog.pg_get_constraintdef(c.oid) as definition
      from pg_catalog.pg_constraint c
      where c.conname in ('sites_default_language_check', 'payments_language_check')
      order by c.conname`;
    expect(definitions.map((d) => d.definition.replace(/\(\(\w+ = /, '((x = '))).toEqual([
      'CHECK ((x = ANY (private.languages())))',
      'CHECK ((x = ANY (private.languages())))',
    ]);
  });

  it('private.languages() and private.language_or_default() give LANGUAGES and languageOrDefault()', async () => {
    const [row] = await sql`select private.languages() as languages`;
    expect(row!.languages).toEqual([...LANGUAGES]);
    const inputs = [...cases.LANGUAGE_CODES, null];
    const answers = await sqlEach('private.language_or_default(input)', inputs);
    expect(paired(inputs, answers)).toEqual(expected(inputs, languageOrDefault));
  });

  it('private.pay_start() stores languageOrDefault() of what it is given', async () => {
    const inputs = [...cases.LANGUAGE_CODES, null];
    const answers = await rolledBack(async (tx) => {
      const { org, site, plan } = await hotspot(tx);
      await tx`insert into private.mpesa_settings
                 (organization_id, shortcode, passkey, consumer_key, consumer_secret)
               values (${org}, '174379', 'parity-passkey', 'key-parity', 'secret-parity')`;
      const out = [];
      for (const [i, language] of inputs.entries()) {
        out.push(
          await attempt(tx, async (sp) => {
            const phone = `+2547${String(10_000_000 + i)}`;
            const [row] = await sp`
              select private.pay_start(${site}, ${plan}, ${phone}, null, null,
                                       ${`parity-key-${i}`}, ${language}) as r`;
            const started = row!.r as { ok: boolean; payment_id?: string; error?: string };
            if (!started.ok) return started.error;
            const [payment] = await sp`
              select language from public.payments where id = ${started.payment_id!}`;
            return payment!.language;
          }),
        );
      }
      return out;
    });
    expect(paired(inputs, answers)).toEqual(expected(inputs, languageOrDefault));
  });

  it('private.voucher_sms_body() writes in languageOrDefault() of what it is given', async () => {
    const inputs = [...cases.LANGUAGE_CODES, null];
    const body = (language: string) =>
      `private.voucher_sms_body(${language}, 'ABCDEFGHJK', 'Plan', 'Site', null)`;
    const answers = await sqlEach(
      `case ${body('input')} when ${body("'sw'")} then 'sw' when ${body("'en'")} then 'en' end`,
      inputs,
    );
    expect(paired(inputs, answers)).toEqual(expected(inputs, languageOrDefault));
  });
});
