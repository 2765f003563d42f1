import { describe, expect, it } from 'vitest';
import { classify, replyText, statusOf } from '../../../engine/delivery/classify';

/** An error shaped like nodemailer's (_formatError). */
function smtpErr(code: string, response: string | undefined, command: string, extra: Record<string, unknown> = {}) {
  const err = new Error(`failed${response ? `: ${response}` : ''}`) as Error & Record<string, unknown>;
  err.code = code;
  err.command = command;
  if (response) {
    err.response = response;
    err.responseCode = Number(response.slice(0, 3));
  }
  return Object.assign(err, extra);
}

describe('classify', () => {
  const table: [string, unknown, { action: string; status: string; reason?: RegExp; diagnostic?: string | RegExp }][] = [
    ['550 with enhanced code at RCPT', smtpErr('EENVELOPE', '550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown', 'RCPT TO'), {
      action: 'failed', status: '5.1.1',
      reason: /^host mx\.example\.net\[127\.0\.0\.5\] said: 550 5\.1\.1 <bob@example\.net>: Recipient address rejected: User unknown \(in reply to RCPT TO command\)$/,
      diagnostic: 'smtp; 550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown',
    }],
    ['554 without enhanced code', smtpErr('EENVELOPE', '554 Transaction failed', 'MAIL FROM'), { action: 'failed', status: '5.0.0', reason: /in reply to MAIL FROM command/ }],
    ['5xx at end of DATA', smtpErr('EMESSAGE', '552 5.3.4 Message too big', 'DATA'), { action: 'failed', status: '5.3.4', reason: /in reply to end of DATA command/ }],
    ['5xx to the DATA command', smtpErr('EENVELOPE', '554 5.5.1 Error: no valid recipients', 'DATA'), { action: 'failed', status: '5.5.1', reason: /in reply to DATA command/ }],
    ['450 greylisting', smtpErr('EENVELOPE', '450 4.2.0 <bob@example.net>: Recipient address rejected: Greylisted', 'RCPT TO'), { action: 'delayed', status: '4.2.0' }],
    ['421 without enhanced code', smtpErr('ECONNECTION', '421 Service not available', 'CONN'), { action: 'delayed', status: '4.0.0', reason: /refused to talk to me: 421 Service not available/ }],
    ['enhanced class disagreeing with the reply code follows the reply', smtpErr('EENVELOPE', '550 4.1.1 odd', 'RCPT TO'), { action: 'failed', status: '5.1.1' }],
    ['multi-line reply joined like Postfix', smtpErr('EENVELOPE', '550-5.1.1 The account\n550 5.1.1 does not exist', 'RCPT TO'), {
      action: 'failed', status: '5.1.1', diagnostic: 'smtp; 550-5.1.1 The account 550 5.1.1 does not exist',
    }],
    ['connection refused', smtpErr('ESOCKET', undefined, 'CONN', { originalCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.5:25' }), {
      action: 'delayed', status: '4.4.1', reason: /^connect to mx\.example\.net\[127\.0\.0\.5\]: Connection refused$/, diagnostic: /^X-Postfix; connect to/,
    }],
    ['raw node ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), { action: 'delayed', status: '4.4.1' }],
    ['connect timeout', smtpErr('ETIMEDOUT', undefined, 'CONN', { timeoutType: 'CONNECT_TIMEOUT' }), { action: 'delayed', status: '4.4.1', reason: /Connection timed out/ }],
    ['greeting timeout', smtpErr('ETIMEDOUT', undefined, 'CONN', { timeoutType: 'GREETING_TIMEOUT' }), { action: 'delayed', status: '4.4.2', reason: /initial server greeting/ }],
    ['idle socket timeout', smtpErr('ETIMEDOUT', undefined, 'CONN', { timeoutType: 'SOCKET_TIMEOUT' }), { action: 'delayed', status: '4.4.2', reason: /timed out/ }],
    ['dropped connection', smtpErr('ECONNECTION', undefined, 'CONN'), { action: 'delayed', status: '4.4.2', reason: /lost connection with mx\.example\.net\[127\.0\.0\.5\]/ }],
    ['reset by peer', smtpErr('ESOCKET', undefined, 'CONN', { originalCode: 'ECONNRESET' }), { action: 'delayed', status: '4.4.2' }],
    ['DNS failure', smtpErr('EDNS', undefined, 'CONN'), { action: 'delayed', status: '4.4.3' }],
    ['TLS failure', smtpErr('ETLS', undefined, 'STARTTLS', { originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER' }), { action: 'delayed', status: '4.7.5', reason: /Cannot start TLS/ }],
    ['protocol error without a code', smtpErr('EPROTOCOL', undefined, 'CONN'), { action: 'delayed', status: '4.5.0' }],
    ['SIZE refused before sending', smtpErr('EMESSAGE', undefined, 'MAIL FROM', { message: 'Message size larger than allowed 1000' }), { action: 'failed', status: '5.3.4' }],
    ['address nodemailer refused', smtpErr('EENVELOPE', undefined, 'API', { message: 'Invalid recipient "a<b"' }), { action: 'failed', status: '5.1.3' }],
    ['spool read error', smtpErr('ESTREAM', undefined, 'API', { message: 'EIO: i/o error' }), { action: 'delayed', status: '4.3.0' }],
    ['anything else', new Error('weird'), { action: 'delayed', status: '4.0.0', reason: /weird/ }],
    ['not even an Error', 'a string', { action: 'delayed', status: '4.0.0', reason: /a string/ }],
    ['null', null, { action: 'delayed', status: '4.0.0' }],
  ];
  for (const [name, err, want] of table) {
    it(name, () => {
      const d = classify(err, 'mx.example.net', '127.0.0.5');
      expect(d.action).toBe(want.action);
      expect(d.status).toBe(want.status);
      expect(d.remoteMta).toBe('dns; mx.example.net');
      expect(d.diagnostic).toBeTruthy();
      if (want.reason) expect(d.reason).toMatch(want.reason);
      if (typeof want.diagnostic === 'string') expect(d.diagnostic).toBe(want.diagnostic);
      else if (want.diagnostic) expect(d.diagnostic).toMatch(want.diagnostic);
    });
  }

  it('without a host there is no Remote-MTA', () => {
    expect(classify(smtpErr('ECONNECTION', undefined, 'CONN')).remoteMta).toBeUndefined();
  });

  it('bounds a huge reply and keeps it on one line', () => {
    const d = classify(smtpErr('EENVELOPE', `550 5.7.1 ${'x'.repeat(5000)}\r\n550 y`, 'RCPT TO'), 'h');
    expect(d.diagnostic!.length).toBeLessThan(1100);
    expect(d.reason).not.toMatch(/[\r\n]/);
  });

  it('statusOf and replyText', () => {
    expect(statusOf('250 2.0.0 Ok: queued as X', 250)).toBe('2.0.0');
    expect(statusOf('250 Ok', 250)).toBe('2.0.0');
    expect(statusOf('451 4.7.1 try later', 451)).toBe('4.7.1');
    expect(statusOf('550 5.1.10 null', 550)).toBe('5.1.10');
    expect(statusOf('550 5.1.1000 not a code', 550)).toBe('5.0.0');
    expect(replyText('250-a\r\n250 b')).toBe('250-a 250 b');
  });
});
