// Forge's Vite plugin merges this into its main-process build (a CommonJS bundle of electron/main.ts
// with electron and Node's built-ins external, written to .vite/build/). Ours: everything pure JS,
// the engine included, is bundled; only native modules and mailauth stay external (electron/forge-modules.ts).
// The bundle is main.cjs because package.json says "type": "module" (a .js file would load as ESM).
// Worker-thread entry points cannot be bundled into main.cjs: they are copied beside it, where
// the engine looks for them (new URL('./<file>', import.meta.url)).
import fs from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import { SHIPPED_MODULES } from './electron/forge-modules.ts';

const WORKER_FILES = ['engine/delivery/maildir-io.mjs'];

function copyWorkerFiles(): Plugin {
  return {
    name: 'relaylab-worker-files',
    generateBundle() {
      for (const file of WORKER_FILES) {
        this.emitFile({ type: 'asset', fileName: file.slice(file.lastIndexOf('/') + 1), source: fs.readFileSync(file) });
      }
    },
  };
}

export default defineConfig({
  plugins: [copyWorkerFiles()],
  build: {
    rollupOptions: {
      external: [...SHIPPED_MODULES],
      output: { entryFileNames: '[name].cjs' },
    },
  },
});
