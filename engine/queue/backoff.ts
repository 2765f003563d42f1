// Retry schedule (Postfix qmgr): the first retry after minimal_backoff_time, doubling with each
// attempt, never more than maximal_backoff_time apart; give up after maximal_queue_lifetime.
import type { QueueConfig } from '../config/schema';

export function nextAttemptAt(q: Pick<QueueConfig, 'minimal_backoff_time' | 'maximal_backoff_time'>, attempts: number, now: number): number {
  const exp = Math.min(30, Math.max(0, attempts - 1));
  const wait = Math.min(q.maximal_backoff_time, q.minimal_backoff_time * 2 ** exp);
  return now + wait;
}

export function expired(q: Pick<QueueConfig, 'maximal_queue_lifetime'>, arrivedAt: number, now: number): boolean {
  return now - arrivedAt >= q.maximal_queue_lifetime;
}
