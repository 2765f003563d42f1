// Types the renderer needs that the contract uses but does not export by name (the renderer
// imports types from engine/api/contract.ts only).
import type { EngineEvents, MessageDetail, MessageSummary } from '../../engine/api/contract';

export type QueueState = MessageSummary['state'];

/** A trace event as stored and streamed (with its seq). */
export type StoredEvent = EngineEvents['trace'];

/** The engine's authentication verdict and policy decision for a message (messages.get `auth`). */
export type MessageAuth = NonNullable<MessageDetail['auth']>;
export type AuthVerdictView = MessageAuth['verdict'];
export type AuthDecisionView = MessageAuth['decision'];
