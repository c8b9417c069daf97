// Runs inside Deno. Serves every edge function found in the folders given on the command line
// from one process, the way Supabase's edge runtime routes /<name>/... to a function: each
// function's index.ts calls Deno.serve(handler) as it does in production, and we capture that
// handler instead of letting it open its own port.
type Handler = (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>;

const port = Number(Deno.env.get('FUNCTIONS_PORT'));
const folders = Deno.args;
const handlers = new Map<string, Handler>();
const realServe = Deno.serve.bind(Deno);
// Deno.serve is overloaded (handler, options, or both); we only need the handler out of it.
type ServeArgument = Handler | { handler?: Handler } | undefined;
const writableDeno = Deno as unknown as { serve: (...args: ServeArgument[]) => unknown };

for (const folder of folders) {
  for await (const entry of Deno.readDir(folder)) {
    if (!entry.isDirectory || entry.name.startsWith('_')) continue;
    const index = `${folder}/${entry.name}/index.ts`;
    try {
      await Deno.stat(index);
    } catch {
      continue;
    }
    let captured: Handler | undefined;
    writableDeno.serve = (...args) => {
      for (const arg of args) captured ??= typeof arg === 'function' ? arg : arg?.handler;
      return {
        finished: Promise.resolve(),
        shutdown: async () => {},
        ref() {},
        unref() {},
        addr: null,
      };
    };
    await import(new URL(`file://${index}`).href);
    if (!captured) throw new Error(`${index} did not call Deno.serve(handler)`);
    handlers.set(entry.name, captured);
  }
}
writableDeno.serve = realServe as unknown as typeof writableDeno.serve;

realServe(
  {
    port,
    hostname: '127.0.0.1',
    onListen: () => console.log(`functions: ${[...handlers.keys()].join(', ') || '(none)'}`),
  },
  (request, info) => {
    const name = new URL(request.url).pathname.split('/')[1];
    if (name === '_health') return new Response('ok');
    const handler = handlers.get(name);
    if (!handler) {
      return Response.json(
        { code: 'NOT_FOUND', message: 'Requested function was not found' },
        { status: 404 },
      );
    }
    return handler(request, info);
  },
);
