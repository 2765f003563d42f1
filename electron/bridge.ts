// The bridge the preload exposes as window.lab: types only (like engine/api/contract.ts), so the
// renderer may `import type` it, which also types `window.lab`. The bridge itself is untyped on
// the wire (any method name, any input; dispatch() is the allowlist); the typed client is
// renderer/lib/api.ts on top of it. window.lab is absent in browser mode: the renderer picks its
// transport by looking for it.
import type { EngineEvents, Reply } from '../engine/api/contract';

/** The arguments of a lab:event listener: (name, payload) for each named event of EngineEvents. */
export type LabEventArgs = { [K in keyof EngineEvents]: [name: K, payload: EngineEvents[K]] }[keyof EngineEvents];

export type LabEventListener = (...args: LabEventArgs) => void;

export interface LabBridge {
  /** One API call; the promise resolves with a Reply (errors are values, never rejections). */
  call(method: string, input: unknown): Promise<Reply<unknown>>;
  /** Every pushed engine event; returns the unsubscribe function. The IPC event object is not passed on. */
  onEvent(fn: LabEventListener): () => void;
}

declare global {
  interface Window {
    /** Present in the desktop app (preload.ts), absent in browser mode. */
    lab?: LabBridge;
  }
}
