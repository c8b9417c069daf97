import { handlePayC2b } from './handler.ts';

Deno.serve(handlePayC2b);
