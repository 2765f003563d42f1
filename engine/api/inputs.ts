// The runtime allowlist of the API: one zod schema per method of EngineApi, strict objects
// (an unknown key is an error), conservative id charsets, defaults filled here. The type checks
// at the bottom make a missing or extra method, or a field missing on either side, a compile error.
import { z } from 'zod';
import { QUEUE_STATES, type QueueState } from '../queue/states';
import type { ApiInput, ApiMethod } from './contract';

export const LIST_LIMIT_DEFAULT = 100;
export const LIST_LIMIT_MAX = 1000;
export const CONFIG_YAML_MAX = 512 * 1024;

/** Queue ids and session ids: letters, digits, _ and -; no dots or slashes, so never a path. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const queueId = z.string().regex(ID_PATTERN, 'a queue id (1-64 letters, digits, _ or -)');
const sessionId = z.string().regex(ID_PATTERN, 'a session id (1-64 letters, digits, _ or -)');
const queueState = z.enum(QUEUE_STATES as readonly [QueueState, ...QueueState[]]);
const limit = z.number().int().min(1).max(LIST_LIMIT_MAX).default(LIST_LIMIT_DEFAULT);
const before = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
// eslint-disable-next-line no-control-regex -- the point is to refuse control characters
const q = z.string().max(256).regex(/^[^\u0000-\u001f\u007f]*$/, 'text without control characters');

export const inputs = {
  'sessions.list': z.strictObject({ limit, before: before.optional(), q: q.optional() }),
  'sessions.get': z.strictObject({ sid: sessionId }),
  'messages.list': z.strictObject({ limit, before: before.optional(), state: queueState.optional(), q: q.optional() }),
  'messages.get': z.strictObject({ id: queueId }),
  'queue.list': z.strictObject({ state: queueState.optional(), limit }),
  'queue.flush': z.strictObject({ id: queueId.optional() }),
  'queue.hold': z.strictObject({ id: queueId }),
  'queue.release': z.strictObject({ id: queueId }),
  'queue.delete': z.strictObject({ id: queueId }),
  'config.get': z.strictObject({}),
  'config.validate': z.strictObject({ yaml: z.string().max(CONFIG_YAML_MAX, `at most ${CONFIG_YAML_MAX} characters`) }),
  'engine.status': z.strictObject({}),
} satisfies { [M in ApiMethod]: z.ZodType<ApiInput<M>> };

export type InputSchemas = typeof inputs;

/** True when `name` is an API method (own key only: "__proto__", "toString" ... are not). */
export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(inputs, name);
}

// Field-level completeness: the schema and the contract name the same keys, both ways.
// (`satisfies` above checks that what the schema outputs fits the contract, but an optional field
// the schema forgot would still fit; this catches it.)
type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };
type SameKeys<A, B> = [Exclude<KnownKeys<A>, KnownKeys<B>>, Exclude<KnownKeys<B>, KnownKeys<A>>] extends [never, never] ? true : false;
type FieldsMatch = { [M in ApiMethod]: SameKeys<Required<ApiInput<M>>, Required<z.input<InputSchemas[M]>>> };
type AllTrue<T> = T[keyof T] extends true ? true : false;
const fieldsMatch: AllTrue<FieldsMatch> = true;
void fieldsMatch;
