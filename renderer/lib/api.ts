// The one typed client of the engine API, over either transport: Electron's preload bridge
// (window.lab) or HTTP (POST /api/<method>, authenticated by the HttpOnly cookie the server set
// on /?token=...). Every method returns the output or throws ApiCallError with a stable code.
import type { ApiError, ApiInput, ApiMethod, ApiOutput, ErrorCode, Reply } from '../../engine/api/contract';
// The preload's bridge, types only; importing it also types window.lab (absent in browser mode).
import type { LabBridge } from '../../electron/bridge';

/** Codes the client itself produces on top of the engine's ErrorCode. */
export type ClientErrorCode = ErrorCode | 'CLIENT.NETWORK' | 'CLIENT.BAD_REPLY';

export class ApiCallError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly method: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

/** Like Bruno's isElectron(): the bridge is there only inside the desktop window. */
export function isElectron(): boolean {
  return typeof window !== 'undefined' && typeof window.lab?.call === 'function';
}

type Transport = (method: string, input: unknown) => Promise<Reply<unknown>>;

const httpCall: Transport = async (method, input) => {
  let res: Response;
  try {
    res = await fetch(`/api/${encodeURIComponent(method)}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(input ?? {}),
    });
  } catch {
    return fail('CLIENT.NETWORK', 'cannot reach the engine (is relaylab still running?)');
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return fail('CLIENT.BAD_REPLY', `the engine answered HTTP ${res.status} without a JSON reply`);
  }
  if (isReply(body)) return body;
  return fail('CLIENT.BAD_REPLY', `the engine answered HTTP ${res.status} with an unexpected body`);
};

const bridgeCall: Transport = async (method, input) => {
  try {
    const r = await (window.lab as LabBridge).call(method, input ?? {});
    return isReply(r) ? r : fail('CLIENT.BAD_REPLY', 'the desktop bridge returned an unexpected value');
  } catch (e) {
    return fail('CLIENT.NETWORK', `the desktop bridge failed: ${e instanceof Error ? e.message : String(e)}`);
  }
};

function fail(code: ClientErrorCode, message: string): Reply<never> {
  return { ok: false, error: { code, message } as ApiError };
}

function isReply(v: unknown): v is Reply<unknown> {
  if (typeof v !== 'object' || v === null || !('ok' in v)) return false;
  const r = v as { ok: unknown; error?: { code?: unknown; message?: unknown } };
  if (r.ok === true) return true;
  return r.ok === false && typeof r.error?.code === 'string' && typeof r.error.message === 'string';
}

/**
 * Calls any method by name, including ones this build's contract does not know yet (the Send
 * form's messages.send). Prefer `api` below for the typed ones.
 */
export async function callRaw(method: string, input: unknown): Promise<unknown> {
  const reply = await (isElectron() ? bridgeCall : httpCall)(method, input);
  if (reply.ok) return reply.value;
  throw new ApiCallError(reply.error.code, reply.error.message, method);
}

export function call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
  return callRaw(method, input) as Promise<ApiOutput<M>>;
}

export type Client = { [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiOutput<M>> };

/** api['sessions.list']({ q: 'example' }) */
export const api = new Proxy({} as Client, {
  get: (_target, method) => (input: unknown) => callRaw(String(method), input),
});

/** A one-line message for an error caught from the client (or anything else). */
export function errorText(e: unknown): string {
  if (e instanceof ApiCallError) return `${e.message} (${e.code})`;
  if (e instanceof Error) return e.message;
  return String(e);
}
