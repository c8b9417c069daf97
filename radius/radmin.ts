// Commands to a running FreeRADIUS through its control socket (sites-available/
// wifi-billing-control), with radmin, the socket's own client. One radmin process runs a whole
// batch read from a file (`-i`; at most four `-e` are allowed, and /dev/stdin cannot be opened
// on the socket pair Node gives a child): it carries on after a command that fails, prints
// "ERROR: …" for each and exits 1. A socket it cannot reach makes it print something else and
// run nothing.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type RadminResult = {
  /** What each failed command answered, without the "ERROR: " prefix. */
  errors: string[];
  stdout: string;
};

/** Runs `commands` in order; rejects when FreeRADIUS cannot be reached at all. */
export async function radmin(
  socket: string,
  commands: string[],
  timeoutMs = 5000,
): Promise<RadminResult> {
  const dir = mkdtempSync(join(tmpdir(), 'radmin-'));
  const input = join(dir, 'commands');
  writeFileSync(input, commands.map((command) => `${command}\n`).join(''), { mode: 0o600 });
  try {
    return await new Promise((resolve, reject) => {
      execFile(
        'radmin',
        ['-f', socket, '-i', input],
        { timeout: timeoutMs },
        (error, stdout, stderr) => {
          const lines = stderr.split('\n').filter((line) => line.trim() !== '');
          const errors = lines.filter((l) => l.startsWith('ERROR: ')).map((l) => l.slice(7));
          if (error?.killed) reject(new Error(`radmin ${socket}: no answer in ${timeoutMs} ms`));
          else if (error && errors.length === 0)
            reject(new Error(`radmin ${socket}: ${lines[0] ?? error.message}`));
          else resolve({ errors, stdout });
        },
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
