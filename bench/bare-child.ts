// The baseline, measured in the same run on the same machine: a bare smtp-server that writes
// each message to a file and fsyncs it, then answers 250, and does nothing else (the issue's
// "ceiling for this stack"). Its figures turn the fixed reference numbers into ratios
// that mean something on a noisy machine: Postfix/bare there vs Relay Lab/bare here.
import fs from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

export function runBareChild(dir: string): void {
  let n = 0;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, disableReverseLookup: true,
    onData(stream, _session, cb) {
      const file = path.join(dir, String(n++));
      const fd = fs.openSync(file, 'w');
      const out = fs.createWriteStream('', { fd, autoClose: false, emitClose: false });
      stream.pipe(out).on('finish', () => fs.fsync(fd, (e) => { fs.closeSync(fd); fs.rmSync(file, { force: true }); cb(e ?? null); }));
    },
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ t: 'ready', port: (server.server.address() as { port: number }).port }));
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
}
