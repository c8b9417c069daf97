/// <reference types="vite-plugin-pwa/svelte" />
// See https://svelte.dev/docs/kit/types#app.d.ts for what can go here.
declare global {
  namespace App {}
}

export {};
