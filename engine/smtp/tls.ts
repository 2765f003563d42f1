// The listeners' certificate: the user's own (tls.cert / tls.key), or a self-signed one made on
// first start and kept in the data dir (<data>/tls/), so clients see the same one every time.
import fs from 'node:fs';
import path from 'node:path';
import selfsigned from 'selfsigned';

export interface TlsMaterial { cert: Buffer; key: Buffer; selfSigned: boolean; certFile: string }

export async function loadOrCreateCertificate(o: { dataDir: string; hostname: string; cert?: string; key?: string; baseDir: string }): Promise<TlsMaterial> {
  if (o.cert || o.key) {
    if (!o.cert || !o.key) throw new Error('tls: give both tls.cert and tls.key, or neither');
    const certFile = path.resolve(o.baseDir, o.cert);
    const keyFile = path.resolve(o.baseDir, o.key);
    return { cert: readOrExplain(certFile, 'tls.cert'), key: readOrExplain(keyFile, 'tls.key'), selfSigned: false, certFile };
  }
  const dir = path.join(o.dataDir, 'tls');
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    return { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile), selfSigned: true, certFile };
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pems = await selfsigned.generate([{ name: 'commonName', value: o.hostname }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: o.hostname }, { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
  });
  fs.writeFileSync(keyFile, pems.private, { mode: 0o600 });
  fs.writeFileSync(certFile, pems.cert, { mode: 0o644 });
  return { cert: Buffer.from(pems.cert), key: Buffer.from(pems.private), selfSigned: true, certFile };
}

function readOrExplain(file: string, key: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new Error(`${key}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}
