// Which pages and frames are the app (Electron checklist item 17: check every IPC sender).
// The app is either the Vite dev server (development) or app://relaylab/ (the built renderer served
// by app-protocol.ts). A frame may call the engine only if it is the main frame of our window and
// shows an app URL: not an iframe, not another window, not a page it was navigated to. Pure.

export const APP_SCHEME = 'app';
export const APP_HOST = 'relaylab';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the window loads when there is no dev server. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

export interface AppLocation {
  /** Forge's MAIN_WINDOW_VITE_DEV_SERVER_URL in development (http://localhost:5173); absent when built. */
  devServerUrl?: string;
}

/** The parts of Electron's WebFrameMain the check needs (tests pass plain objects). */
export interface FrameLike {
  readonly url: string;
  readonly processId: number;
  readonly routingId: number;
}

/** The URL the window loads. */
export function appStartUrl(loc: AppLocation): string {
  return loc.devServerUrl ? new URL(loc.devServerUrl).href : APP_INDEX_URL;
}

/** True when `url` is a page of the app (same scheme, host and port as the app's origin). */
export function isAppUrl(url: string, loc: AppLocation): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username !== '' || u.password !== '') return false;
  if (loc.devServerUrl) {
    const dev = new URL(loc.devServerUrl);
    // http(s) origins compare by scheme, host and port.
    return u.origin === dev.origin;
  }
  // app: is not a "special" scheme for WHATWG URL in Node (origin "null", host not lowercased), so
  // compare the parts; Chromium lowercases the host of a standard scheme, Node does not.
  return u.protocol === `${APP_SCHEME}:` && u.host.toLowerCase() === APP_HOST;
}

/**
 * The sender check for IPC: `mainFrame()` gives the main frame of the app window now (or null when
 * there is no window). A frame passes when it is that frame (same process and routing id) and it
 * shows an app URL. Any surprise (a throwing getter, a destroyed frame) means no.
 */
export function createAppFrameCheck(loc: AppLocation, mainFrame: () => FrameLike | null): (frame: FrameLike | null | undefined) => boolean {
  return (frame) => {
    try {
      if (!frame) return false;
      const main = mainFrame();
      if (!main) return false;
      if (frame.processId !== main.processId || frame.routingId !== main.routingId) return false;
      return isAppUrl(frame.url, loc);
    } catch {
      return false;
    }
  };
}
