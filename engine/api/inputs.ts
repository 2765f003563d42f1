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

/** An address for MAIL FROM / RCPT TO: no spaces, brackets or control characters (no command injection). */
const mailbox = z.string().max(256).regex(/^[^\s<>\u0000-\u001f\u007f]+@[A-Za-z0-9.-]+$|^[^\s<>\u0000-\u001f\u007f@]+$/, 'an address like user@example.test');
/** A header value: one line (folding is ours to do). */
const headerText = z.string().max(998).regex(/^[^\r\n\u0000]*$/, 'one line of text');

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
  'messages.raw': z.strictObject({ id: queueId }),
  'config.apply': z.strictObject({ yaml: z.string().max(CONFIG_YAML_MAX, `at most ${CONFIG_YAML_MAX} characters`) }),
  'messages.send': z.strictObject({
    listener: z.string().regex(/^[a-z0-9_-]{1,64}$/i, 'a listener name'),
    helo: z.string().regex(/^[A-Za-z0-9.-]{1,253}$|^\[[0-9a-fA-F:.]+\]$/, 'a host name or address literal').optional(),
    sender: z.union([z.literal(''), mailbox]),
    recipients: z.array(mailbox).min(1).max(100),
    from: headerText.optional(),
    subject: headerText.optional(),
    text: z.string().max(1_000_000),
    headers: z.array(z.strictObject({ name: z.string().regex(/^[!-9;-~]{1,76}$/, 'a header name'), value: headerText })).max(50).optional(),
    starttls: z.boolean().optional(),
    auth: z.strictObject({ user: z.string().min(1).max(64).regex(/^[^\u0000-\u001f]*$/), password: z.string().min(1).max(256).regex(/^[^\u0000-\u001f]*$/) }).optional(),
    xclient: z.strictObject({
      addr: z.string().regex(/^[0-9a-fA-F:.]{2,45}$/, 'an IP address'),
      name: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/).optional(),
      helo: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/).optional(),
      login: z.string().regex(/^[A-Za-z0-9._@+-]{1,64}$/).optional(),
    }).optional(),
  }),
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
