// trace: everything the engine does that a user may want to see, as typed events.
// Inputs: events from every part of the engine. Outputs: live subscribers (SSE, IPC) and SQLite rows.
// Credentials are redacted before an event exists (redact.ts); the UI renders only these events.
// Trust: nothing here acts on an event; it only records and forwards.
export * from './events';
export { TraceBus } from './bus';
export { startRecorder, eventsSince, lastEventSeq } from './recorder';
export { redactClientLine } from './redact';
