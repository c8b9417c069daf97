import { handlePayNotify } from './handler.ts';

Deno.serve(handlePayNotify);
