// The admin's calls of the `jsonb` RPCs: `callRpc` of the shared contract (arguments typed by
// supabase/types.ts, reply parsed with its schema), except that a reply of the wrong shape (this
// build is older or newer than the database) comes back as an error like any other, which the
// pages already put in words. The details go to the console.
import { PostgrestError, type PostgrestSingleResponse } from '@supabase/supabase-js';
import {
  callRpc,
  RpcReplyError,
  type JsonbRpc,
  type RpcArgs,
  type RpcReply,
} from '$contract/call-rpc.ts';
import { errorWords } from './errors.ts';
import type { SupabaseClient } from './supabase.ts';

export type { RpcReply };

/** `public.<name>(args)`: the parsed reply, or the database's error (or ours, for the shape). */
export async function rpc<N extends JsonbRpc>(
  supabase: SupabaseClient,
  name: N,
  args: RpcArgs<N>,
): Promise<PostgrestSingleResponse<RpcReply<N>>> {
  try {
    return await callRpc(supabase, name, args);
  } catch (error) {
    if (!(error instanceof RpcReplyError)) throw error;
    console.error(error);
    return {
      success: false,
      data: null,
      count: null,
      status: 200,
      statusText: 'OK',
      error: new PostgrestError({
        message:
          'the server sent an answer this version of the admin cannot read (reload the page)',
        details: error.message,
        hint: '',
        code: 'reply_shape',
      }),
    };
  }
}

/** For a page's data: the reply, or an Error saying in words why it could not load `what`. */
export async function rpcData<N extends JsonbRpc>(
  supabase: SupabaseClient,
  name: N,
  args: RpcArgs<N>,
  what: string,
): Promise<RpcReply<N>> {
  const answer = await rpc(supabase, name, args);
  if (answer.error) throw new Error(errorWords(answer.error, `load ${what}`));
  return answer.data;
}
