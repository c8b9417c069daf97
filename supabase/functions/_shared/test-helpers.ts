// Tiny assertions for the Deno handler tests (`deno test`, run by tests/unit/deno-handlers.test.ts);
// no network is needed to fetch a test library.
export function assertEquals(actual: unknown, expected: unknown, message = ''): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message} expected ${e}, got ${a}`);
}

/** A request to a function as the gateway forwards it (path starts with the function name). */
export function request(path: string, init: RequestInit = {}): Request {
  return new Request(`http://functions.local${path}`, init);
}
