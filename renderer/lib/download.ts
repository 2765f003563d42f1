// Saves bytes as a file from the browser or the Electron window: a Blob behind an object URL,
// clicked through a temporary <a download>. Needs no script-src or connect-src beyond 'self'.

export function downloadBytes(bytes: Uint8Array, filename: string, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The click starts the download asynchronously; keep the URL alive a little while.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** base64 → bytes without atob's limits on whitespace. */
export function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64.replace(/[^A-Za-z0-9+/=]/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
