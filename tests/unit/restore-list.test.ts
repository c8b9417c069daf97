// What `npm run restore` takes from a backup (stack/restore-list.ts), on lines as pg_restore 15
// --list prints them; the restore drill in tests/pg15.ts runs the real thing.
import { describe, expect, it } from 'vitest';
import {
  authTablesWithRows,
  parentsFirst,
  parseToc,
  restoreList,
} from '../../stack/restore-list.ts';

const TOC = `;
; Archive created at 2026-12-06 01:22:46 UTC
;
11; 2615 16547 SCHEMA - auth supabase_auth_admin
4342; 0 0 ACL - SCHEMA auth supabase_auth_admin
14; 2615 16687 SCHEMA - private postgres
4343; 0 0 ACL - SCHEMA private postgres
9; 2615 2200 SCHEMA - public postgres
4344; 0 0 COMMENT - SCHEMA public postgres
4345; 0 0 ACL - SCHEMA public postgres
373; 1255 16589 FUNCTION auth email() supabase_auth_admin
4347; 0 0 ACL auth FUNCTION email() supabase_auth_admin
500; 1255 16700 FUNCTION private has_role(uuid, text) postgres
226; 1259 16571 TABLE auth refresh_tokens supabase_auth_admin
223; 1259 16548 TABLE auth users supabase_auth_admin
224; 1259 16560 TABLE auth sessions supabase_auth_admin
230; 1259 16800 TABLE public organizations postgres
4293; 0 16571 TABLE DATA auth refresh_tokens supabase_auth_admin
4291; 0 16560 TABLE DATA auth sessions supabase_auth_admin
4290; 0 16548 TABLE DATA auth users supabase_auth_admin
4400; 0 16800 TABLE DATA public organizations postgres
4624; 0 0 SEQUENCE SET auth refresh_tokens_id_seq supabase_auth_admin
3826; 2606 16555 CONSTRAINT auth users users_pkey supabase_auth_admin
3992; 2606 16565 FK CONSTRAINT auth sessions sessions_user_id_fkey supabase_auth_admin
4000; 2606 16900 FK CONSTRAINT public memberships memberships_user_id_fkey postgres
2497; 826 16545 DEFAULT ACL public DEFAULT PRIVILEGES FOR SEQUENCES postgres
`;

const KEYS = [
  { child: 'auth.sessions', parent: 'auth.users' },
  { child: 'auth.refresh_tokens', parent: 'auth.sessions' },
];

describe('restoreList', () => {
  const entries = parseToc(TOC);
  const kept = restoreList(entries, KEYS).trimEnd().split('\n');

  it('keeps our schemas, their objects, rows, constraints and default privileges', () => {
    for (const id of ['14;', '4343;', '500;', '230;', '4400;', '4000;', '2497;']) {
      expect(
        kept.some((line) => line.startsWith(id)),
        id,
      ).toBe(true);
    }
  });

  it("leaves out what the target's platform has: public itself, auth's schema and objects", () => {
    for (const id of ['11;', '4342;', '9;', '4344;', '4345;', '373;', '4347;', '223;', '3826;']) {
      expect(
        kept.some((line) => line.startsWith(id)),
        id,
      ).toBe(false);
    }
  });

  it("keeps auth's rows and sequence, rows of referenced tables first", () => {
    const authRows = kept.filter((line) => / TABLE DATA auth /.test(line));
    expect(authRows.map((line) => line.split(' ')[6])).toEqual([
      'users',
      'sessions',
      'refresh_tokens',
    ]);
    expect(kept.some((line) => line.startsWith('4624;'))).toBe(true);
    expect(authTablesWithRows(entries)).toEqual([
      'auth.refresh_tokens',
      'auth.sessions',
      'auth.users',
    ]);
  });

  it('orders tables parents first and survives a cycle', () => {
    expect(
      parentsFirst(
        ['c', 'b', 'a'],
        [
          { child: 'c', parent: 'b' },
          { child: 'b', parent: 'a' },
        ],
      ),
    ).toEqual(['a', 'b', 'c']);
    expect(
      parentsFirst(
        ['a', 'b'],
        [
          { child: 'a', parent: 'b' },
          { child: 'b', parent: 'a' },
        ],
      ).sort(),
    ).toEqual(['a', 'b']);
  });
});
