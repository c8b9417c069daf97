// Environment for the edge functions: every variable a function needs is read through here, so
// a missing one fails loudly with its name instead of surfacing later as "undefined".
import type { z } from 'zod';

type EnvGetter = (name: string) => string | undefined;

const runtimeEnv: EnvGetter = (name) => {
  const deno = (globalThis as { Deno?: { env: { get(key: string): string | undefined } } }).Deno;
  if (deno) return deno.env.get(name);
  return (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env[
    name
  ];
};

/** The variable's value; throws when it is missing or empty. */
export function requireEnv(name: string, get: EnvGetter = runtimeEnv): string {
  const value = get(name);
  if (value === undefined || value === '') {
    throw new Error(`environment variable ${name} is not set`);
  }
  return value;
}

/** The variable's value, or undefined when it is missing or empty (optional overrides only). */
export function optionalEnv(name: string, get: EnvGetter = runtimeEnv): string | undefined {
  const value = get(name);
  return value === undefined || value === '' ? undefined : value;
}

/** A JSON variable parsed by `schema`; throws, naming the variable, when missing or malformed. */
export function requireJsonEnv<T>(
  name: string,
  schema: z.ZodType<T>,
  get: EnvGetter = runtimeEnv,
): T {
  const raw = requireEnv(name, get);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error(`environment variable ${name} is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`environment variable ${name} has an unexpected shape`);
  return parsed.data;
}
