// forge.config.ts and what it ships: the native module's closure, the ignore filter, makers, fuses.
// (Packaging itself needs Electron releases from the internet; here we check the config it would use.)
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FuseV1Options } from '@electron/fuses';
import { APP_DIR } from '../../../electron/launcher';
import { moduleClosure, NATIVE_EXTERNALS, packagedFilter, SHIPPED_MODULES } from '../../../electron/forge-modules';
import config from '../../../forge.config';

describe('moduleClosure', () => {
  it('better-sqlite3 and what it needs at run time and for the Electron rebuild', () => {
    const closure = moduleClosure(NATIVE_EXTERNALS, APP_DIR);
    expect(closure).toContain('/node_modules/better-sqlite3');
    expect(closure).toContain('/node_modules/bindings');
    expect(closure).toContain('/node_modules/file-uri-to-path');
    expect(closure).toContain('/node_modules/prebuild-install');
    for (const pureJs of ['/node_modules/zod', '/node_modules/smtp-server', '/node_modules/react', '/node_modules/tsx', '/node_modules/electron']) {
      expect(closure).not.toContain(pureJs);
    }
  });

  it('mailauth ships too (its lib/ files are required by path, so it cannot be bundled)', () => {
    const closure = moduleClosure(SHIPPED_MODULES, APP_DIR);
    expect(closure).toContain('/node_modules/mailauth');
    expect(closure).toContain('/node_modules/better-sqlite3');
    expect(closure).not.toContain('/node_modules/react');
  });

  it('a root that is not installed is an error', () => {
    expect(() => moduleClosure(['no-such-module-relaylab'], APP_DIR)).toThrow(/no-such-module-relaylab is not installed/);
  });
});

describe('packagedFilter', () => {
  const ignore = packagedFilter(['/node_modules/better-sqlite3', '/node_modules/@scope/native']);
  it.each([
    ['', false],
    ['/package.json', false],
    ['/.vite', false],
    ['/.vite/build/main.cjs', false],
    ['/.vite/renderer/main_window/index.html', false],
    ['/node_modules', false],
    ['/node_modules/better-sqlite3', false],
    ['/node_modules/better-sqlite3/build/Release/better_sqlite3.node', false],
    ['/node_modules/@scope', false],
    ['/node_modules/@scope/native/index.js', false],
    ['/node_modules/@scope/other', true],
    ['/node_modules/better-sqlite3-helper', true],
    ['/node_modules/react', true],
    ['/engine/index.ts', true],
    ['/electron/main.ts', true],
    ['/test', true],
    ['/.git', true],
    ['/package-lock.json', true],
    ['/.vitest', true],
  ])('%s ignored: %s', (file, ignored) => {
    expect(ignore(file)).toBe(ignored);
  });
});

describe('forge.config.ts', () => {
  it('asar, our ignore filter, better-sqlite3 rebuilt for Electron', () => {
    expect(config.packagerConfig?.asar).toBe(true);
    const ignore = config.packagerConfig?.ignore as (f: string) => boolean;
    expect(typeof ignore).toBe('function');
    expect(ignore('/.vite/build/main.cjs')).toBe(false);
    expect(ignore('/node_modules/better-sqlite3/lib/index.js')).toBe(false);
    expect(ignore('/node_modules/zod/index.cjs')).toBe(true);
    expect(ignore('/dist/renderer/index.html')).toBe(false);
    expect(ignore('/dist/other')).toBe(true);
    expect(config.rebuildConfig).toMatchObject({ onlyModules: ['better-sqlite3'], force: true });
  });

  it('makers: deb + zip on Linux, zip + dmg on macOS, Squirrel on Windows', () => {
    const byPlatform: Record<string, string[]> = {};
    for (const m of config.makers ?? []) {
      const maker = m as { name: string; platforms: string[] };
      for (const p of maker.platforms) (byPlatform[p] ??= []).push(maker.name);
    }
    expect(byPlatform.linux?.sort()).toEqual(['deb', 'zip']);
    expect(byPlatform.darwin?.sort()).toEqual(['dmg', 'zip']);
    expect(byPlatform.win32).toEqual(['squirrel']);
  });

  it('plugins: Vite (main, preload, renderer), AutoUnpackNatives, Fuses with the four required', () => {
    const plugins = (config.plugins ?? []) as { name: string; config?: unknown }[];
    expect(plugins.map((p) => p.name)).toEqual(['vite', 'auto-unpack-natives', 'fuses']);
    const vite = plugins[0]!.config as { build: { entry: string; config: string; target: string }[]; renderer: { name: string; config: string }[] };
    expect(vite.build).toEqual([
      { entry: 'electron/main.ts', config: 'vite.main.config.ts', target: 'main' },
      { entry: 'electron/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
    ]);
    expect(vite.renderer).toEqual([{ name: 'main_window', config: 'vite.renderer.config.ts' }]);
    const fuses = plugins[2]!.config as Record<string, unknown>;
    expect(fuses[FuseV1Options.RunAsNode]).toBe(false);
    expect(fuses[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(fuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(fuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
  });

  it('the entries exist where the Vite plugin looks for them', () => {
    const fs = require('node:fs') as typeof import('node:fs');
    for (const f of ['electron/main.ts', 'electron/preload.ts', 'vite.main.config.ts', 'vite.preload.config.ts']) {
      expect(fs.existsSync(path.join(APP_DIR, f)), f).toBe(true);
    }
  });
});
