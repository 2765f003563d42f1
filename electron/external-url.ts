// Which links may leave the app for the system browser (Electron checklist item 15: never hand
// shell.openExternal an untrusted URL). Only http(s) with a host and without credentials; the URL
// is re-serialized, so what reaches the OS is what was checked. Pure: no electron import.

/** Longest URL we hand to the OS; anything longer is refused rather than truncated. */
export const EXTERNAL_URL_MAX = 2048;

/** The normalized URL when it may be opened in the system browser, else null. */
export function safeExternalUrl(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > EXTERNAL_URL_MAX) return null;
  // Control characters and spaces are never part of a link we produced; refuse instead of guessing.
  // eslint-disable-next-line no-control-regex -- the point is to refuse them
  if (/[\u0000-\u0020\u007f]/.test(raw)) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (u.hostname === '' || u.username !== '' || u.password !== '') return null;
  const href = u.href;
  return href.length <= EXTERNAL_URL_MAX ? href : null;
}
