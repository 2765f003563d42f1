// One message, fetched again (debounced) when its queue state or deliveries change.
import { useEffect, useState } from 'react';
import type { MessageDetail } from '../../../engine/api/contract';
import { api } from '../../lib/api';
import { hub } from '../../lib/events';
import { debounce } from '../../lib/store';

export type MessageState = { detail?: MessageDetail; error?: unknown; loading: boolean };

export function useMessage(id: string): MessageState {
  const [state, setState] = useState<MessageState>({ loading: true });
  useEffect(() => {
    let alive = true;
    const load = (): void => {
      api['messages.get']({ id }).then(
        (detail) => alive && setState({ detail, loading: false }),
        (error: unknown) => alive && setState((s) => (s.detail ? s : { error, loading: false })),
      );
    };
    const again = debounce(load, 200, 1000);
    const unsub = hub.subscribe((e) => {
      if ((e.t === 'queue' || e.t === 'delivery' || e.t === 'dsn') && e.id === id) again();
    });
    setState({ loading: true });
    load();
    return () => {
      alive = false;
      again.cancel();
      unsub();
    };
  }, [id]);
  return state;
}
