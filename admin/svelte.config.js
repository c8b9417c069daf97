import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { appConfig } from '../svelte.config.js';

export default appConfig({
  preprocess: vitePreprocess(),
  // A single-page app: every path falls back to index.html and the client router takes over.
  adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html' }),
});
