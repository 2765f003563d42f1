// The four sender identities of a message (envelope MAIL FROM, From, Sender, Reply-To) and the
// envelope vs header recipients, with what each means and where they disagree. Pure.
import type { EnvelopeRecipient, HeaderField } from '../../engine/api/contract';
import { domainOf, orgDomain, parseAddressList, type Mailbox } from './addresses';

export type IdentityKey = 'mailfrom' | 'from' | 'sender' | 'replyto';

export interface Identity {
  key: IdentityKey;
  label: string;
  /** Where it lives: "SMTP envelope" or "message header". */
  where: string;
  mailboxes: Mailbox[];
  /** The value as written (header) or given (MAIL FROM); undefined when absent. */
  raw?: string;
  explain: string;
  /** What uses it. */
  usedBy: string;
}

export interface Finding {
  level: 'warn' | 'info';
  /** Which identities it is about (for highlighting). */
  about: IdentityKey[];
  text: string;
}

const header = (headers: HeaderField[], name: string): HeaderField[] =>
  headers.filter((h) => h.name.toLowerCase() === name.toLowerCase());

export function senderIdentities(envelopeSender: string, headers: HeaderField[]): { identities: Identity[]; findings: Finding[] } {
  const from = header(headers, 'From');
  const sender = header(headers, 'Sender');
  const replyTo = header(headers, 'Reply-To');
  const fromBoxes = from.flatMap((h) => parseAddressList(h.value));
  const senderBoxes = sender.flatMap((h) => parseAddressList(h.value));
  const replyBoxes = replyTo.flatMap((h) => parseAddressList(h.value));
  const identities: Identity[] = [
    {
      key: 'mailfrom',
      label: 'Envelope sender (MAIL FROM)',
      where: 'SMTP envelope',
      mailboxes: envelopeSender === '' ? [] : [{ address: envelopeSender }],
      raw: envelopeSender === '' ? '<>' : envelopeSender,
      explain: 'Given in the SMTP conversation, not shown by mail programs. Bounces go here; at final delivery it becomes the Return-Path header.',
      usedBy: 'SPF checks this domain.',
    },
    {
      key: 'from',
      label: 'From',
      where: 'message header',
      mailboxes: fromBoxes,
      ...(from.length ? { raw: from.map((h) => h.value).join(', ') } : {}),
      explain: 'The author, as the reader sees it.',
      usedBy: 'DMARC protects this domain: SPF or DKIM must pass for a domain aligned with it.',
    },
    {
      key: 'sender',
      label: 'Sender',
      where: 'message header',
      mailboxes: senderBoxes,
      ...(sender.length ? { raw: sender.map((h) => h.value).join(', ') } : {}),
      explain: 'Who actually sent it, when that is not the author (a mailing list, an assistant). Optional.',
      usedBy: 'Shown by some mail programs as "on behalf of".',
    },
    {
      key: 'replyto',
      label: 'Reply-To',
      where: 'message header',
      mailboxes: replyBoxes,
      ...(replyTo.length ? { raw: replyTo.map((h) => h.value).join(', ') } : {}),
      explain: 'Where answers go when the reader clicks Reply. Optional; without it replies go to From.',
      usedBy: 'Not authenticated by anything.',
    },
  ];

  const findings: Finding[] = [];
  const envDomain = domainOf(envelopeSender);
  const fromAddr = fromBoxes[0]?.address ?? '';
  const fromDomain = domainOf(fromAddr);

  if (envelopeSender === '') {
    findings.push({ level: 'info', about: ['mailfrom'], text: 'The envelope sender is empty (<>): this is a bounce or another automatic notice, and no bounce can be sent back for it.' });
  }
  if (from.length === 0) {
    findings.push({ level: 'warn', about: ['from'], text: 'No From header. RFC 5322 requires one, and DMARC cannot be evaluated without it.' });
  } else if (from.length > 1) {
    findings.push({ level: 'warn', about: ['from'], text: 'More than one From header: a malformed message, and a known way to fool DMARC checks and mail programs.' });
  } else if (fromBoxes.length > 1 && senderBoxes.length === 0) {
    findings.push({ level: 'warn', about: ['from', 'sender'], text: 'From names several authors but there is no Sender header (RFC 5322 requires one then).' });
  }
  if (envDomain && fromDomain && envDomain !== fromDomain) {
    const relaxed = orgDomain(envDomain) === orgDomain(fromDomain);
    findings.push({
      level: relaxed ? 'info' : 'warn',
      about: ['mailfrom', 'from'],
      text: relaxed
        ? `The envelope sender domain (${envDomain}) and the From domain (${fromDomain}) differ but share the organizational domain ${orgDomain(fromDomain)}: they align under relaxed DMARC alignment.`
        : `The envelope sender domain (${envDomain}) is not the From domain (${fromDomain}). SPF can pass for ${envDomain}, but DMARC then passes only through a DKIM signature of ${fromDomain}. Normal for newsletters and forwarding; also what spoofing looks like.`,
    });
  }
  const senderAddr = senderBoxes[0]?.address;
  if (senderAddr && fromAddr && senderAddr.toLowerCase() !== fromAddr.toLowerCase()) {
    findings.push({ level: 'info', about: ['sender', 'from'], text: `Sent on behalf of someone else: ${senderAddr} sent a message written by ${fromAddr}. Typical of mailing lists and assistants.` });
  }
  const replyDomains = [...new Set(replyBoxes.map((b) => domainOf(b.address)).filter(Boolean))];
  const foreign = replyDomains.filter((d) => fromDomain && orgDomain(d) !== orgDomain(fromDomain));
  if (foreign.length) {
    findings.push({
      level: 'warn',
      about: ['replyto'],
      text: `Replies go to ${foreign.join(', ')}, not to the author's domain ${fromDomain}. Normal for mailing lists and help desks; a classic phishing trick when unexpected.`,
    });
  }
  for (const b of fromBoxes) {
    const shown = /[\w.+-]+@[\w-]+(\.[\w-]+)+/.exec(b.name ?? '')?.[0];
    if (shown && shown.toLowerCase() !== b.address.toLowerCase()) {
      findings.push({ level: 'warn', about: ['from'], text: `The From display name shows the address ${shown}, but the real address is ${b.address}. Readers often see only the name.` });
    }
  }
  return { identities, findings };
}

