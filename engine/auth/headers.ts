// Header texts we write or police: Authentication-Results (RFC 8601) and Received-SPF (RFC 7208
// §9.1) built from a verdict, and the removal of incoming Authentication-Results that claim our
// authserv-id (RFC 8601 §5). Values are escaped here and nowhere else.
import type { ArcVerdict, DkimSignatureVerdict, DmarcVerdict, SpfVerdict } from './types';

const MAX_COMMENT = 200;

/** RFC 5322 comment text: controls → space, ( ) \ escaped, length capped. */
export function commentText(s: string): string {
  const flat = s.replace(/[\x00-\x1f\x7f]+/g, ' ').replace(/\s+/g, ' ').trim();
  const cut = flat.length > MAX_COMMENT ? `${flat.slice(0, MAX_COMMENT - 3)}...` : flat;
  return cut.replace(/[\\()]/g, (c) => `\\${c}`);
}

/** A value as a token / dot-atom / addr-spec when it is one, else a quoted-string. */
export function pvalue(v: string): string {
  const flat = v.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+(@[A-Za-z0-9.\-_]+)?$/.test(flat) && !flat.startsWith('.')) return flat;
  if (/^@[A-Za-z0-9.\-_]+$/.test(flat)) return flat;
  return `"${flat.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

function spfResinfo(spf: SpfVerdict, hostname: string): string {
  const props = [
    ...(spf.identity === 'mailfrom' ? [`smtp.mailfrom=${pvalue(spf.sender)}`] : []),
    ...(spf.helo ? [`smtp.helo=${pvalue(spf.helo)}`] : []),
  ];
  return [`spf=${spf.result}`, `(${commentText(`${hostname}: ${spf.comment}`)})`, ...props].join(' ');
}

function dkimResinfo(d: DkimSignatureVerdict): string {
  const props = [
    d.d ? `header.d=${pvalue(d.d)}` : '',
    d.d ? `header.i=${pvalue(d.i ?? `@${d.d}`)}` : '',
    d.s ? `header.s=${pvalue(d.s)}` : '',
    d.a ? `header.a=${pvalue(d.a)}` : '',
    d.b8 ? `header.b=${pvalue(d.b8)}` : '',
  ].filter(Boolean);
  return [`dkim=${d.result}`, ...(d.reason ? [`(${commentText(d.reason)})`] : []), ...props].join(' ');
}

function arcResinfo(arc: ArcVerdict, clientIp: string): string {
  const n = arc.sets.length;
  const comment = arc.result === 'pass' ? `i=${n}${arc.latestAuthResults?.authservId ? ` ${arc.latestAuthResults.authservId}` : ''}`
    : arc.reason ?? '';
  return [`arc=${arc.result}`, ...(comment ? [`(${commentText(comment)})`] : []), ...(n && clientIp ? [`smtp.remote-ip=${pvalue(clientIp)}`] : [])].join(' ');
}

function dmarcResinfo(m: DmarcVerdict): string {
  const parts = [`dmarc=${m.result}`];
  if (m.tags) {
    const bits = [`p=${m.tags.p.toUpperCase()}`, `sp=${(m.tags.sp ?? m.tags.p).toUpperCase()}`];
    if (m.tags.pct !== 100) bits.push(`pct=${m.tags.pct}`);
    bits.push(`dis=${m.disposition.toUpperCase()}`);
    parts.push(`(${commentText(bits.join(' '))})`);
  } else if (m.reason) {
    parts.push(`(${commentText(m.reason)})`);
  }
  if (m.fromDomain) parts.push(`header.from=${pvalue(m.fromDomain)}`);
  return parts.join(' ');
}

export interface ResinfoInput {
  hostname: string;
  clientIp: string;
  spf: SpfVerdict;
  dkim: DkimSignatureVerdict[];
  arc: ArcVerdict;
  dmarc: DmarcVerdict;
  /** Set when header-based methods were not run. */
  skipped?: string;
}

/** The A-R payload: "<authserv-id>;\r\n\tdkim=...;\r\n\tspf=...;\r\n\tarc=...;\r\n\tdmarc=..." */
export function authResultsPayload(v: ResinfoInput): string {
  const dkim = v.skipped ? [`dkim=permerror (${commentText(v.skipped)})`]
    : v.dkim.length ? v.dkim.map(dkimResinfo) : ['dkim=none (message not signed)'];
  const list = [...dkim, spfResinfo(v.spf, v.hostname), arcResinfo(v.arc, v.clientIp), dmarcResinfo(v.dmarc)];
  return `${v.hostname};\r\n\t${list.join(';\r\n\t')}`;
}

export function formatAuthenticationResults(payload: string): string {
  return `Authentication-Results: ${payload}`;
}

/** Received-SPF with the RFC 7208 §9.1 keys (receiver, client-ip, envelope-from, helo, identity, mechanism, problem). */
export function formatReceivedSpf(spf: SpfVerdict, hostname: string): string {
  const kv = [
    `receiver=${pvalue(hostname)}`,
    `client-ip=${pvalue(spf.clientIp)}`,
    `envelope-from=${`"${spf.sender.replace(/["\\\r\n]/g, (c) => (c === '"' || c === '\\' ? `\\${c}` : ' '))}"`}`,
    ...(spf.helo ? [`helo=${pvalue(spf.helo)}`] : []),
    `identity=${spf.identity}`,
    ...(spf.mechanism && !spf.mechanism.startsWith('no mechanism') ? [`mechanism=${pvalue(spf.mechanism)}`] : []),
    ...(spf.problem ? [`problem=${pvalue(spf.problem.slice(0, MAX_COMMENT))}`] : []),
  ];
  const lines: string[] = [];
  let cur = '';
  for (const p of kv) {
    const next = cur ? `${cur} ${p};` : `${p};`;
    if (cur && next.length > 72) { lines.push(cur); cur = `${p};`; } else cur = next;
  }
  if (cur) lines.push(cur);
  return `Received-SPF: ${spf.result} (${commentText(`${hostname}: ${spf.comment}`)})\r\n\t${lines.join('\r\n\t')}`;
}

/** The authserv-id an Authentication-Results field claims (its first token, CFWS skipped). */
export function authservIdOf(field: string): string {
  let v = field.slice(field.indexOf(':') + 1).replace(/\r?\n/g, '');
  // skip leading white space and (nested) comments
  for (;;) {
    v = v.replace(/^\s+/, '');
    if (!v.startsWith('(')) break;
    let depth = 0;
    let i = 0;
    for (; i < v.length; i++) {
      const c = v[i];
      if (c === '\\') { i++; continue; }
      if (c === '(') depth++;
      if (c === ')' && --depth === 0) break;
    }
    v = v.slice(i + 1);
  }
  const m = /^"((?:[^"\\]|\\.)*)"|^([^\s;()]+)/.exec(v);
  return (m?.[1] ?? m?.[2] ?? '').replace(/\\(.)/g, '$1').toLowerCase().replace(/\.$/, '');
}

/** Does this header field (name and value, possibly folded) claim to be our Authentication-Results? */
export function isForgedAuthResults(field: string, hostname: string): boolean {
  if (!/^authentication-results\s*:/i.test(field)) return false;
  return authservIdOf(field) === hostname.toLowerCase().replace(/\.$/, '');
}

/**
 * Remove every Authentication-Results field that claims our authserv-id from a header block
 * (CRLF or LF lines; the block may include its terminating empty line). Other fields, including
 * ARC-Authentication-Results and A-R from other hosts, are kept byte for byte.
 */
export function stripForgedAuthResults(headers: string, hostname: string): { headers: string; removed: number } {
  const fields: string[] = [];
  for (const line of headers.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length > 0) fields[fields.length - 1] += line;
    else fields.push(line);
  }
  const kept = fields.filter((f) => !isForgedAuthResults(f, hostname));
  return { headers: kept.join(''), removed: fields.length - kept.length };
}
