// Plain-language meanings of SMTP replies (RFC 5321 codes, RFC 3463 enhanced status codes, and
// the texts Postfix and this engine use), of client commands and of EHLO capabilities.
// Pure data + lookups; the transcript shows them next to each line.

export type ReplyKind = 'success' | 'intermediate' | 'temporary' | 'permanent';

export interface ParsedReply {
  code: number;
  /** "5.7.1", when the line carries an enhanced status code. */
  enhanced?: string;
  text: string;
  /** False on "250-..." continuation lines; true on the last line of a reply. */
  last: boolean;
}

/** "250-PIPELINING" → {code:250,last:false,text:'PIPELINING'}; null when it is not a reply line. */
export function parseReplyLine(line: string): ParsedReply | null {
  const m = /^([2-5]\d\d)([ -]|$)(.*)$/.exec(line);
  if (!m) return null;
  const rest = m[3] ?? '';
  const e = /^([245]\.\d{1,3}\.\d{1,3})(?:\s+|$)(.*)$/.exec(rest);
  return { code: Number(m[1]), last: m[2] !== '-', text: e ? (e[2] ?? '') : rest, ...(e ? { enhanced: e[1] } : {}) };
}

export function replyKind(code: number): ReplyKind {
  if (code >= 500) return 'permanent';
  if (code >= 400) return 'temporary';
  if (code >= 300) return 'intermediate';
  return 'success';
}

const KIND_TEXT: Record<ReplyKind, { title: string; retry: string }> = {
  success: { title: 'Success', retry: 'The step worked; the client goes on.' },
  intermediate: { title: 'Go ahead', retry: 'The server waits for more input from the client.' },
  temporary: { title: 'Temporary refusal', retry: 'Try again later: a real mail server keeps the message and retries; nothing is lost yet.' },
  permanent: { title: 'Permanent refusal', retry: 'Do not retry: the sender gets an error (in-session, or as a bounce from its own server).' },
};

const BASIC: Record<number, string> = {
  211: 'system status',
  214: 'help text',
  220: 'service ready',
  221: 'closing the connection (goodbye)',
  235: 'authentication succeeded',
  250: 'requested action done (OK)',
  251: 'user not local; the server will forward',
  252: 'cannot verify the user, but will try to deliver',
  334: 'authentication challenge: the client continues the login',
  354: 'go ahead: send the message, end it with a line holding only "."',
  421: 'service not available: the server closes the connection',
  450: 'mailbox unavailable for now (often a policy or greylisting delay)',
  451: 'local error while processing; try later',
  452: 'insufficient storage, or too many recipients for now',
  454: 'temporary failure (TLS, authentication or relay)',
  455: 'server cannot accommodate these parameters now',
  500: 'command not recognized',
  501: 'syntax error in the arguments',
  502: 'command not implemented',
  503: 'bad sequence of commands (or refused at this step)',
  504: 'parameter not accepted',
  521: 'this host does not accept mail',
  530: 'authentication required',
  534: 'authentication mechanism too weak',
  535: 'authentication failed (bad credentials)',
  538: 'encryption required for this authentication mechanism',
  550: 'mailbox unavailable or refused by policy',
  551: 'user not local',
  552: 'message too big, or storage exceeded',
  553: 'address not allowed',
  554: 'transaction failed / refused',
  555: 'MAIL FROM or RCPT TO parameter not recognized',
  556: 'the domain does not accept mail (null MX)',
};

const SUBJECT: Record<string, string> = {
  '0': 'other',
  '1': 'addressing',
  '2': 'mailbox',
  '3': 'mail system',
  '4': 'network and routing',
  '5': 'mail protocol',
  '6': 'message content',
  '7': 'security or policy',
};

const DETAIL: Record<string, string> = {
  '0.0': 'no further detail',
  '1.0': 'address status',
  '1.1': 'no such mailbox (bad destination address)',
  '1.2': 'bad destination domain (cannot be found or routed)',
  '1.3': 'bad destination address syntax',
  '1.4': 'ambiguous destination address',
  '1.5': 'destination address valid',
  '1.6': 'mailbox has moved',
  '1.7': 'bad sender address syntax',
  '1.8': "bad sender domain (it does not exist in DNS)",
  '1.10': 'recipient domain publishes a null MX',
  '2.0': 'mailbox status',
  '2.1': 'mailbox disabled',
  '2.2': 'mailbox full',
  '2.3': 'message longer than the mailbox allows',
  '2.4': 'mailing list expansion problem',
  '3.0': 'mail system status',
  '3.1': 'mail system full',
  '3.2': 'system not accepting network messages',
  '3.3': 'feature not supported',
  '3.4': 'message too big for the system',
  '3.5': 'system incorrectly configured',
  '4.0': 'network or routing status',
  '4.1': 'no answer from host',
  '4.2': 'bad connection',
  '4.3': 'DNS or directory failure',
  '4.4': 'unable to route',
  '4.5': 'mail system congestion',
  '4.6': 'routing loop detected',
  '4.7': 'delivery time expired',
  '5.0': 'protocol status',
  '5.1': 'invalid command',
  '5.2': 'syntax error',
  '5.3': 'too many recipients',
  '5.4': 'invalid command arguments',
  '5.5': 'wrong protocol version',
  '6.0': 'content or media problem',
  '6.1': 'media not supported',
  '7.0': 'security or policy',
  '7.1': 'delivery not authorized, message refused (policy)',
  '7.2': 'mailing list expansion prohibited',
  '7.3': 'security conversion required',
  '7.4': 'security feature not supported',
  '7.5': 'cryptographic failure',
  '7.7': 'message integrity failure',
  '7.8': 'authentication credentials invalid',
  '7.9': 'authentication mechanism too weak',
  '7.10': 'encryption needed',
  '7.11': 'encryption required for this authentication mechanism',
  '7.13': 'user account disabled',
  '7.20': 'no passing DKIM signature',
  '7.21': 'no acceptable DKIM signature',
  '7.22': 'no valid author-matched DKIM signature',
  '7.23': 'SPF validation failed',
  '7.24': 'SPF validation error',
  '7.25': 'reverse DNS validation failed',
  '7.26': 'several authentication checks failed',
  '7.27': 'sender domain publishes a null MX',
  '7.29': 'ARC validation failed',
};

