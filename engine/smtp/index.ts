// smtp: the SMTP listeners (smtp-server per listener), sessions, the DATA filter, Received, AUTH users, TLS.
// Inputs: TCP connections from anyone; the config, policy, queue and resolver from the engine.
// Outputs: replies on the wire, spool files + queue rows for accepted mail, trace events.
// Trust: nothing a client says; XCLIENT only from authorized networks; AUTH only after TLS.
export { startListener, type ListenerDeps, type RunningListener } from './listener';
export { createClassifier, isLoopback, unmapV4, type Classifier } from './network';
export { Users, hashPassword, verifyPassword } from './users';
