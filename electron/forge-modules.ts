// What of node_modules goes into the packaged app. The main bundle (vite.main.config.ts) inlines
// every pure-JS dependency and keeps external only the native better-sqlite3 and mailauth (whose
// files are required by path), so the app needs those packages and what they depend on. Forge's Vite plugin would ship no
// node_modules at all (electron/forge#3738), so forge.config.ts sets packagerConfig.ignore from
// here. Used at build time by forge.config.ts; plain Node, no electron import.
import fs from 'node:fs';
import path from 'node:path';

/** Modules left out of the main bundle: native code that must be loaded from node_modules. */
export const NATIVE_EXTERNALS = ['better-sqlite3'] as const;

/**
 * Pure-JS modules that are loaded by path at run time, so they cannot be bundled: mailauth has
 * no exports map and engine/auth/mailauth-lib.ts requires its lib/ files by path.
 */
export const RUNTIME_EXTERNALS = ['mailauth'] as const;

/** Everything the main bundle leaves external, and so the packaged app ships in node_modules. */
export const SHIPPED_MODULES = [...NATIVE_EXTERNALS, ...RUNTIME_EXTERNALS] as const;

/** Where `name` is installed as seen from `fromDir` (Node's lookup: node_modules up the tree), or null. */
function findPackageDir(name: string, fromDir: string, rootDir: string): string | null {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === rootDir) return null;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * The install folders (relative to `appDir`, "/"-separated, leading "/") of `roots` and their
 * dependencies and optional dependencies, transitively. A dependency that is not installed is
 * skipped (an optional one for another platform); a missing root throws.
 */
export function moduleClosure(roots: readonly string[], appDir: string): string[] {
  const root = path.resolve(appDir);
  const seen = new Set<string>();
  const walk = (name: string, fromDir: string, required: boolean): void => {
    const dir = findPackageDir(name, fromDir, root);
    if (!dir) {
      if (required) throw new Error(`forge: ${name} is not installed under ${root}`);
      return;
    }
    const rel = `/${path.relative(root, dir).split(path.sep).join('/')}`;
    if (seen.has(rel)) return;
    seen.add(rel);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) walk(dep, dir, false);
  };
  for (const r of roots) walk(r, root, true);
  return [...seen].sort();
}

/**
 * packagerConfig.ignore: true for every path the app does not need. Kept: package.json, the Vite
 * output (.vite/), and the `keep` folders (module folders, a build output) with the folders that
 * lead to them.
 * Paths come from the packager relative to the app dir, "/"-separated, with a leading "/".
 */
export function packagedFilter(keep: readonly string[]): (file: string) => boolean {
  const within = (file: string, dir: string) => file === dir || file.startsWith(`${dir}/`);
  return (file) => {
    if (!file) return false;
    const f = file.replace(/\\/g, '/');
    if (f === '/package.json' || within(f, '/.vite')) return false;
    for (const dir of keep) {
      if (within(f, dir)) return false;
      if (dir.startsWith(`${f}/`)) return false; // an ancestor: /node_modules, /node_modules/@scope
    }
    return true;
  };
}
