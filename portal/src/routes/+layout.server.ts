import type { LayoutServerLoad } from './$types';

// Plain server-rendered HTML: nothing to hydrate, so no client JavaScript is sent at all.
export const csr = false;

export const load: LayoutServerLoad = ({ locals }) => ({ lang: locals.lang });
