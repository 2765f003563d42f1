// Graceful quit: the first before-quit is held back (preventDefault) until the engine has stopped
// (listeners stop accepting, sessions in flight finish or get 421, the queue and the database
// close), then the app quits for real. Further quit requests meanwhile are held too; a stop that
// hangs is given up after `timeoutMs` so the app can always quit. Pure: the caller wires Electron.

export interface QuitGuardDeps {
  /** Stops the engine (and whatever else must finish first). */
  stop(): Promise<void>;
  /** Quits for real (app.quit()); called once, after stop() settled or timed out. */
  quit(): void;
  log?: (line: string) => void;
  /** Default 20 s: listeners get 5 s to finish sessions, then the queue and the database close. */
  timeoutMs?: number;
}

export type QuitState = 'running' | 'stopping' | 'stopped';

export interface QuitGuard {
  /** The before-quit listener. */
  onBeforeQuit(event: { preventDefault(): void }): void;
  readonly state: QuitState;
  /** Settles when the engine has stopped (or the stop was given up). */
  readonly stopped: Promise<void>;
}

export function createQuitGuard(deps: QuitGuardDeps): QuitGuard {
  const log = deps.log ?? (() => {});
  const timeoutMs = deps.timeoutMs ?? 20_000;
  let state: QuitState = 'running';
  let markStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    markStopped = resolve;
  });

  async function stopThenQuit(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const r = await Promise.race([deps.stop().then(() => 'stopped' as const), timeout]);
      if (r === 'timeout') log(`relaylab: the engine did not stop within ${timeoutMs} ms; quitting anyway`);
    } catch (err) {
      log(`relaylab: stopping the engine failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
    state = 'stopped';
    markStopped();
    deps.quit();
  }

  return {
    get state() {
      return state;
    },
    stopped,
    onBeforeQuit(event) {
      if (state === 'stopped') return; // the engine is down: let this quit through
      event.preventDefault();
      if (state === 'stopping') return;
      state = 'stopping';
      log('relaylab: stopping (finishing sessions in flight)');
      void stopThenQuit();
    },
  };
}
