// Electron's main bundle, built the way Forge builds it (its Vite plugin's own config function with
// our vite.main.config.ts), then loaded under Node with a stand-in for the electron module
// (test/fixtures/electron-stub.cjs): the engine code inside must load without throwing. This is
// what caught `createRequire(import.meta.url)`, which a CommonJS bundle turns into
// `createRequire({}.url)`. Also: the worker files are emitted beside main.cjs. (The Electron
// binary cannot be downloaded here, so the app itself is not started.)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { build, loadConfigFromFile, type InlineConfig } from 'vite';
import { APP_DIR } from '../../electron/launcher';

const require = createRequire(import.meta.url);
const forgeMain = require('@electron-forge/plugin-vite/dist/config/vite.main.config') as {
  getConfig(env: object, user: object): InlineConfig;
};

describe('Electron main bundle', () => {
  it('builds as Forge builds it, ships the Maildir worker beside it, and loads under Node', async () => {
    // inside the app folder, as .vite/build is: external modules resolve from its node_modules
    fs.mkdirSync(path.join(APP_DIR, '.vite'), { recursive: true });
    const out = fs.mkdtempSync(path.join(APP_DIR, '.vite', 'test-main-'));
    try {
      const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, path.join(APP_DIR, 'vite.main.config.ts'), APP_DIR, 'silent');
      const env = { root: APP_DIR, mode: 'production', command: 'build', forgeConfig: { renderer: [{ name: 'main_window' }] },
        forgeConfigSelf: { entry: 'electron/main.ts', config: 'vite.main.config.ts', target: 'main' } };
      const config = forgeMain.getConfig(env, loaded?.config ?? {});
      await build({ ...config, configFile: false, logLevel: 'silent', build: { ...config.build, outDir: out, minify: false } });
      const files = fs.readdirSync(out);
      expect(files).toContain('main.cjs'); // vite.main.config.ts: .cjs, as package.json says "type": "module"
      expect(files).toContain('maildir-io.mjs');
      const r = spawnSync(process.execPath, ['--require', path.join(APP_DIR, 'test', 'fixtures', 'electron-stub.cjs'), path.join(out, 'main.cjs')],
        { cwd: APP_DIR, encoding: 'utf8', timeout: 30_000 });
      expect(r.stderr).not.toMatch(/TypeError|Error \[ERR_|Cannot find module/);
      expect(r.status).toBe(0);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