/** Success-class readings where RFC 3463's wording ("other address status") would confuse. */
const SUCCESS_DETAIL: Record<string, string> = {
  '1.0': 'sender address accepted',
  '1.5': 'recipient address accepted',
  '0.0': 'done',
  '6.0': 'message accepted',
  '7.0': 'security step done',
};

const HINTS: [RegExp, string][] = [
  [/Relay access denied/i, 'Relay refused: this server is not the destination for that domain and does not trust the client (not in its networks, not logged in), so it will not pass the mail on. This is what keeps a server from being an open relay.'],
  [/need fully-qualified hostname/i, 'The HELO/EHLO name has no dot; the policy wants a full host name such as mail.example.com.'],
  [/Helo command rejected: Invalid name/i, 'The HELO/EHLO name is not a valid host name.'],
  [/Helo command rejected: invalid ip address/i, 'The HELO/EHLO address literal is not a valid IP address.'],
  [/Helo command rejected: Host not found/i, 'The HELO/EHLO name does not exist in DNS.'],
  [/cannot find your (reverse )?hostname/i, 'The client IP has no (matching) reverse DNS name; the policy requires one.'],
  [/Client host rejected/i, 'The client host itself is refused by a rule (access table or reject).'],
  [/Sender address rejected: Domain not found/i, 'The sender domain does not exist in DNS, so a bounce could never reach it.'],
  [/Sender address rejected: need fully-qualified address/i, 'The sender address has no proper domain.'],
  [/not owned by user/i, 'The logged-in user may not send as this sender address.'],
  [/not logged in/i, 'This sender address may only be used after logging in (AUTH).'],
  [/Sender address rejected/i, 'The envelope sender (MAIL FROM) is refused by a rule.'],
  [/User unknown/i, 'No such mailbox here.'],
  [/Recipient address rejected: Domain not found/i, 'The recipient domain does not exist in DNS.'],
  [/Greylisted/i, 'Greylisting: a first contact from this client/sender/recipient is deferred on purpose. Real mail servers retry and get through; many spam senders never retry.'],
  [/Recipient address rejected/i, 'The recipient is refused by a rule.'],
  [/Improper use of SMTP command pipelining/i, 'The client sent commands without waiting for the replies where it may not (typical of spam bots).'],
  [/blocked using/i, "The client's IP address (or a name) is listed on a DNS blocklist."],
  [/Authentication required/i, 'This listener takes mail only from logged-in users (AUTH first).'],
  [/authentication failed/i, 'Wrong user name or password.'],
  [/Temporary authentication failure/i, 'The login could not be checked right now; try again later.'],
  [/Server configuration (error|problem)/i, "A lookup failed or the server's configuration is broken; the client should try again later."],
  [/Temporary lookup failure/i, 'A table or DNS lookup failed; never treated as "not found", so the client is asked to retry.'],
  [/too many errors/i, 'The client made too many mistakes; the server hangs up (hard error limit).'],
  [/too many recipients/i, 'Too many recipients in one transaction; the client sends the rest in a new one.'],
  [/queued as\s+\S+/i, 'Accepted: the message is stored on disk in the queue; from now on this server is responsible for it.'],
  [/send HELO\/EHLO first/i, 'The client must say HELO or EHLO before MAIL FROM.'],
  [/need MAIL command/i, 'RCPT or DATA came before MAIL FROM.'],
  [/no valid recipients/i, 'DATA came although every recipient was refused: there is nobody to deliver to.'],
  [/need RCPT command/i, 'DATA came before any accepted recipient.'],
  [/nested MAIL command/i, 'A second MAIL FROM inside an open transaction.'],
  [/command not recognized/i, 'The server does not know this command.'],
  [/size exceeds|too big/i, 'The message is larger than the server accepts.'],
  [/too many hops/i, 'The message has passed through too many servers (a mail loop).'],
  [/Session encryption is required/i, 'This step needs TLS; send STARTTLS first.'],
  [/Multi-recipient bounce/i, 'A bounce (null sender) addressed to several recipients is refused.'],
  [/Ready to start TLS/i, 'The server agrees to encrypt: after this line both sides negotiate TLS and start over with EHLO.'],
  [/End data with/i, 'The client now sends the message itself (headers and body).'],
  [/timeout exceeded/i, 'The client was silent for too long; the server hangs up.'],
  [/Access denied/i, 'A rule (access table or an explicit reject) refuses this.'],
  [/Try again later/i, 'A rule asks the client to come back later.'],
  [/rejected by DMARC policy/i, "The From domain's DMARC policy says to reject mail that fails SPF and DKIM alignment."],
  [/Spam message rejected/i, 'The content filter scored the message as spam.'],
];

