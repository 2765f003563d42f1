import { describe, expect, it } from 'vitest';
import {
  binaryToBytes,
  bytesToBinary,
  decodeBase64,
  decodeQuotedPrintable,
  findBody,
  flattenParts,
  parseHeaders,
  parseMime,
  parseStructured,
  partText,
  splitMultipart,
} from '../../../renderer/lib/mime';
import { countRemoteRefs, mailSrcdoc, MAIL_HTML_CSP } from '../../../renderer/lib/safe-html';

const td = new TextDecoder();
const crlf = (lines: string[]): string => lines.join('\r\n');

const MULTI = crlf([
  'Received: from x by y; Mon, 1 Jan 2026 00:00:00 +0000',
  'From: a@example.org',
  'Subject: hi',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed;',
  ' boundary="outer b"',
  '',
  'preamble, ignored',
  '--outer b',
  'Content-Type: multipart/alternative; boundary=inner',
  '',
  '--inner',
  'Content-Type: text/plain; charset="iso-8859-1"',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Gr=FC=DFe, sch=',
  'ne Welt =3D ok',
  '--inner',
  'Content-Type: text/html; charset=utf-8',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('<p>Grüße <img src="https://tracker.example/p.gif"></p>').toString('base64'),
  '--inner--',
  '',
  '--outer b',
  'Content-Type: application/pdf; name="r.pdf"',
  'Content-Disposition: attachment; filename*=utf-8\'\'R%C3%A9sum%C3%A9.pdf',
  'Content-Transfer-Encoding: base64',
  '',
  'JVBERi0=',
  '--outer b--',
  'epilogue',
]);

describe('mime', () => {
  it('decodes base64 leniently and quoted-printable with soft breaks', () => {
    expect(td.decode(decodeBase64('aGVs\r\nbG8g d29y\nbGQ='))).toBe('hello world');
    expect(td.decode(decodeBase64('aGk'))).toBe('hi'); // missing padding
    expect(td.decode(decodeQuotedPrintable('a=3Db=\r\nc  \r\nd=ZZ'))).toBe('a=bc\r\nd=ZZ');
    expect(Array.from(decodeQuotedPrintable('=C3=A9'))).toEqual([0xc3, 0xa9]);
  });

  it('round-trips bytes through the one-char-per-byte form', () => {
    const b = Uint8Array.from([0, 0x80, 0x9f, 0xff, 65]);
    expect(Array.from(binaryToBytes(bytesToBinary(b)))).toEqual(Array.from(b));
  });

  it('parses folded headers and structured values', () => {
    const h = parseHeaders('A: 1\r\nB: two\r\n\tlines\r\nnot a header\r\nC:3');
    expect(h.map((f) => [f.name, f.value])).toEqual([['A', '1'], ['B', 'two\tlines'], ['C', '3']]);
    expect(h[1]!.raw).toBe('B: two\r\n\tlines');
    expect(parseStructured('Text/Plain; Charset="UTF-8"; format=flowed')).toEqual({ value: 'text/plain', params: { charset: 'UTF-8', format: 'flowed' } });
  });

  it('splits multipart bodies at delimiter lines only', () => {
    const { parts, closed } = splitMultipart('pre\r\n--b\r\none\r\n--bx\r\n--b \r\ntwo\r\n--b--\r\nafter', 'b');
    expect(parts).toEqual(['one\r\n--bx', 'two']);
    expect(closed).toBe(true);
    expect(splitMultipart('--b\nx\n', 'b')).toEqual({ parts: ['x\n'], closed: false });
  });

  it('builds the MIME tree with types, charsets, encodings and filenames', () => {
    const root = parseMime(new TextEncoder().encode(MULTI));
    const flat = flattenParts(root).map(({ part: p, depth }) => [depth, p.path, p.contentType, p.charset ?? '', p.encoding, p.filename ?? '']);
    expect(flat).toEqual([
      [0, '', 'multipart/mixed', '', '7bit', ''],
      [1, '1', 'multipart/alternative', '', '7bit', ''],
      [2, '1.1', 'text/plain', 'iso-8859-1', 'quoted-printable', ''],
      [2, '1.2', 'text/html', 'utf-8', 'base64', ''],
      [1, '2', 'application/pdf', '', 'base64', 'Résumé.pdf'],
    ]);
    expect(root.problems).toEqual([]);
    expect(partText(findBody(root, 'text/plain')!).text).toBe('Grüße, schne Welt = ok');
    expect(partText(findBody(root, 'text/html')!).text).toContain('<p>Grüße');
    expect(root.children[1]!.disposition).toBe('attachment');
  });

  it('defaults to text/plain us-ascii 7bit and reads a lone body', () => {
    const root = parseMime('Subject: x\n\nhello\n');
    expect([root.contentType, root.charset, root.encoding]).toEqual(['text/plain', 'us-ascii', '7bit']);
    expect(partText(root).text).toBe('hello\n');
    expect(findBody(root, 'text/html')).toBeUndefined();
  });

  it('records problems instead of throwing on broken structure', () => {
    expect(parseMime('Content-Type: multipart/mixed\r\n\r\nx').problems).toEqual(['multipart without a boundary parameter']);
    expect(parseMime('Content-Type: multipart/mixed; boundary=q\r\n\r\nno parts').problems[0]).toContain('never appears');
    const open = parseMime('Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\n\r\nbody');
    expect(open.problems[0]).toContain('closing boundary');
    expect(open.children[0]!.contentType).toBe('text/plain');
    expect(partText(open.children[0]!).text).toBe('body');
    expect(parseMime('Content-Type: garbage\r\n\r\nx').problems[0]).toContain('not type/subtype');
    const unknown = parseMime('Content-Type: text/plain; charset=x-nope\r\n\r\nhi');
    expect(partText(unknown)).toEqual({ text: 'hi', note: 'unknown charset "x-nope", shown as UTF-8' });
  });

  it('reads an attached message and a digest', () => {
    const root = parseMime(crlf(['Content-Type: multipart/digest; boundary=d', '', '--d', '', 'Subject: inner', '', 'inner body', '--d--']));
    expect(root.children[0]!.contentType).toBe('message/rfc822');
    expect(root.children[0]!.children[0]!.headers[0]!.value).toBe('inner');
    expect(findBody(root, 'text/plain')).toBeUndefined(); // not inside attached messages
  });

  it('stops at a nesting limit', () => {
    let s = 'leaf';
    for (let i = 0; i < 40; i++) s = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${s}\r\n--b${i}--`;
    const deep = flattenParts(parseMime(s));
    expect(deep.length).toBeLessThanOrEqual(32);
    expect(deep.some(({ part }) => part.problems.some((p) => p.includes('deeper than')))).toBe(true);
  });
});

describe('safe-html', () => {
  it('puts the blocking CSP first and counts remote loads', () => {
    const doc = mailSrcdoc('<html><head></head><body>x</body></html>');
    expect(doc.indexOf(MAIL_HTML_CSP)).toBeLessThan(doc.indexOf('<html>'));
    expect(MAIL_HTML_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(countRemoteRefs('<img src="https://t.example/p.gif"><a href="https://x">x</a><div style="background:url(//cdn/x.png)"><img src="data:image/png;base64,AA">')).toBe(2);
  });
});
