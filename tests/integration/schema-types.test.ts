// supabase/types.ts (the `Database` type both apps give supabase-js) is generated from what the
// migrations build; a migration that changes a table, view or function without regenerating it
// leaves the apps type-checked against a schema that no longer exists. This regenerates the
// types from the test stack's database and fails while the file differs.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { generateTypes, typesFile } from '../../stack/types.ts';
import { stackInfo } from '../support/stack.ts';

it('supabase/types.ts is what the migrations build', async () => {
  const generated = await generateTypes(stackInfo().dbUrl);
  expect(
    readFileSync(typesFile, 'utf8'),
    'supabase/types.ts is stale: run `npm run schema:types` (and commit it with the migration)',
  ).toBe(generated);
});
