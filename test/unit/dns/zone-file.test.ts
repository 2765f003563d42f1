import { describe, expect, it } from 'vitest';
import { parseZoneFile, ZoneFileError, type ZoneEntries } from '../../../engine/dns';

const parse = (text: string, origin?: string) => parseZoneFile(text, origin === undefined ? { file: 'lab.zone' } : { file: 'lab.zone', origin });

const LAB = `; the lab zone
$ORIGIN example.test.
$TTL 1h
@   IN  SOA ns.example.test. hostmaster.example.test. (
            2024010101 ; serial
            3600 900 604800 300 )
        IN  NS  ns
        3600 IN MX 10 mx
        IN 300 MX 20 mx2.example.test.
        TXT "v=spf1 ip4:127.0.0.10 -all"
mx      A   127.0.0.10
        AAAA fd00::10
MX2     A   127.0.0.11
www     CNAME mx
_dmarc  TXT "v=DMARC1; p=reject"
big     TXT ( "part one"
              "part two" ) ; two strings, one record
esc     TXT "say \\"hi\\"; ok" "\\065\\066" back\\\\slash
$ORIGIN 0.0.127.in-addr.arpa.
10      PTR mx.example.test.
`;

const cases: { what: string; text: string; origin?: string; want: ZoneEntries }[] = [
  {
    what: 'a typical lab zone',
    text: LAB,
    want: {
      'example.test': { NS: ['ns.example.test'], MX: [[10, 'mx.example.test'], [20, 'mx2.example.test']], TXT: ['v=spf1 ip4:127.0.0.10 -all'] },
      'mx.example.test': { A: ['127.0.0.10'], AAAA: ['fd00::10'] },
      'mx2.example.test': { A: ['127.0.0.11'] },
      'www.example.test': { CNAME: ['mx.example.test'] },
      '_dmarc.example.test': { TXT: ['v=DMARC1; p=reject'] },
      'big.example.test': { TXT: [['part one', 'part two']] },
      'esc.example.test': { TXT: [['say "hi"; ok', 'AB', 'back\\slash']] },
      '10.0.0.127.in-addr.arpa': { PTR: ['mx.example.test'] },
    },
  },
  {
    what: 'absolute names need no origin; duplicates are dropped; CRLF and tabs',
    text: 'a.test.\tA\t192.0.2.1\r\na.test. A 192.0.2.1\r\n\tA 192.0.2.2\r\n',
    want: { 'a.test': { A: ['192.0.2.1', '192.0.2.2'] } },
  },
  {
    what: 'the origin option, relative $ORIGIN, TTL units and lower-case keywords',
    text: '@ 1d in mx 0 .\n$ORIGIN sub\nhost 1h30m a 192.0.2.3\n',
    origin: 'example.test.',
    want: { 'example.test': { MX: [[0, '']] }, 'host.sub.example.test': { A: ['192.0.2.3'] } },
  },
  {
    what: 'an owner with only an SOA exists (NODATA, not NXDOMAIN)',
    text: 'z.test. SOA ns.z.test. h.z.test. 1 2 3 4 5\n',
    want: { 'z.test': {} },
  },
  {
    what: 'UTF-8 text, \\DDD bytes making one UTF-8 character, ; inside quotes',
    text: 't.test. TXT "caf\\195\\169" "é;x"\n',
    want: { 't.test': { TXT: [['café', 'é;x']] } },
  },
];

