// Adapts smtp-server's bunyan-style logger calls into transcript lines: {tnx:'command'} records
// are client lines ('C:'), {tnx:'send'} records are our replies ('S:'). Everything else is
// dropped (the engine's own events say it better). AUTH payloads are redacted here again.
import { redactClientLine } from '../trace/redact';

type LineSink = (sid: string, dir: 'C' | 'S', line: string) => void;
interface Meta { tnx?: string; cid?: string; command?: string }

export function createSmtpLogger(sink: LineSink) {
  const handle = (meta: unknown, _fmt?: unknown, ...args: unknown[]): void => {
    if (!meta || typeof meta !== 'object') return;
    const m = meta as Meta;
    if (!m.cid || (m.tnx !== 'command' && m.tnx !== 'send')) return;
    const text = String(args[0] ?? '');
    if (m.tnx === 'command') {
      sink(m.cid, 'C', redactClientLine(text, text === '/* secured */'));
    } else {
      for (const line of text.split('\r\n')) sink(m.cid, 'S', line);
    }
  };
  const noop = (): void => {};
  return { debug: handle, info: handle, trace: noop, warn: noop, error: noop, fatal: noop, child: () => ({ debug: handle, info: handle, trace: noop, warn: noop, error: noop, fatal: noop }) };
}
