import { describe, expect, it } from 'vitest';
import { explainCapability, explainCommand, explainReply, parseReplyLine } from '../../../renderer/lib/reply-codes';

describe('reply codes', () => {
  it('parses reply lines, continuation and enhanced codes', () => {
    expect(parseReplyLine('250-PIPELINING')).toEqual({ code: 250, last: false, text: 'PIPELINING' });
    expect(parseReplyLine('554 5.7.1 <x@y>: Relay access denied')).toEqual({ code: 554, last: true, enhanced: '5.7.1', text: '<x@y>: Relay access denied' });
    expect(parseReplyLine('220')).toEqual({ code: 220, last: true, text: '' });
    expect(parseReplyLine('EHLO x')).toBeNull();
  });

  it('explains 554 5.7.1 Relay access denied in plain words', () => {
    const m = explainReply(554, '5.7.1', '<bob@elsewhere.test>: Relay access denied');
    expect(m.kind).toBe('permanent');
    expect(m.title).toBe('Permanent refusal');
    expect(m.code).toBe('554: transaction failed / refused');
    expect(m.enhanced).toBe('5.7.1: security or policy — delivery not authorized, message refused (policy)');
    expect(m.hint).toMatch(/^Relay refused: .*open relay/);
    expect(m.retry).toMatch(/Do not retry/);
  });

  it('reads success codes as success, not as RFC 3463 "other address status"', () => {
    expect(explainReply(250, '2.1.0', 'Ok').enhanced).toBe('2.1.0: addressing — sender address accepted');
    expect(explainReply(250, '2.1.5', 'Ok').enhanced).toBe('2.1.5: addressing — recipient address accepted');
    expect(explainReply(250, '2.0.0', 'Ok: queued as ABC').hint).toMatch(/stored on disk in the queue/);
  });

  it('tells temporary from permanent and knows Postfix texts', () => {
    const g = explainReply(450, '4.2.0', '<a@b>: Recipient address rejected: Greylisted, see http://x');
    expect(g.kind).toBe('temporary');
    expect(g.hint).toMatch(/^Greylisting/);
    expect(explainReply(504, '5.5.2', '<x>: Helo command rejected: need fully-qualified hostname').hint).toMatch(/no dot/);
    expect(explainReply(550, '5.1.1', '<x>: Recipient address rejected: User unknown in local recipient table').hint).toBe('No such mailbox here.');
    expect(explainReply(599).code).toBe('599: permanent refusal (5xx)');
  });

  it('explains commands and EHLO capabilities', () => {
    expect(explainCommand('MAIL FROM:<a@b>')).toMatch(/envelope sender/);
    expect(explainCommand('rcpt to:<a@b>')).toMatch(/envelope recipient/);
    expect(explainCommand('FOO')).toBeUndefined();
    expect(explainCapability('SIZE 10240000')).toMatch(/largest message/);
    expect(explainCapability('AUTH PLAIN LOGIN')).toMatch(/logging in/);
  });
});
