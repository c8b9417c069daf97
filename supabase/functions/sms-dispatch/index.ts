import { handleSmsDispatch } from './handler.ts';

Deno.serve(handleSmsDispatch);
