// Electron Forge: builds the desktop app with Vite (main, preload, renderer) and packages it.
//   npm run make   → out/make/: deb + zip (Linux), zip + dmg (macOS), Squirrel installer (Windows)
// Needs internet the first time (Forge downloads the Electron release for the target platform).
//
// better-sqlite3 is native code: the main bundle leaves it external (vite.main.config.ts), the
// package keeps it and its dependencies in node_modules (electron/forge-modules.ts), Forge's rebuild
// hook (rebuildConfig) rebuilds it for Electron's ABI after copying (prebuild-install fetches a
// prebuilt binary when one exists, else node-gyp compiles it), and AutoUnpackNatives puts the .node
// file beside app.asar (app.asar.unpacked) where it can be loaded. `electron-forge start` runs the
// same hook on the project's own node_modules: run `npm rebuild better-sqlite3` afterwards before
// using `relaylab serve` or the tests under Node again.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerDMG } from '@electron-forge/maker-dmg';
import { MakerSquirrel } from '@electron-forge/maker-squirrel';
import { MakerZIP } from '@electron-forge/maker-zip';
import { AutoUnpackNativesPlugin } from '@electron-forge/plugin-auto-unpack-natives';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { VitePlugin } from '@electron-forge/plugin-vite';
import type { ForgeConfig } from '@electron-forge/shared-types';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { moduleClosure, NATIVE_EXTERNALS, packagedFilter, SHIPPED_MODULES } from './electron/forge-modules';

const appDir = path.dirname(fileURLToPath(import.meta.url));

const config: ForgeConfig = {
  packagerConfig: {
    name: 'Relay Lab',
    executableName: 'relay-lab',
    appBundleId: 'org.relaylab.desktop',
    asar: true,
    // Set here (a function), so the Vite plugin keeps it: .vite/, the native modules' closure, and
    // dist/renderer/ (where the renderer's Vite config writes the UI that main.ts then serves).
    ignore: packagedFilter([...moduleClosure(SHIPPED_MODULES, appDir), '/dist/renderer']),
  },
  rebuildConfig: {
    onlyModules: [...NATIVE_EXTERNALS],
    force: true,
  },
  makers: [
    new MakerSquirrel({ name: 'relaylab', authors: 'Relay Lab', description: 'A mail-routing lab with a real MTA' }),
    new MakerZIP({}, ['linux', 'darwin']),
    new MakerDMG({ format: 'ULFO' }),
    new MakerDeb({
      options: {
        name: 'relaylab',
        productName: 'Relay Lab',
        genericName: 'Mail routing lab',
        bin: 'relay-lab',
        maintainer: 'Relay Lab',
        section: 'mail',
        categories: ['Network', 'Development'],
      },
    }),
  ],
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'electron/main.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'electron/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
      ],
      // The renderer's Vite config belongs to the UI (renderer/); its name sets MAIN_WINDOW_VITE_*.
      renderer: [{ name: 'main_window', config: 'vite.renderer.config.ts' }],
    }),
    new AutoUnpackNativesPlugin({}),
    // Fuses are flipped in the Electron binary at package time, before signing.
    new FusesPlugin({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    }),
  ],
};

export default config;
