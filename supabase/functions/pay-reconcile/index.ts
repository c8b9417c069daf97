import { handlePayReconcile } from './handler.ts';

Deno.serve(handlePayReconcile);
