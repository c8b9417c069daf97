// `npm run schema:snapshot`: rewrites supabase/schema.sql from a fresh PostgreSQL 15 with the
// migrations applied (a few seconds; test:pg15 checks the file on the cluster it starts anyway).
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { dumpSchema, migratedPg15, schemaFile } from './schema.ts';

const { pg, applied } = await migratedPg15();
try {
  const schema = await dumpSchema(pg.superuserUrl);
  const before = (() => {
    try {
      return readFileSync(schemaFile, 'utf8');
    } catch {
      return '';
    }
  })();
  writeFileSync(schemaFile, schema);
  console.log(
    `${relative(process.cwd(), schemaFile)}: ${before === schema ? 'unchanged' : 'rewritten'} (${applied.length} migrations)`,
  );
} finally {
  await pg.stop();
}
