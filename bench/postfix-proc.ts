// Postfix 3.7 measured in the same run, when it is installed (Debian's postfix package): the
// issue's reference set-up, "its real queue (write + fsync, then discard)". A private instance
// (temp config and queue, 127.0.0.1, never the system one; test/differential/postfix-instance.ts)
// with mynetworks = loopback, no recipient checks, every message delivered to discard:. Its
// figures make "beat Postfix" a comparison on this machine, under this load, not with numbers
// measured elsewhere. Needs root (Postfix's master drops privileges to the postfix user).
import fs from 'node:fs';
import { POSTFIX, startPostfix, type PostfixInstance } from '../test/differential/postfix-instance';
import { DOMAIN } from './engine-proc';

export type PostfixProc = { port: number; stop(): Promise<void> } | { unavailable: string };

const MAIN_CF: Record<string, string> = {
  mydestination: DOMAIN,
  mynetworks: '127.0.0.0/8',
  local_transport: 'discard:',
  default_transport: 'discard:',
  local_recipient_maps: '',
  alias_maps: '',
  alias_database: '',
  smtpd_peername_lookup: 'no',
  // no per-client limits or slow-downs: the load comes from one address, as fast as it can
  smtpd_client_connection_count_limit: '0',
  smtpd_client_connection_rate_limit: '0',
  default_process_limit: '200',
  in_flow_delay: '0s',
  qmgr_message_active_limit: '20000',
};

export async function startPostfixProc(): Promise<PostfixProc> {
  if (!POSTFIX) return { unavailable: 'Postfix is not installed' };
  if (process.getuid?.() !== 0) return { unavailable: 'Postfix needs root to start here' };
  let pf: PostfixInstance;
  try {
    pf = await startPostfix(MAIN_CF, { bench: {} });
  } catch (e) {
    return { unavailable: `Postfix did not start: ${(e as Error).message.split('\n')[0]}` };
  }
  return { port: pf.port('bench'), stop: async () => { await pf.stop(); fs.rmSync(pf.dir, { recursive: true, force: true }); } };
}