export interface ReplyMeaning {
  kind: ReplyKind;
  /** "Permanent refusal" */
  title: string;
  /** What the client is expected to do next. */
  retry: string;
  /** Meaning of the three-digit code, e.g. "554: transaction failed / refused". */
  code: string;
  /** Meaning of the enhanced status code, e.g. "5.7.1: security or policy — delivery not authorized". */
  enhanced?: string;
  /** What this particular reply text means, when known. */
  hint?: string;
}

/** The meaning of a reply (its first line is enough; pass every line's text to find a hint). */
export function explainReply(code: number, enhanced?: string, text = ''): ReplyMeaning {
  const kind = replyKind(code);
  const out: ReplyMeaning = {
    kind,
    title: KIND_TEXT[kind].title,
    retry: KIND_TEXT[kind].retry,
    code: `${code}: ${BASIC[code] ?? `${KIND_TEXT[kind].title.toLowerCase()} (${Math.floor(code / 100)}xx)`}`,
  };
  if (enhanced) {
    const [, subj = '0', det = '0'] = enhanced.split('.');
    const key = `${subj}.${det}`;
    const detail = (kind === 'success' ? SUCCESS_DETAIL[key] : undefined) ?? DETAIL[key] ?? `detail ${det}`;
    out.enhanced = `${enhanced}: ${SUBJECT[subj] ?? 'unknown subject'} — ${detail}`;
  }
  const hint = HINTS.find(([re]) => re.test(text))?.[1];
  if (hint) out.hint = hint;
  return out;
}

/** One sentence on what a client command asks for. */
export function explainCommand(line: string): string | undefined {
  const verb = /^([A-Za-z]+)/.exec(line)?.[1]?.toUpperCase();
  switch (verb) {
    case 'EHLO':
      return 'EHLO: the client says who it is (its host name) and asks which extensions the server offers (ESMTP).';
    case 'HELO':
      return 'HELO: the client says who it is; plain SMTP, no extensions.';
    case 'STARTTLS':
      return 'STARTTLS: the client asks to switch this connection to TLS encryption.';
    case 'AUTH':
      return 'AUTH: the client logs in (the credentials are hidden in this trace).';
    case 'MAIL':
      return 'MAIL FROM: the envelope sender, where bounces go (later the Return-Path). Starts a transaction.';
    case 'RCPT':
      return 'RCPT TO: one envelope recipient. The server decides here whether it will take mail for this address.';
    case 'DATA':
      return 'DATA: the client wants to send the message content now.';
    case 'BDAT':
      return 'BDAT: the client sends a chunk of the message (CHUNKING).';
    case 'QUIT':
      return 'QUIT: the client ends the session.';
    case 'RSET':
      return 'RSET: the client aborts the current transaction.';
    case 'NOOP':
      return 'NOOP: does nothing (keeps the connection alive).';
    case 'VRFY':
      return 'VRFY: asks whether an address exists.';
    case 'XCLIENT':
      return 'XCLIENT: a trusted proxy tells the server who the real client is; policy then judges that client.';
    default:
      return undefined;
  }
}

const CAPABILITIES: Record<string, string> = {
  PIPELINING: 'the client may send several commands without waiting for each reply',
  '8BITMIME': 'the message may contain 8-bit characters',
  SMTPUTF8: 'addresses may contain non-ASCII (internationalized) characters',
  ENHANCEDSTATUSCODES: 'replies carry x.y.z status codes',
  STARTTLS: 'the connection can be switched to TLS encryption',
  SIZE: 'the largest message accepted, in bytes',
  AUTH: 'logging in is possible, with these mechanisms',
  XCLIENT: 'trusted proxies may say who the real client is',
  CHUNKING: 'the message may be sent in chunks (BDAT)',
  DSN: 'the client may ask for delivery status notifications',
  'DELIVERBY': 'the client may set a delivery deadline',
  ETRN: 'the client may ask to flush queued mail for a domain',
  VRFY: 'addresses may be verified',
};

export function explainCapability(text: string): string | undefined {
  const word = text.split(/[\s=]/)[0]?.toUpperCase() ?? '';
  return CAPABILITIES[word];
}
