import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { appConfig } from '../svelte.config.js';

export default appConfig({
  preprocess: vitePreprocess(),
  adapter: adapter({ out: 'build' }),
  kit: {
    // Captive mini-browsers on weak signal: one request per page, so the small CSS goes inline.
    inlineStyleThreshold: 8192,
    // Under `Referrer-Policy: no-referrer` (hooks.server.ts) browsers send `Origin: null` with
    // the portal's own form posts, so that opaque origin passes SvelteKit's cross-site check;
    // any real foreign origin is still refused. The portal keeps no cookies or sessions, so a
    // forged post carries no authority a direct request would not have (SECURITY.md).
    csrf: { trustedOrigins: ['null'] },
  },
});
