/// <reference types="vitest/config" />
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, searchForWorkspaceRoot } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

/** node_modules' real folder, when it is a link to an install elsewhere. */
function modulesFolder(): string[] {
  try {
    return [realpathSync(fileURLToPath(new URL('./node_modules', import.meta.url)))];
  } catch {
    return [];
  }
}

// Refrain's front end. Tauri embeds ui/dist; the dev server is only for development.
// Nothing here may reach the network at run time: no CDNs, no remote fonts.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [svelte(), svelteTesting()],
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    // node_modules may be a link to an install elsewhere: its real folder
    // must be readable too.
    fs: {
      allow: [
        searchForWorkspaceRoot(fileURLToPath(new URL('.', import.meta.url))),
        ...modulesFolder(),
      ],
    },
  },
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    // Keep everything inside the bundle: no inlined-vs-fetched surprises.
    assetsInlineLimit: 0,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/tests/setup.ts'],
    restoreMocks: true,
    // The whole-app tests type like a person (userEvent), which takes a few
    // seconds on a busy 2-core machine; 5 s (the default) is too tight there.
    testTimeout: 20_000,
  },
});
