// Test phone numbers that no other test of the run has taken. The Daraja simulator picks a
// push's outcome by the number's last four digits and refuses a second push for the same number
// within two minutes (as Daraja does), and tests set per-number switches; with only four digits
// left to chance, numbers drawn independently by the vitest files and the Playwright specs
// sharing one stack would meet often enough to fail a run now and then. So every number is
// claimed as a file in the stack's folder (open with O_EXCL: atomic across processes).
import { randomInt } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** `07` + four random digits + `suffix` (four digits), taken by no other test of this run. */
export function claimLocalPhone(suffix: string): string {
  // The stack the tests run against (npm start's when the specs run on their own).
  const dir = join(dirname(resolve(process.env.STACK_FILE ?? '.local/stack.json')), 'test-phones');
  mkdirSync(dir, { recursive: true });
  for (let tries = 0; tries < 10_000; tries++) {
    const local = `07${String(randomInt(0, 10_000)).padStart(4, '0')}${suffix}`;
    try {
      closeSync(openSync(join(dir, local), 'wx'));
      return local;
    } catch {
      // taken: draw again
    }
  }
  throw new Error(`no test phone ending ${suffix} left`);
}
