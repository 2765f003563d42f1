// The IPC adapter: the Electron twin of engine/api/http.ts. One invoke channel, lab:call, whose
// sender frame is checked (Electron checklist item 17) before dispatch() validates and runs the call;
// the reply is always a Reply envelope, never a thrown error (a thrown error loses its code on the
// way to the renderer, electron/electron#24427). One push channel, lab:event, carries the engine's
// event feed to the window. Only types come from 'electron', so tests run it under plain Node.
import type { IpcMain, WebFrameMain } from 'electron';
import type { EngineApi, EngineEvents, Reply } from '../engine/api/contract';
import { dispatch, type DispatchOptions } from '../engine/api/dispatch';
import type { EventFeed } from '../engine/api/http';

/** Renderer → main: ipcRenderer.invoke(CALL_CHANNEL, method, input) → Reply. */
export const CALL_CHANNEL = 'lab:call';
/** Main → renderer: webContents.send(EVENT_CHANNEL, name, payload), name a key of EngineEvents. */
export const EVENT_CHANNEL = 'lab:event';

/** What the handler reads of Electron's IpcMainInvokeEvent. */
export interface SenderEvent<F> {
  readonly senderFrame: F | null;
}

export interface LabCallDeps<F> {
  impl: EngineApi;
  /** True only for the main frame of the app window showing an app page (app-frame.ts). */
  isAppFrame(frame: F | null): boolean;
  /** Unexpected errors of implementations, for the log (dispatch never puts them in a reply). */
  onError?: DispatchOptions['onError'];
  /** One line per refused call, for the log. */
  log?: (line: string) => void;
}

export type LabCallHandler<F> = (event: SenderEvent<F>, method: unknown, input: unknown) => Promise<Reply<unknown>>;

export const FORBIDDEN_REPLY: Reply<never> = {
  ok: false,
  error: { code: 'API.FORBIDDEN', message: 'forbidden: this frame may not call the engine' },
};

/**
 * The lab:call handler as a plain function: ipcMain.handle gives it (event, method, input). A sender
 * that is not the app frame gets API.FORBIDDEN and nothing runs; everything else goes to dispatch(),
 * which answers API.UNKNOWN_METHOD / API.BAD_INPUT / a LabError's code / API.INTERNAL as values.
 */
export function createLabCallHandler<F>(deps: LabCallDeps<F>): LabCallHandler<F> {
  const log = deps.log ?? (() => {});
  return async (event, method, input) => {
    let allowed = false;
    try {
      allowed = deps.isAppFrame(event?.senderFrame ?? null);
    } catch {
      allowed = false;
    }
    if (!allowed) {
      log(`ipc: refused ${typeof method === 'string' ? JSON.stringify(method.slice(0, 80)) : 'a call'} from a frame that is not the app`);
      return FORBIDDEN_REPLY;
    }
    // Not coerced: dispatch() refuses a method that is not a string (API.UNKNOWN_METHOD).
    return dispatch(deps.impl, method as string, input, deps.onError ? { onError: deps.onError } : {});
  };
}

/** Where lab:event goes: the app window's webContents (structurally; tests pass a fake). */
export interface PushTarget {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

/**
 * Push every live event of `feed` to `target()` on lab:event as (name, payload). Returns the
 * unsubscribe function. No window (or a destroyed one) means the event is not sent; the renderer
 * reloads its lists when it comes back, so nothing is queued for it here.
 */
export function startEventPump(feed: Pick<EventFeed, 'subscribe'>, target: () => PushTarget | null, log: (line: string) => void = () => {}): () => void {
  const push = <K extends keyof EngineEvents>(name: K, payload: EngineEvents[K]): void => {
    const t = target();
    if (!t || t.isDestroyed()) return;
    try {
      t.send(EVENT_CHANNEL, name, payload);
    } catch (err) {
      log(`ipc: could not push a ${name} event: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return feed.subscribe((e) => push('trace', e));
}

export interface LabIpcDeps extends LabCallDeps<WebFrameMain> {
  /** The engine's live events; with `target`, pushed on lab:event. */
  events?: Pick<EventFeed, 'subscribe'>;
  target?: () => PushTarget | null;
}

/** Register lab:call (and the lab:event pump when events + target are given). Returns dispose. */
export function registerLabIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, deps: LabIpcDeps): () => void {
  const handler = createLabCallHandler<WebFrameMain>(deps);
  ipcMain.handle(CALL_CHANNEL, (event, method: unknown, input: unknown) => handler(event, method, input));
  const stopPump = deps.events && deps.target ? startEventPump(deps.events, deps.target, deps.log) : () => {};
  return () => {
    stopPump();
    ipcMain.removeHandler(CALL_CHANNEL);
  };
}
