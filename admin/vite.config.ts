import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [
    sveltekit(),
    SvelteKitPWA({
      // The operator decides when to take a new version (an update banner), not a silent reload
      // in the middle of generating vouchers.
      registerType: 'prompt',
      manifest: {
        name: 'WiFi Billing admin',
        short_name: 'WiFi Billing',
        description: 'Run your hotspot: sales, vouchers, customers, payments and routers.',
        lang: 'en',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#ffffff',
        theme_color: '#0f766e',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: '/icon-maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
      workbox: {
        globPatterns: ['client/**/*.{js,css,png,svg,webmanifest}', 'prerendered/**/*.html'],
        runtimeCaching: [
          {
            // Where the API lives: needed to start at all, so the last copy serves offline.
            urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname === '/config.json',
            handler: 'NetworkFirst',
            options: { cacheName: 'config', networkTimeoutSeconds: 3 },
          },
        ],
      },
      // A single-page app: every navigation is the app shell (index.html), online or not.
      kit: { adapterFallback: 'index.html', spa: true },
    }),
  ],
});
