// RFC 7208 §12 record syntax, checked on every SPF record fetched before it is evaluated: a syntax
// error anywhere in a record is a permerror (§4.6), even in terms after the one that would match
// (mailauth's evaluator stops at the first match and would miss them). Domain-specs are checked
// before macro expansion, as the grammar says (§7.1): they end in a macro or a valid top label.

import net from 'node:net';

const MACRO_LETTERS_DOMAIN = 'slodiphv'; // c, r and t are for exp text only (§7.1)
const DELIMITERS = '.-+,/_=';

/** Parse a macro-string: an error text, or whether it ends in a macro-expand and its trailing literal run. */
function scanMacroString(s: string, letters: string): { problem: string } | { endsInMacro: boolean; tail: string } {
  let endsInMacro = false;
  let tail = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '%') {
      const n = s[i + 1];
      endsInMacro = true;
      tail = '';
      if (n === '%' || n === '_' || n === '-') { i++; continue; }
      if (n !== '{') return { problem: `'%' not followed by '{', '%', '_' or '-' in ${JSON.stringify(s)}` };
      const end = s.indexOf('}', i + 2);
      if (end < 0) return { problem: `unterminated macro in ${JSON.stringify(s)}` };
      const body = s.slice(i + 2, end);
      const m = /^([a-z])(\d*)(r?)(.*)$/i.exec(body);
      if (!m || !letters.includes((m[1] as string).toLowerCase())) return { problem: `macro letter not allowed here: %{${body}}` };
      if ([...(m[4] as string)].some((d) => !DELIMITERS.includes(d))) return { problem: `bad macro delimiter in %{${body}}` };
      i = end;
      continue;
    }
    const code = c.charCodeAt(0);
    if (code < 0x21 || code > 0x7e) return { problem: `character 0x${code.toString(16).padStart(2, '0')} not allowed in ${JSON.stringify(s)}` };
    endsInMacro = false;
    tail += c;
  }
  return { endsInMacro, tail };
}

function isTopLabel(l: string): boolean {
  return /^[a-z0-9]*[a-z][a-z0-9]*$/i.test(l) || /^[a-z0-9]+-[a-z0-9-]*[a-z0-9]$/i.test(l);
}

/** domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand */
export function domainSpecProblem(spec: string): string | undefined {
  if (spec === '') return 'empty domain-spec';
  const r = scanMacroString(spec, MACRO_LETTERS_DOMAIN);
  if ('problem' in r) return r.problem;
  if (r.endsInMacro) return undefined;
  const m = /\.([^.]+)\.?$/.exec(r.tail);
  if (!m || !isTopLabel(m[1] as string)) return `domain-spec ${JSON.stringify(spec)} does not end in a macro or a valid top label`;
  return undefined;
}

function cidrProblem(tail: string, ip6only: boolean): string | undefined {
  if (tail === '') return undefined;
  const m = /^(?:\/(\d+))?(?:\/\/(\d+))?$/.exec(tail);
  if (!m) return `bad CIDR length ${JSON.stringify(tail)}`;
  for (const [v, max] of [[m[1], ip6only ? 128 : 32], [m[2], 128]] as const) {
    if (v === undefined) continue;
    if (/^0\d/.test(v) || Number(v) > max) return `bad CIDR length ${JSON.stringify(tail)}`;
  }
  return undefined;
}

/** Split "a:dom/24//64" into the domain-spec and the CIDR tail. */
function splitCidr(arg: string): [string, string] {
  const m = /^(.*?)((?:\/\d*)?(?:\/\/\d*)?)$/.exec(arg) as RegExpExecArray;
  return [m[1] as string, m[2] as string];
}

function termProblem(term: string, seen: Set<string>): string | undefined {
  const mod = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(term);
  if (mod) {
    const name = (mod[1] as string).toLowerCase();
    const value = mod[2] as string;
    if (name === 'redirect' || name === 'exp') {
      if (seen.has(name)) return `${name}= appears more than once`;
      seen.add(name);
      return domainSpecProblem(value);
    }
    const r = scanMacroString(value, MACRO_LETTERS_DOMAIN + 'crt');
    return 'problem' in r ? r.problem : undefined;
  }
  const m = /^([-+~?]?)([a-z0-9]+)(.*)$/i.exec(term);
  if (!m) return `unknown term ${JSON.stringify(term)}`;
  const name = (m[2] as string).toLowerCase();
  const rest = m[3] as string;
  const arg = rest.startsWith(':') ? rest.slice(1) : undefined;
  switch (name) {
    case 'all':
      return rest === '' ? undefined : `unexpected text after all: ${JSON.stringify(term)}`;
    case 'include':
    case 'exists':
      return arg === undefined ? `${name} needs ":domain"` : domainSpecProblem(arg);
    case 'ptr':
      if (rest === '') return undefined;
      return arg === undefined ? `bad ptr term ${JSON.stringify(term)}` : domainSpecProblem(arg);
    case 'a':
    case 'mx': {
      if (arg === undefined) return rest === '' || rest.startsWith('/') ? cidrProblem(rest, false) : `bad ${name} term ${JSON.stringify(term)}`;
      const [spec, cidr] = splitCidr(arg);
      return domainSpecProblem(spec) ?? cidrProblem(cidr, false);
    }
    case 'ip4':
    case 'ip6': {
      if (arg === undefined || arg === '') return `${name} needs an address`;
      const [addr, cidr] = name === 'ip4' ? splitCidr(arg) : [arg.replace(/\/\d*$/, ''), (/\/\d*$/.exec(arg) ?? [''])[0]];
      if (addr === '') return `${name} needs an address`;
      if (name === 'ip4' && !/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(addr)) return `bad ip4 address ${JSON.stringify(addr)}`;
      if (name === 'ip4' && addr.split('.').some((o) => Number(o) > 255)) return `bad ip4 address ${JSON.stringify(addr)}`;
      if (name === 'ip6' && !net.isIPv6(addr)) return `bad ip6 address ${JSON.stringify(addr)}`;
      return name === 'ip4' ? (cidr.includes('//') ? `bad ip4 CIDR ${JSON.stringify(cidr)}` : cidrProblem(cidr, false))
        : cidrProblem(cidr, true);
    }
    default:
      return `unknown mechanism ${JSON.stringify(name)}`;
  }
}

/** Why an SPF record (a TXT string starting "v=spf1") is not valid RFC 7208 syntax, or undefined. */
export function spfRecordProblem(record: string): string | undefined {
  const body = record.replace(/^v=spf1/i, '');
  if (body !== '' && !body.startsWith(' ')) return 'version must be followed by a space';
  const seen = new Set<string>();
  for (const term of body.split(' ')) {
    if (term === '') continue;
    const p = termProblem(term, seen);
    if (p) return p;
  }
  return undefined;
}
