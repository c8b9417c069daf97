import {
  Agent,
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { Readable } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { apiKeyGate } from './api-keys.ts';
import type { AuthRequest, AuthResponse } from './auth/handler.ts';
import type { ProjectJwt } from './jwt.ts';
import { jwtOf, type ApiKeys } from './keys.ts';

/** Largest request body accepted on any path (hosted Supabase refuses far smaller ones for RPCs too). */
export const MAX_BODY_BYTES = 1024 * 1024;
const DRAIN_LIMIT_BYTES = 16 * MAX_BODY_BYTES;
/** Largest body sent over a reused upstream connection (a payment callback is under 2 KiB). */
const KEEP_ALIVE_MAX_BODY_BYTES = 16 * 1024;

export type GatewayOptions = {
  port: number;
  postgrestUrl: string;
  functionsUrl: string;
  keys: ApiKeys;
  /** Function names deployed with verify_jwt = false (supabase/config.toml). */
  publicFunctions: Set<string>;
  auth: (request: AuthRequest) => Promise<AuthResponse>;
  log: (line: string) => void;
};

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD',
  'access-control-allow-headers':
    // As supabase-js's own list (its cors.ts): postgrest-js sends x-retry-count on a retry.
    'authorization, x-client-info, apikey, content-type, content-profile, accept-profile, prefer, range, x-supabase-api-version, x-upsert, accept, x-retry-count',
  'access-control-expose-headers': 'content-range, content-location, x-supabase-api-version',
  'access-control-max-age': '3600',
};

/**
 * One origin with hosted Supabase's paths: /rest/v1 → PostgREST, /functions/v1 → the Deno
 * functions, /auth/v1 → the auth stand-in. Like Supabase's API gateway it answers CORS, requires
 * a project API key on /rest and /auth (swapping an opaque one for a JWT, `api-keys.ts`), and
 * checks JWTs for functions that keep verify_jwt (with the legacy secret only, as Supabase does:
 * the reason every function of ours turns it off and checks its callers itself).
 */
