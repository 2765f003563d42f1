// queue: the durable queue — message and recipient rows in SQLite, content in spool files.
// Inputs: accepted messages from smtp/, state changes from delivery/ and the API.
// Outputs: claimable work for delivery/, queue trace events. Queue.move is the only state writer.
// Trust: its own database and spool folder; it never touches the network.
export { Queue, QueueError, type MessageRow, type NewMessage, type RecipientRow } from './queue';
export { QUEUE_STATES, canMove, moves, type QueueState, type RecipientStatus } from './states';
export { SpoolFile, writeSpool, drain } from './spool';
export { SpoolPool } from './spool-pool';
export { newQueueId, QUEUE_ID_RE } from './ids';
