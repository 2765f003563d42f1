// Builds the React renderer (renderer/) into dist/renderer, which `relaylab serve` serves and the
// Electron window loads. base './' keeps asset URLs relative so the same build works over HTTP
// and from a file; the app routes with the URL hash, so deep links need no server fallback.
// Dev: RELAYLAB_URL='http://127.0.0.1:8025/?token=…' vite -c vite.renderer.config.ts
//      proxies /api to that engine with the token as a Bearer header (Origin dropped).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

function engineProxy(): Record<string, ProxyOptions> | undefined {
  const raw = process.env.RELAYLAB_URL;
  if (!raw) return undefined;
  const u = new URL(raw);
  const token = u.searchParams.get('token') ?? '';
  return {
    '/api': {
      target: `${u.protocol}//${u.host}`,
      changeOrigin: true,
      headers: { authorization: `Bearer ${token}` },
      configure: (proxy) => proxy.on('proxyReq', (req) => req.removeHeader('origin')),
    },
  };
}

export default defineConfig({
  root: here('./renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 800,
  },
  server: { host: '127.0.0.1', proxy: engineProxy() },
});