export function startGateway(options: GatewayOptions): Promise<Server> {
  const jwt = jwtOf(options.keys);
  const gate = apiKeyGate(options.keys, jwt);
  // Upstream connections stay open between requests, as behind Supabase's own gateway: a new
  // TCP connection per proxied request (the default) costs the gateway and Deno CPU on every
  // call. An idle connection is closed after 4 s, before an upstream would drop it. A larger
  // body still gets a connection of its own: an upstream that answers without reading it (a
  // 413) closes that connection, and the next request must not be sent on it.
  const agent = new Agent({ keepAlive: true, timeout: 4000 });
  const agentFor = (bytes: number) => (bytes <= KEEP_ALIVE_MAX_BODY_BYTES ? agent : false);
  const proxy = createProxyServer({ xfwd: true, proxyTimeout: 30000 });
  proxy.on('error', (error, _req, res) => {
    options.log(`proxy error: ${error.message}`);
    if (res && 'writeHead' in res && !res.headersSent) {
      send(res as ServerResponse, 502, {
        message: 'An invalid response was received from the upstream server',
      });
    }
  });
  proxy.on('proxyRes', (proxyRes) => {
    for (const [name, value] of Object.entries(CORS_HEADERS)) proxyRes.headers[name] = value;
  });

  const server = createServer((req, res) => {
    route(req, res).catch((error: Error) => {
      options.log(`gateway error on ${req.method} ${req.url}: ${error.stack}`);
      if (!res.headersSent) send(res, 500, { message: 'Internal gateway error' });
    });
  });
  server.once('close', () => agent.destroy());

  async function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (req.method === 'OPTIONS') {
      res.writeHead(200, CORS_HEADERS).end('ok');
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      // Clients only read a response once they have sent their body: drain a moderately large
      // one first so they see the 413; cut anything larger off at once.
      if (declared <= DRAIN_LIMIT_BYTES)
        await new Promise((done) => req.resume().once('end', done));
      return tooLarge(res);
    }
    const [, service, version, ...rest] = url.pathname.split('/');
    const path = '/' + rest.join('/');
    if (version !== 'v1') return send(res, 404, { message: 'no Route matched with those values' });

    // Email links (GET /auth/v1/verify) are opened from a mail client, and anyone may fetch the
    // public signing keys: no API key for either, as on Supabase.
    const open =
      service === 'auth' &&
      req.method === 'GET' &&
      (path === '/verify' || path === '/.well-known/jwks.json');
    if ((service === 'rest' || service === 'auth') && !open) {
      const key = req.headers.apikey ?? url.searchParams.get('apikey');
      if (!key) return send(res, 401, { message: 'No API key found in request' });
      const apiKey = gate.identify(String(key));
      if (!apiKey) return send(res, 401, { message: 'Invalid API key' });
      const authorization = await gate.authorization(apiKey, req.headers.authorization);
      if (!authorization) return send(res, 401, { message: 'Invalid API key' });
      req.headers.authorization = authorization;
    }
    if (service === 'rest') {
      req.url = path + url.search;
      return forward(req, res, options.postgrestUrl);
    }
    if (service === 'functions') {
      const name = rest[0] ?? '';
      if (!options.publicFunctions.has(name)) {
        const problem = await jwtProblem(req.headers.authorization, jwt);
        if (problem) return send(res, 401, { code: 401, message: problem });
      }
      req.url = path + url.search;
      return forward(req, res, options.functionsUrl);
    }
    if (service === 'auth') return authRoute(req, res, path, url.searchParams);
    return send(res, 404, { message: 'no Route matched with those values' });
  }

  async function forward(req: IncomingMessage, res: ServerResponse, target: string) {
    if (req.headers['content-length'] !== undefined || !hasBody(req)) {
      proxy.web(req, res, { target, agent: agentFor(Number(req.headers['content-length'] ?? 0)) });
      return;
    }
    // Chunked upload: read it up to the limit so an endless stream cannot get through.
    const body = await readBody(req);
    if (!body) return tooLarge(res);
    req.headers['content-length'] = String(body.length);
    delete req.headers['transfer-encoding'];
    proxy.web(req, res, { target, agent: agentFor(body.length), buffer: Readable.from([body]) });
  }

  async function authRoute(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
  ) {
    const raw = await readBody(req);
    if (!raw) return tooLarge(res);
    let body: unknown = {};
    if (raw.length) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return send(res, 400, {
          code: 'bad_json',
          message: 'Could not parse request body as JSON',
        });
      }
    }
    const result = await options.auth({
      method: req.method ?? 'GET',
      path,
      query,
      authorization: req.headers.authorization,
      body,
    });
    send(res, result.status, result.body, {
      'x-supabase-api-version': '2024-01-01',
      ...result.headers,
    });
  }

  return new Promise((resolve) => server.listen(options.port, '127.0.0.1', () => resolve(server)));
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * The whole body, or null when it exceeds MAX_BODY_BYTES. An oversized body is drained (not
 * kept) up to DRAIN_LIMIT_BYTES so the client reads the 413; beyond that it is cut off.
 */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (size > DRAIN_LIMIT_BYTES) resolve(null);
    });
    req.once('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : null));
    req.once('error', reject);
  });
}

async function jwtProblem(
  authorization: string | undefined,
  jwt: ProjectJwt,
): Promise<string | null> {
  const token = authorization?.match(/^Bearer (.+)$/i)?.[1];
  if (!token) return 'Missing authorization header';
  try {
    await jwt.verifyLegacy(token);
    return null;
  } catch {
    return 'Invalid JWT';
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = body === null ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...CORS_HEADERS,
    ...headers,
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
  });
  res.end(text);
}

function tooLarge(res: ServerResponse) {
  send(res, 413, { message: 'Request body too large' }, { connection: 'close' });
}
