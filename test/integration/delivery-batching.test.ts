// queue.delivery_batch_delay: new mail waits for company before delivery starts, and a backlog
// larger than delivery_concurrency is still drained (claims refill as slots free up).
// Real engine on loopback, raw SMTP client, real Maildir files.
import { afterEach, describe, expect, it } from 'vitest';
import { maildirFiles, startTestEngine, waitFor, type TestEngine } from '../helpers/engine';
import { RawSmtp } from '../helpers/smtp-script';

let t: TestEngine | undefined;
afterEach(async () => { await t?.stop(); t = undefined; });

async function send(port: number, count: number): Promise<string[]> {
  const c = await RawSmtp.connect(port);
  const ids: string[] = [];
  try {
    expect(await c.reply()).toMatch(/^220 /);
    expect(await c.cmd('EHLO client.example.org')).toMatch(/^250/);
    for (let i = 0; i < count; i++) {
      expect(await c.cmd('MAIL FROM:<a@example.org>')).toMatch(/^250/);
      expect(await c.cmd('RCPT TO:<bob@relaylab.test>')).toMatch(/^250/);
      expect(await c.cmd('DATA')).toMatch(/^354/);
      const r = await c.cmd(`Subject: ${i}\r\n\r\nmessage ${i}\r\n.`);
      const id = /queued as (\w+)/.exec(r)?.[1];
      if (!id) throw new Error(`not queued: ${r}`);
      ids.push(id);
    }
    await c.cmd('QUIT');
  } finally {
    c.close();
  }
  return ids;
}

describe('delivery batching', () => {
  it('new mail waits delivery_batch_delay before it is claimed', async () => {
    t = await startTestEngine({ queue: { delivery_batch_delay: '1h' } });
    const [id] = await send(t.port('mx'), 1);
    await new Promise((r) => setTimeout(r, 600));
    expect(t.engine.queue.get(id as string)?.state).toBe('incoming');
    expect(maildirFiles(t.dataDir, 'relaylab.test', 'bob')).toHaveLength(0);
  });

  it('a backlog larger than delivery_concurrency is delivered in full', async () => {
    t = await startTestEngine({ queue: { delivery_batch_delay: '500ms', delivery_concurrency: 4 } });
    const ids = await send(t.port('mx'), 30);
    const engine = t.engine;
    await waitFor(() => ids.every((id) => engine.queue.get(id)?.state === 'sent'), 20_000, 'all 30 messages sent');
    expect(maildirFiles(t.dataDir, 'relaylab.test', 'bob')).toHaveLength(30);
  });

  it('with no delay, a message is delivered at once', async () => {
    t = await startTestEngine({ queue: { delivery_batch_delay: 0 } });
    const [id] = await send(t.port('mx'), 1);
    const engine = t.engine;
    await waitFor(() => engine.queue.get(id as string)?.state === 'sent', 10_000, 'delivered');
  });
});
