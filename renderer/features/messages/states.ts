// Queue states in plain words (Postfix's queue directories).
import type { QueueState } from '../../lib/types';
import type { Tone } from '../../components/ui';

export const STATE_INFO: Record<QueueState, { tone: Tone; text: string }> = {
  incoming: { tone: 'info', text: 'accepted, waiting for its first delivery attempt' },
  active: { tone: 'info', text: 'being delivered right now' },
  deferred: { tone: 'warn', text: 'a delivery attempt failed temporarily; it will be tried again' },
  hold: { tone: 'warn', text: 'held by an operator: not delivered until released' },
  corrupt: { tone: 'bad', text: 'the stored copy is unreadable' },
  sent: { tone: 'ok', text: 'delivered to every recipient (or handed on)' },
  bounced: { tone: 'bad', text: 'delivery failed for good; a bounce was sent or dropped' },
};

export const QUEUE_STATE_ORDER: QueueState[] = ['incoming', 'active', 'deferred', 'hold', 'corrupt', 'sent', 'bounced'];
