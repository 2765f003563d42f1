// Queue states (Postfix's queue directories, stored as one column) and the legal moves.
export type QueueState = 'incoming' | 'active' | 'deferred' | 'hold' | 'corrupt' | 'sent' | 'bounced';

export const QUEUE_STATES: readonly QueueState[] = ['incoming', 'active', 'deferred', 'hold', 'corrupt', 'sent', 'bounced'];

export const moves: Record<QueueState, readonly QueueState[]> = {
  incoming: ['active', 'hold', 'corrupt'],
  active: ['sent', 'deferred', 'bounced', 'corrupt', 'incoming', 'hold'],
  deferred: ['active', 'hold', 'bounced', 'incoming'],
  hold: ['incoming'],
  corrupt: [],
  sent: [],
  bounced: [],
};

export function canMove(from: QueueState, to: QueueState): boolean {
  return moves[from].includes(to);
}

/** Per-recipient delivery status inside a queued message. */
export type RecipientStatus = 'pending' | 'deferred' | 'sent' | 'failed';
