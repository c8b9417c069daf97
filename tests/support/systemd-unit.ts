// What systemd would run for a service, read from its unit file and drop-ins, so that a machine
// without systemd (CI) starts exactly the installed commands with exactly their environment.
// Only what our units and Debian's freeradius.service use: ExecStartPre=/ExecStart= (an empty
// value resets the list), EnvironmentFile= (a leading "-" means optional), Environment=, the
// %H specifier, and $VAR (split into words) / ${VAR} (one word) in commands.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseEnvFile } from '../../deploy/settings.ts';

export type ServiceCommands = {
  execStartPre: string[][];
  execStart: string[];
  env: Record<string, string>;
  user?: string;
};

/** The [Service] settings of a unit and its drop-ins, later files overriding earlier ones. */
export function readService(files: string[]): ServiceCommands {
  const lists: Record<string, string[]> = { ExecStartPre: [], ExecStart: [] };
  const environmentFiles: string[] = [];
  const environment: string[] = [];
  let user: string | undefined;
  for (const file of files) {
    let section = '';
    for (const raw of readFileSync(file, 'utf8').split('\n')) {
      const line = raw.trim();
      if (line.startsWith('[')) section = line;
      if (section !== '[Service]' || !line.includes('=') || line.startsWith('#')) continue;
      const key = line.slice(0, line.indexOf('='));
      const value = line.slice(line.indexOf('=') + 1).replaceAll('%H', hostname());
      if (key in lists) {
        if (value === '') lists[key] = [];
        else lists[key]!.push(value);
      }
      if (key === 'EnvironmentFile') environmentFiles.push(value);
      if (key === 'Environment') environment.push(value);
      if (key === 'User') user = value;
    }
  }
  const env: Record<string, string> = {};
  for (const assignment of environment) {
    const [key, ...rest] = assignment.split('=');
    env[key!] = rest.join('=');
  }
  for (const entry of environmentFiles) {
    const optional = entry.startsWith('-');
    const path = optional ? entry.slice(1) : entry;
    if (!existsSync(path)) {
      if (optional) continue;
      throw new Error(`EnvironmentFile ${path} is missing`);
    }
    Object.assign(env, parseEnvFile(readFileSync(path, 'utf8')));
  }
  if (lists.ExecStart!.length !== 1)
    throw new Error(`expected one ExecStart= in ${files.join(', ')}`);
  return {
    execStartPre: lists.ExecStartPre!.map((line) => expand(line, env)),
    execStart: expand(lists.ExecStart![0]!, env),
    env,
    user,
  };
}

/** A command line as systemd splits and expands it (no quoting: none of ours needs it). */
function expand(line: string, env: Record<string, string>): string[] {
  return line
    .replace(/^[-@:+!]+/, '')
    .split(/\s+/)
    .flatMap((word) => {
      const whole = /^\$([A-Za-z_]\w*)$/.exec(word);
      if (whole) return (env[whole[1]!] ?? '').split(/\s+/).filter(Boolean);
      return [word.replace(/\$\{([A-Za-z_]\w*)\}/g, (_, name: string) => env[name] ?? '')];
    });
}
