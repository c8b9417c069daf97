/**
 * Typed calls of the `jsonb` RPCs: the arguments as supabase/types.ts declares them, the reply
 * parsed with its schema from rpc-replies.ts. The admin calls through supabase-js (`callRpc`);
 * the portal server, which posts to PostgREST itself, parses with `parseRpcReply`.
 */
import type { PostgrestSingleResponse, SupabaseClient } from '@supabase/supabase-js';
import * as z from 'zod';
import type { Database } from '../../../types.ts';
import { rpcReplies, type JsonbRpc, type RpcReply } from './rpc-replies.ts';

export type { Database, JsonbRpc, RpcReply };

type Functions = Database['public']['Functions'];

/**
 * What `name` takes, per the generated types (optional = has a SQL default), where any argument
 * may also be null: PostgREST passes JSON null as SQL NULL, which every function accepts (and
 * e.g. reads as "keep the stored secret"); the generator cannot say so. Indexing by JsonbRpc
 * also makes a schema named after no function a compile error.
 */
export type RpcArgs<N extends JsonbRpc> = {
  [A in keyof Functions[N]['Args']]: Functions[N]['Args'][A] | null;
};

/** The reply of an RPC did not have its declared shape: the database and this code disagree. */
export class RpcReplyError extends Error {
  readonly rpc: JsonbRpc;
  readonly issues: z.core.$ZodIssue[];
  constructor(rpc: JsonbRpc, issues: z.core.$ZodIssue[], message: string) {
    super(message);
    this.name = 'RpcReplyError';
    this.rpc = rpc;
    this.issues = issues;
  }
}

/** The reply of `name` as its schema declares it; an RpcReplyError when it is not. */
export function parseRpcReply<N extends JsonbRpc>(name: N, data: unknown): RpcReply<N> {
  const parsed = rpcReplies[name].safeParse(data);
  if (!parsed.success) {
    throw new RpcReplyError(
      name,
      parsed.error.issues,
      `${name} replied in an unexpected shape:\n${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data as RpcReply<N>;
}

/**
 * Calls `public.<name>(args)` through supabase-js. Database errors come back in `error` as
 * usual (callers turn their codes into words); a reply of the wrong shape throws RpcReplyError.
 */
export async function callRpc<N extends JsonbRpc>(
  client: SupabaseClient<Database>,
  name: N,
  args: RpcArgs<N>,
): Promise<PostgrestSingleResponse<RpcReply<N>>> {
  // The generated Args say nothing about null (see RpcArgs); the SQL functions accept it.
  const response = await client.rpc(name, args as Functions[N]['Args']);
  if (response.error) return response;
  return { ...response, data: parseRpcReply(name, response.data) };
}
