// LabError: how API implementations report an expected failure (not found, bad state, ...).
// dispatch() turns it into { ok: false, error: { code, message } }; the message is shown to the
// user as is, so it must be specific and must not leak internals (paths of secrets, stacks).
import type { ApiError, ErrorCode } from './contract';

export class LabError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'LabError';
    this.code = code;
  }

  toJSON(): ApiError {
    return { code: this.code, message: this.message };
  }
}

export function isLabError(e: unknown): e is LabError {
  return e instanceof LabError;
}
