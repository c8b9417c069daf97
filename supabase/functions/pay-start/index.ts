import { handlePayStart } from './handler.ts';

Deno.serve(handlePayStart);
