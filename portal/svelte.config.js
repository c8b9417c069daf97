import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { appConfig } from '../svelte.config.js';

export default appConfig({
  preprocess: vitePreprocess(),
  adapter: adapter({ out: 'build' }),
  kit: {
    // Captive mini-browsers on weak signal: one request per page, so the small CSS goes inline.
    inlineStyleThreshold: 8192,
  },
});
