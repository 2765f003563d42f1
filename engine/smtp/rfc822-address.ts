// The address inside a MAIL FROM / RCPT TO argument, as Postfix's extract_addr finds it: the
// argument is parsed as an RFC 822 address list (tok822_scan + tok822_parse: atoms, quoted
// strings, [literals], (comments), phrases before <...>, "," and group syntax) and its single
// address is returned in internal (unquoted) form. Input is untrusted client text; no exceptions.

/**
 * Postfix extract_addr with strict_rfc821_envelopes=no: strip one pair of outer <>, drop a
 * source route ("@a,@b:"), parse the rest as an RFC 822 address list and take its one address
 * in internal form. Phrases and comments around it are tolerated; two addresses are not
 * (undefined). '' is the null address.
 */
export function extractAddress(arg: string): string | undefined {
  let text = arg.length >= 2 && arg.startsWith('<') && arg.endsWith('>') ? arg.slice(1, -1) : arg;
  if (text.startsWith('@')) {
    const colon = text.indexOf(':');
    if (colon >= 0) text = text.slice(colon + 1);
  }
  const top = parse822(text);
  const addrs = top.filter((t) => t.type === ADDR);
  if (addrs.length > 1) return undefined;
  const a = addrs[0];
  return a ? internalize(a.kids ?? []) : '';
}

const ADDR = 'addr';
const ATOM = 'atom';
const QSTRING = 'qstring';
const DOMLIT = 'domlit';
const COMMENT = 'comment';
const STARTGRP = 'startgrp';
const SENTINEL = '';
/** Single-character operators: RFC 822 specials plus %, ! and |. */
const OPCHARS = '|%!()<>@,;:\\".[]';

interface Tok {
  type: string;
  value: string;
  prev: Tok | null;
  next: Tok | null;
  kids?: Tok[];
}

function tok(type: string, value = ''): Tok {
  return { type, value, prev: null, next: null };
}

/** tok822_scan: atoms, quoted strings, [domain literals], (comments, nested) and operators. */
function scan822(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const ws = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
  /** Collect until `stop` (not included); backslash takes the next character as is. */
  const collect = (until: (c: string) => boolean): string => {
    let v = '';
    while (i < s.length) {
      let c = s[i]!;
      if (c === '\\') {
        if (i + 1 >= s.length) { i++; break; }
        c = s[++i]!;
      } else if (until(c)) break;
      v += ws(c) ? ' ' : c;
      i++;
    }
    return v;
  };
  while (i < s.length) {
    const c = s[i]!;
    if (ws(c)) { i++; continue; }
    if (c === '(') {
      let depth = 1;
      let v = '(';
      i++;
      while (i < s.length) {
        const d = s[i++]!;
        v += d;
        if (d === '(') depth++;
        else if (d === ')') { if (--depth === 0) break; }
        else if (d === '\\' && i < s.length) v += s[i++];
      }
      out.push(tok(COMMENT, v));
    } else if (c === '[' || c === '"') {
      i++;
      const v = collect((d) => d === (c === '[' ? ']' : '"'));
      if (i < s.length) i++; // the closing character
      out.push(tok(c === '[' ? DOMLIT : QSTRING, v));
    } else if (OPCHARS.includes(c) && c !== '\\') {
      out.push(tok(c));
      i++;
    } else {
      const v = collect((d) => ws(d) || (OPCHARS.includes(d) && d !== '\\'));
      // An atom holding a space, a control or an operator (via backslash) is really a quoted string.
      out.push(tok(/[ \x00-\x1f\x7f]/.test(v) || [...v].some((d) => OPCHARS.includes(d)) ? QSTRING : ATOM, v));
    }
  }
  return out;
}

/**
 * tok822_parse: group the flat token list into addresses, right to left, the way Postfix does:
 * adjacent words with no operator between them start a new address; "<...>" is an address and
 * the phrase before it is not; ",", ";" and group ":" separate; comments are set aside.
 */
function parse822(s: string): Tok[] {
  const flat = scan822(s);
  if (flat.length === 0) return [];
  const head = tok(SENTINEL);
  const tail = tok(SENTINEL);
  let p = head;
  for (const t of flat) { p.next = t; t.prev = p; p = t; }
  p.next = tail;
  tail.prev = p;

  const DO_WORD = 1;
  const DO_GROUP = 2;
  const isWord = (t: Tok) => t.type === ATOM || t.type === QSTRING || t.type === DOMLIT;
  const unlink = (t: Tok): Tok => {
    const prev = t.prev!;
    prev.next = t.next;
    t.next!.prev = prev;
    t.prev = t.next = null;
    return prev;
  };
  const insertBefore = (at: Tok, t: Tok): Tok => {
    const prev = at.prev!;
    prev.next = t; t.prev = prev; t.next = at; at.prev = t;
    return t;
  };
  /** Put what lies strictly between left and right under one ADDR node (a "," before it if sync). */
  const group = (left: Tok, right: Tok, sync: boolean): Tok => {
    if (left === right || left.next === right) return left;
    const kids: Tok[] = [];
    for (let t = left.next; t && t !== right; t = t.next) kids.push(t);
    const g = tok(ADDR);
    g.kids = kids;
    for (const k of kids) { k.prev = k.next = null; }
    left.next = g; g.prev = left; g.next = right; right.prev = g;
    if (sync) insertBefore(g, tok(','));
    return left;
  };

  let state = DO_WORD;
  let right = tail;
  let tp = tail.prev!;
  while (tp.type !== SENTINEL) {
    if (tp.type === COMMENT) {
      const prev = unlink(tp);
      right = insertBefore(right, tp);
      tp = prev;
      continue;
    } else if (tp.type === ';') {
      right = group(tp, right, true);
      state = DO_GROUP | DO_WORD;
    } else if (tp.type === ':' && (state & DO_GROUP) !== 0) {
      tp.type = STARTGRP;
      group(tp, right, false);
      while (tp.type !== SENTINEL && tp.type !== ',') tp = tp.prev!;
      right = tp;
      continue;
    } else if (tp.type === '>') {
      right = group(tp, right, true);
      while (tp.type !== SENTINEL && tp.type !== '<') {
        if (tp.type === COMMENT) {
          const prev = unlink(tp);
          right = insertBefore(right, tp);
          tp = prev;
          continue;
        }
        tp = tp.prev!;
      }
      group(tp, right, false);
      while (tp.type !== SENTINEL && !(tp.type.length === 1 && '>;,:'.includes(tp.type))) tp = tp.prev!;
      right = tp;
      state |= DO_WORD;
      continue;
    } else if (isWord(tp)) {
      if ((state & DO_WORD) === 0) right = group(tp, right, true).next!;
      state &= ~DO_WORD;
    } else if (tp.type === ',') {
      right = group(tp, right, false);
      state |= DO_WORD;
    } else {
      state |= DO_WORD;
    }
    tp = tp.prev!;
  }
  group(tp, right, false);

  const top: Tok[] = [];
  for (let t = head.next; t && t !== tail; t = t.next) top.push(t);
  return top;
}

/** tok822_internalize of an address's tokens: unquoted, no white space added. */
function internalize(kids: Tok[]): string {
  let out = '';
  for (const t of kids) {
    switch (t.type) {
      case ADDR: out += internalize(t.kids ?? []); break;
      case ATOM: case QSTRING: case COMMENT: out += t.value; break;
      case DOMLIT: out += `[${t.value}]`; break;
      case STARTGRP: out += ':'; break;
      default: out += t.type;
    }
  }
  return out;
}
