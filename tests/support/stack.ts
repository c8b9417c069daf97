import { readFileSync } from 'node:fs';
import type { StackInfo } from '../../stack/stack.ts';

let cached: StackInfo | undefined;

/** The stack tests/run.ts started for this run. */
export function stackInfo(): StackInfo {
  if (cached) return cached;
  const file = process.env.STACK_FILE;
  if (!file) throw new Error('STACK_FILE is not set: run the tests with `npm test`');
  cached = JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
  return cached;
}
