// Forge's Vite plugin merges this into its main-process build (a CommonJS bundle of electron/main.ts
// with electron and Node's built-ins external, written to .vite/build/). Ours: everything pure JS,
// the engine included, is bundled; only native modules stay external (electron/forge-modules.ts).
// The bundle is main.cjs because package.json says "type": "module" (a .js file would load as ESM).
import { defineConfig } from 'vite';
import { NATIVE_EXTERNALS } from './electron/forge-modules.ts';

export default defineConfig({
  build: {
    rollupOptions: {
      external: [...NATIVE_EXTERNALS],
      output: { entryFileNames: '[name].cjs' },
    },
  },
});
