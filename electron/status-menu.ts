// The application menu's "Engine" menu: one line per listener from engine.status (listening or
// why not), then the window and quit items. Pure: builds the template; main.ts refreshes it when
// the lines change (Menu.buildFromTemplate / setApplicationMenu).
import type { MenuItemConstructorOptions } from 'electron';
import type { EngineStatus, ListenerStatus } from '../engine/api/contract';

/** "mx (mx, starttls) 127.0.0.1:2525: listening" or "...: not listening (port 25 in use)". */
export function listenerLine(l: ListenerStatus): string {
  const where = `${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}`;
  const state = l.listening ? 'listening' : `not listening${l.error ? ` (${l.error})` : ''}`;
  return `${l.name} (${l.role}, ${l.tls}) ${where}: ${state}`;
}

/** The status lines for the menu; `failure` is shown when the status itself is not available. */
export function statusLines(status: EngineStatus | null, failure?: string): string[] {
  if (!status) return [`Engine status not available${failure ? `: ${failure}` : ''}`];
  if (status.listeners.length === 0) return ['No listeners configured'];
  return status.listeners.map(listenerLine);
}

export interface MenuActions {
  showWindow(): void;
}

export function buildMenuTemplate(lines: readonly string[], platform: NodeJS.Platform, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const engineMenu: MenuItemConstructorOptions = {
    label: 'Engine',
    submenu: [
      { label: 'Listeners', enabled: false },
      ...lines.map((line): MenuItemConstructorOptions => ({ label: `  ${line}`, enabled: false })),
      { type: 'separator' },
      { label: 'Show Window', click: () => actions.showWindow() },
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
    ],
  };
  return [...(mac ? [{ role: 'appMenu' } as const] : []), engineMenu, { role: 'editMenu' }, { role: 'windowMenu' }];
}
