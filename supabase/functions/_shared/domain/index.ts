/** Pure domain code shared by the SvelteKit apps (`$domain/…`) and the Deno edge functions. */
export * from './money.ts';
export * from './phone.ts';
export * from './voucher-code.ts';
