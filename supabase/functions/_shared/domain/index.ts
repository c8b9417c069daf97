/** Pure domain code shared by the SvelteKit apps (`$domain/…`) and the Deno edge functions. */
export * from './callback-token.ts';
export * from './daraja.ts';
export * from './languages.ts';
export * from './mac.ts';
export * from './money.ts';
export * from './payment-request.ts';
export * from './phone.ts';
export * from './roles.ts';
export * from './sms.ts';
export * from './voucher-code.ts';
