// api: the one typed contract (contract.ts, types only), its input allowlist (inputs.ts), dispatch,
// the HTTP+SSE adapter and the implementation over the engine's store.
// Inputs: calls from the UI over HTTP (token, Host/Origin checked) or IPC (sender frame checked).
// Trust: every input is validated before it reaches impl.ts; replies never carry stacks.
export type * from './contract';
export { dispatch } from './dispatch';
export { startHttpApi, type EventFeed, type HttpApi } from './http';
export { createApiImpl } from './impl';
export { LabError } from './errors';
