// Windows installs (Squirrel): the installer runs the app with --squirrel-install, -updated,
// -uninstall or -obsolete and expects it to do its shortcut work and exit at once, without
// starting the engine. squirrelAction is pure; main.ts runs Update.exe and quits.
import path from 'node:path';

export type SquirrelAction = { quit: true; updateExeArgs: string[] | null } | { quit: false };

/** What to do for this launch: nothing (a normal start) or Update.exe arguments, then quit. */
export function squirrelAction(argv: readonly string[], platform: NodeJS.Platform, execPath: string): SquirrelAction {
  if (platform !== 'win32') return { quit: false };
  const flag = argv.find((a) => a.startsWith('--squirrel-'));
  if (!flag) return { quit: false };
  const exe = path.win32.basename(execPath);
  switch (flag) {
    case '--squirrel-install':
    case '--squirrel-updated':
      return { quit: true, updateExeArgs: [`--createShortcut=${exe}`] };
    case '--squirrel-uninstall':
      return { quit: true, updateExeArgs: [`--removeShortcut=${exe}`] };
    case '--squirrel-firstrun':
      return { quit: false }; // the first start after installing: a normal start
    default:
      return { quit: true, updateExeArgs: null }; // --squirrel-obsolete (an older version being replaced)
  }
}

/** Squirrel's Update.exe, one folder above the app's own folder. */
export function updateExePath(execPath: string): string {
  return path.win32.resolve(path.win32.dirname(execPath), '..', 'Update.exe');
}
