// Forge's Vite plugin merges this into its preload build (one CommonJS file, electron external).
// preload.cjs, since package.json says "type": "module"; main.ts loads it by that name.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    rollupOptions: {
      output: { entryFileNames: '[name].cjs' },
    },
  },
});
