// dispatch: the one entry point every transport (IPC, HTTP) calls. It looks the method up in the
// allowlist, validates the input, calls the implementation and returns a Reply. It never throws:
// an expected failure (LabError) keeps its code and message; anything else becomes API.INTERNAL
// with a generic message (the detail goes to onError, i.e. the engine log, never to the caller).
import type { z } from 'zod';
import type { ApiMethod, EngineApi, ErrorCode, Reply } from './contract';
import { isLabError } from './errors';
import { inputs, isApiMethod } from './inputs';

export interface DispatchOptions {
  /** Called with every unexpected error (not LabError, not bad input), for the log. */
  onError?: (method: string, err: unknown) => void;
}

const fail = (code: ErrorCode, message: string): Reply<never> => ({ ok: false, error: { code, message } });

export async function dispatch(impl: EngineApi, method: string, input: unknown, opts: DispatchOptions = {}): Promise<Reply<unknown>> {
  try {
    if (typeof method !== 'string' || !isApiMethod(method)) {
      return fail('API.UNKNOWN_METHOD', `unknown method ${JSON.stringify(String(method)).slice(0, 80)}`);
    }
    const fn: unknown = (impl as unknown as Record<string, unknown>)[method];
    if (typeof fn !== 'function') return fail('API.NOT_IMPLEMENTED', `${method} is not available in this engine`);

    // A call without an argument means "no input": the schema still decides what is required.
    const parsed = await inputs[method].safeParseAsync(input === undefined ? {} : input);
    if (!parsed.success) return fail('API.BAD_INPUT', `${method}: ${describeIssues(parsed.error.issues)}`);

    const value: unknown = await (fn as (i: unknown) => Promise<unknown>).call(impl, parsed.data);
    return { ok: true, value };
  } catch (err) {
    if (isLabError(err)) return fail(err.code, err.message);
    try {
      opts.onError?.(method, err);
    } catch {
      // a failing logger must not turn into a thrown dispatch
    }
    return fail('API.INTERNAL', `${typeof method === 'string' && isApiMethod(method) ? method : 'call'} failed: internal error (see the engine log)`);
  }
}

/** Dispatch a call whose method is known at compile time (for in-process callers and tests). */
export function call<M extends ApiMethod>(impl: EngineApi, method: M, input: Parameters<EngineApi[M]>[0]): Promise<Reply<Awaited<ReturnType<EngineApi[M]>>>> {
  return dispatch(impl, method, input) as Promise<Reply<Awaited<ReturnType<EngineApi[M]>>>>;
}

/** E.g. `limit: Too big: expected number to be <=1000; sid: required; input: Unrecognized key: "foo"` (at most 5). */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, 5).map((i) => {
    const where = i.path.length ? i.path.map(String).join('.') : 'input';
    const missing = i.code === 'invalid_type' && i.message.endsWith('received undefined');
    return `${where}: ${missing ? 'required' : i.message}`;
  });
  if (issues.length > 5) parts.push(`and ${issues.length - 5} more`);
  return parts.join('; ');
}
