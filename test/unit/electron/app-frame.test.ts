// Which pages and frames count as the app: the IPC sender check and the navigation guard use this.
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, appStartUrl, createAppFrameCheck, isAppUrl, type FrameLike } from '../../../electron/app-frame';

const built = {};
const dev = { devServerUrl: 'http://localhost:5173' };

describe('isAppUrl', () => {
  it('built app: app://relaylab/ pages only', () => {
    expect(isAppUrl('app://relaylab/index.html', built)).toBe(true);
    expect(isAppUrl('app://relaylab/sessions/abc?x=1#y', built)).toBe(true);
    expect(isAppUrl('APP://RELAYLAB/index.html', built)).toBe(true);
    expect(isAppUrl('app://other/index.html', built)).toBe(false);
    expect(isAppUrl('app://relaylab.evil/index.html', built)).toBe(false);
    expect(isAppUrl('app://user@relaylab/index.html', built)).toBe(false);
    expect(isAppUrl('file:///work/main/.vite/renderer/main_window/index.html', built)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', built)).toBe(false);
    expect(isAppUrl('not a url', built)).toBe(false);
  });

  it('development: the dev server origin only (scheme, host and port)', () => {
    expect(isAppUrl('http://localhost:5173/', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5173/src/main.tsx', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('https://localhost:5173/', dev)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', dev)).toBe(false);
    expect(isAppUrl('app://relaylab/index.html', dev)).toBe(false);
  });

  it('the start URL is an app URL in both modes', () => {
    expect(appStartUrl(built)).toBe(APP_INDEX_URL);
    expect(appStartUrl(dev)).toBe('http://localhost:5173/');
    expect(isAppUrl(appStartUrl(built), built)).toBe(true);
    expect(isAppUrl(appStartUrl(dev), dev)).toBe(true);
  });
});

describe('createAppFrameCheck', () => {
  const main: FrameLike = { url: APP_INDEX_URL, processId: 3, routingId: 1 };

  it('passes the main frame of the app window showing an app page', () => {
    const check = createAppFrameCheck(built, () => main);
    expect(check(main)).toBe(true);
    expect(check({ ...main })).toBe(true); // a different WebFrameMain object for the same frame
  });

  it('refuses null, other frames, other processes and foreign pages', () => {
    const check = createAppFrameCheck(built, () => main);
    expect(check(null)).toBe(false);
    expect(check(undefined)).toBe(false);
    expect(check({ ...main, routingId: 2 })).toBe(false);
    expect(check({ ...main, processId: 4 })).toBe(false);
    expect(check({ ...main, url: 'https://evil.example/' })).toBe(false);
  });

  it('refuses everything when there is no window, or a getter throws', () => {
    expect(createAppFrameCheck(built, () => null)(main)).toBe(false);
    expect(createAppFrameCheck(built, () => { throw new Error('Object has been destroyed'); })(main)).toBe(false);
    const throwing = { processId: 3, routingId: 1, get url(): string { throw new Error('Render frame was disposed'); } };
    expect(createAppFrameCheck(built, () => main)(throwing)).toBe(false);
  });
});
