// The srcdoc for showing a mail's HTML body in <iframe sandbox="">: a CSP meta first, so
// nothing remote loads (no scripts, fonts, frames or remote images; inline styles and data:
// images only). The sandbox with no allow-* flags also blocks scripts, forms and popups.

export const MAIL_HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function mailSrcdoc(html: string): string {
  // The meta must come before anything that could load; the parser puts it in <head> even
  // when the mail brings its own <html><head>.
  return `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${MAIL_HTML_CSP}"><meta name="referrer" content="no-referrer">${html}`;
}

/** Counts references to remote resources (http, https, protocol-relative) that would load; links (<a href>) are not loads. */
export function countRemoteRefs(html: string): number {
  const attr = /\b(?:src|background|poster|srcset)\s*=\s*["']?\s*(?:https?:)?\/\//gi;
  const css = /url\(\s*["']?\s*(?:https?:)?\/\//gi;
  const link = /<link\b[^>]*\bhref\s*=\s*["']?\s*(?:https?:)?\/\//gi;
  return (html.match(attr)?.length ?? 0) + (html.match(css)?.length ?? 0) + (html.match(link)?.length ?? 0);
}
