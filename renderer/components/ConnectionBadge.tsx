// The live stream's state, always visible: Live (events flow), Connecting, Reconnecting.
import type { ReactNode } from 'react';
import { useConnectionState } from '../lib/events';
import { isElectron } from '../lib/api';

const TEXT = {
  connecting: { label: 'Connecting…', help: 'Opening the live event stream.' },
  live: { label: 'Live', help: 'New sessions and lines appear as they happen.' },
  reconnecting: { label: 'Reconnecting…', help: 'The live stream is interrupted; it resumes where it stopped, nothing is missed.' },
} as const;

export function ConnectionBadge(): ReactNode {
  const s = useConnectionState();
  const t = TEXT[s];
  return (
    <div className={`conn conn-${s}`} role="status" aria-live="polite" title={t.help} data-testid="connection-state" data-state={s}>
      <span className="conn-dot" aria-hidden="true" />
      <span>{t.label}</span>
      <span className="conn-via">{isElectron() ? 'desktop' : 'browser'}</span>
    </div>
  );
}