describe('parseZoneFile', () => {
  it.each(cases)('parses $what', ({ text, origin, want }) => {
    expect(parse(text, origin)).toEqual(want);
  });

  const errors: [string, string][] = [
    ['$ORIGIN example.test.\n\n@ MX 10\n', 'lab.zone:3: MX needs a preference and an exchange'],
    ['$ORIGIN example.test.\n@ MX 70000 mx\n', "lab.zone:2: MX preference '70000' is not a number from 0 to 65535"],
    ['$ORIGIN example.test.\n@ MX ten mx\n', "lab.zone:2: MX preference 'ten' is not a number from 0 to 65535"],
    ['a.test. A 1.2.3\n', "lab.zone:1: A '1.2.3' is not an IPv4 address"],
    ['a.test. AAAA 127.0.0.1\n', "lab.zone:1: AAAA '127.0.0.1' is not an IPv6 address"],
    ['a.test. A 192.0.2.1 192.0.2.2\n', 'lab.zone:1: A needs one IPv4 address, got 2 values'],
    ['a.test. CNAME\n', 'lab.zone:1: CNAME needs one name, got 0 values'],
    ['a.test. TXT\n', 'lab.zone:1: TXT needs at least one string'],
    [`a.test. TXT "${'x'.repeat(256)}"\n`, 'lab.zone:1: TXT string longer than 255 bytes (256)'],
    ['\n\na.test. SRV 0 5 25 mx.test.\n', 'lab.zone:3: unsupported record type SRV (supported: A AAAA MX TXT PTR CNAME NS SOA)'],
    ['a.test. 300 IN\n', 'lab.zone:1: missing record type'],
    ['a.test. 10 mx.test.\n', "lab.zone:1: expected a record type, got 'mx.test.'"],
    ['a.test. CH A 192.0.2.1\n', 'lab.zone:1: class CH is not supported (only IN)'],
    ['mx A 192.0.2.1\n', "lab.zone:1: relative name 'mx' needs an $ORIGIN line before it"],
    ['@ A 192.0.2.1\n', "lab.zone:1: relative name '@' needs an $ORIGIN line before it"],
    ['  A 192.0.2.1\n', 'lab.zone:1: a record with a blank owner needs a previous owner name'],
    ['$INCLUDE other.zone\n', 'lab.zone:1: unsupported directive $INCLUDE (only $ORIGIN and $TTL)'],
    ['$ORIGIN\n', 'lab.zone:1: $ORIGIN takes exactly one value'],
    ['$TTL forever\n', "lab.zone:1: $TTL 'forever' is not a TTL"],
    ['z.test. SOA ns.z.test. h.z.test. ( 1 2 3\n  4 )\n', 'lab.zone:1: SOA needs 7 values'],
    ['z.test. SOA ns.z.test. h.z.test. ( 1 2 3\n  4 5\n', "lab.zone:1: '(' is never closed"],
    ['a.test. A 192.0.2.1 )\n', "lab.zone:1: ')' without a matching '('"],
    ['a.test. TXT ( ( "x" ) )\n', "lab.zone:1: '(' inside '('"],
    ['a.test. A 192.0.2.1\nb.test. TXT "open\n', 'lab.zone:2: unterminated quoted string'],
    ['a.test. TXT "\\300"\n', 'lab.zone:1: escape \\300 is not a byte'],
    ['a..test. A 192.0.2.1\n', "lab.zone:1: owner name 'a..test.': empty label"],
    [`${'x'.repeat(64)}.test. A 192.0.2.1\n`, 'lab.zone:1: owner name'],
    ['*.test. A 192.0.2.1\n', "lab.zone:1: owner name '*.test.': wildcard names are not supported"],
    ['a\\.b.test. A 192.0.2.1\n', 'lab.zone:1: owner name a.b.test.: escapes in names are not supported'],
    ['"a.test." A 192.0.2.1\n', 'lab.zone:1: owner name cannot be a quoted string'],
    ['a.test. CNAME b.test.\na.test. CNAME c.test.\n', 'lab.zone:2: a.test has more than one CNAME'],
    ['a.test. A 192.0.2.1\n\na.test. CNAME b.test.\n', 'lab.zone:3: a.test has a CNAME and other data (A); a CNAME must stand alone'],
  ];
  it.each(errors)('rejects %j', (text, message) => {
    let err: unknown;
    try { parse(text); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ZoneFileError);
    expect((err as Error).message.startsWith(message), (err as Error).message).toBe(true);
    expect((err as ZoneFileError).file).toBe('lab.zone');
    expect((err as ZoneFileError).line).toBe(Number(/^lab\.zone:(\d+)/.exec(message)?.[1]));
  });
});
