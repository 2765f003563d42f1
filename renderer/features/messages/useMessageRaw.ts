// The message source from messages.raw, fetched once per message id, as bytes plus its MIME tree.
import { useEffect, useState } from 'react';
import { api } from '../../lib/api';
import { base64Bytes } from '../../lib/download';
import { parseMime, type MimePart } from '../../lib/mime';

export type RawState = { loading: boolean; bytes?: Uint8Array; tree?: MimePart; error?: unknown };

export function useMessageRaw(id: string): RawState {
  const [state, setState] = useState<RawState>({ loading: true });
  useEffect(() => {
    let alive = true;
    setState({ loading: true });
    api['messages.raw']({ id }).then(
      (r) => {
        if (!alive) return;
        const bytes = base64Bytes(r.base64);
        setState({ loading: false, bytes, tree: parseMime(bytes) });
      },
      (error: unknown) => alive && setState({ loading: false, error }),
    );
    return () => {
      alive = false;
    };
  }, [id]);
  return state;
}
