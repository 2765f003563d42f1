// DKIM-Signature tag lists (RFC 6376 §3.2, §3.5) and the checks a verifier makes before any
// crypto (§6.1.1). A signature failing them is a permerror, whatever mailauth would have said:
// mailauth silently ignores some malformed signatures and does not check that From is signed.

export type TagList = Map<string, string>;

/** Parse "a=b; c=d" (FWS allowed around names, '=' and values). Duplicate or malformed tags → error. */
export function parseTagList(value: string): { tags: TagList } | { error: string } {
  const tags: TagList = new Map();
  const unfolded = value.replace(/\r?\n/g, '');
  for (const raw of unfolded.split(';')) {
    if (raw.trim() === '') continue;
    const eq = raw.indexOf('=');
    if (eq < 0) return { error: `tag without '=': ${JSON.stringify(raw.trim().slice(0, 40))}` };
    const name = raw.slice(0, eq).trim();
    if (!/^[a-z][a-z0-9_]*$/i.test(name)) return { error: `bad tag name ${JSON.stringify(name.slice(0, 40))}` };
    if (tags.has(name)) return { error: `tag ${name}= appears twice` };
    tags.set(name, raw.slice(eq + 1).trim());
  }
  return { tags };
}

/** The field value of a raw header line ("Name: value\r\n\tmore"). */
export function fieldValue(line: string): string {
  const colon = line.indexOf(':');
  return colon < 0 ? '' : line.slice(colon + 1);
}

export const DKIM_ALGORITHMS = ['rsa-sha256', 'rsa-sha1', 'ed25519-sha256'] as const;
const REQUIRED = ['v', 'a', 'b', 'bh', 'd', 'h', 's'] as const;
const NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/i;

export interface DkimSignatureTags {
  v: string;
  a: string;
  b: string;
  bh: string;
  c: string;
  d: string;
  h: string[];
  s: string;
  i?: string;
  l?: number;
  q?: string;
  t?: number;
  x?: number;
}

/** RFC 6376 §6.1.1: the tags, or the reason the signature must be ignored (PERMFAIL → permerror). */
export function checkSignatureTags(tags: TagList): { sig: DkimSignatureTags } | { error: string; partial: Partial<DkimSignatureTags> } {
  const get = (k: string) => tags.get(k);
  const strip = (s: string | undefined) => (s ?? '').replace(/\s+/g, '');
  const partial: Partial<DkimSignatureTags> = {
    a: (get('a') ?? '').toLowerCase(), d: (get('d') ?? '').toLowerCase(), s: get('s') ?? '', c: get('c') ?? '',
    h: strip(get('h')).split(':').filter(Boolean).map((x) => x.toLowerCase()),
    ...(get('i') !== undefined ? { i: get('i') } : {}),
  };
  const bad = (error: string) => ({ error, partial });
  for (const k of REQUIRED) if (!get(k)) return bad(`signature missing required tag ${k}=`);
  if (get('v') !== '1') return bad(`incompatible version v=${get('v')}`);
  const a = partial.a as string;
  if (!(DKIM_ALGORITHMS as readonly string[]).includes(a)) return bad(`unsupported algorithm a=${a}`);
  const c = (partial.c || 'simple/simple').toLowerCase();
  if (!/^(simple|relaxed)(\/(simple|relaxed))?$/.test(c)) return bad(`unsupported canonicalization c=${partial.c}`);
  if (!NAME.test(partial.d as string)) return bad(`d=${JSON.stringify(partial.d)} is not a domain name`);
  if (!NAME.test(partial.s as string)) return bad(`s=${JSON.stringify(partial.s)} is not a valid selector`);
  if (!(partial.h as string[]).includes('from')) return bad('From field not signed (h= lacks from)');
  const i = partial.i;
  if (i !== undefined) {
    const idom = i.slice(i.lastIndexOf('@') + 1).toLowerCase();
    const d = partial.d as string;
    if (!i.includes('@') || (idom !== d && !idom.endsWith(`.${d}`))) return bad(`domain mismatch: i=${i} is not within d=${d}`);
  }
  const q = get('q');
  if (q !== undefined && !q.toLowerCase().split(':').includes('dns/txt')) return bad(`unsupported query method q=${q}`);
  const num = (k: string): number | undefined | null => {
    const v = get(k);
    if (v === undefined) return undefined;
    return /^\d{1,16}$/.test(v.trim()) ? Number(v.trim()) : null;
  };
  const l = num('l'), t = num('t'), x = num('x');
  if (l === null || t === null || x === null) return bad('l=, t= and x= must be decimal numbers');
  if (t !== undefined && x !== undefined && x < t) return bad('x= is earlier than t=');
  return {
    sig: {
      v: '1', a, b: strip(get('b')), bh: strip(get('bh')), c, d: partial.d as string, h: partial.h as string[], s: partial.s as string,
      ...(i !== undefined ? { i } : {}), ...(l !== undefined ? { l } : {}), ...(q !== undefined ? { q } : {}),
      ...(t !== undefined ? { t } : {}), ...(x !== undefined ? { x } : {}),
    },
  };
}
