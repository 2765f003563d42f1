// Squirrel (Windows installer) launches: shortcut work and quit, never an engine start.
import { describe, expect, it } from 'vitest';
import { squirrelAction, updateExePath } from '../../../electron/squirrel';

const exe = 'C:\\Users\\me\\AppData\\Local\\relaylab\\app-0.1.0\\relay-lab.exe';

describe('squirrelAction', () => {
  it('install / update: create shortcuts, then quit', () => {
    expect(squirrelAction([exe, '--squirrel-install', '0.1.0'], 'win32', exe)).toEqual({ quit: true, updateExeArgs: ['--createShortcut=relay-lab.exe'] });
    expect(squirrelAction([exe, '--squirrel-updated', '0.1.1'], 'win32', exe)).toEqual({ quit: true, updateExeArgs: ['--createShortcut=relay-lab.exe'] });
  });

  it('uninstall: remove shortcuts, then quit; obsolete: just quit', () => {
    expect(squirrelAction([exe, '--squirrel-uninstall'], 'win32', exe)).toEqual({ quit: true, updateExeArgs: ['--removeShortcut=relay-lab.exe'] });
    expect(squirrelAction([exe, '--squirrel-obsolete'], 'win32', exe)).toEqual({ quit: true, updateExeArgs: null });
  });

  it('a normal start, the first run, and every other platform: nothing to do', () => {
    expect(squirrelAction([exe], 'win32', exe)).toEqual({ quit: false });
    expect(squirrelAction([exe, '--squirrel-firstrun'], 'win32', exe)).toEqual({ quit: false });
    expect(squirrelAction(['/usr/bin/relay-lab', '--squirrel-install'], 'linux', '/usr/bin/relay-lab')).toEqual({ quit: false });
  });

  it('Update.exe is one folder above the app folder', () => {
    expect(updateExePath(exe)).toBe('C:\\Users\\me\\AppData\\Local\\relaylab\\Update.exe');
  });
});