export interface RecipientRow {
  address: string;
  /** In the envelope (RCPT TO, after alias expansion)? */
  envelope: boolean;
  /** Header fields naming it: "To", "Cc". */
  fields: string[];
  /** The address given at RCPT TO, when alias expansion changed it. */
  orcpt?: string;
  note: string;
}

export function compareRecipients(envelope: EnvelopeRecipient[], headers: HeaderField[]): RecipientRow[] {
  const named = new Map<string, string[]>();
  for (const name of ['To', 'Cc']) {
    for (const h of header(headers, name)) {
      for (const b of parseAddressList(h.value)) {
        const k = b.address.toLowerCase();
        if (!k) continue;
        named.set(k, [...(named.get(k) ?? []), name]);
      }
    }
  }
  const rows: RecipientRow[] = [];
  const seen = new Set<string>();
  for (const r of envelope) {
    const k = r.rcpt.toLowerCase();
    const ok = (r.orcpt ?? '').toLowerCase();
    seen.add(k);
    if (ok) seen.add(ok);
    const fields = named.get(k) ?? named.get(ok) ?? [];
    rows.push({
      address: r.rcpt,
      envelope: true,
      fields,
      ...(r.orcpt ? { orcpt: r.orcpt } : {}),
      note: r.orcpt
        ? `Given as ${r.orcpt}; alias expansion (or SRS) made it ${r.rcpt}.`
        : fields.length
          ? `Named in ${fields.join(' and ')} and in the envelope.`
          : 'In the envelope only: a Bcc, a mailing list or an alias. The reader does not see this address in To/Cc.',
    });
  }
  for (const [k, fields] of named) {
    if (seen.has(k)) continue;
    rows.push({ address: k, envelope: false, fields, note: `Named in ${fields.join(' and ')} but not an envelope recipient here: delivered separately, or by another server.` });
  }
  return rows;
}
