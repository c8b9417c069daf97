import { handlePayVerify } from './handler.ts';

Deno.serve(handlePayVerify);
