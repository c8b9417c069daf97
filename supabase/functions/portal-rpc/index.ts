import { handlePortalRpc } from './handler.ts';

Deno.serve(handlePortalRpc);
