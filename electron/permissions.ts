// Web permissions (Electron checklist item 5): the app asks for none except writing text to the
// clipboard (copy a queue id, a transcript line); everything else, and anything asked by a page
// that is not the app, is denied. Pure.
import { isAppUrl, type AppLocation } from './app-frame';

export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** `url` is the requesting page or origin as Electron reports it. */
export function permissionAllowed(permission: string, url: string | undefined, loc: AppLocation): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && typeof url === 'string' && isAppUrl(url, loc);
}
