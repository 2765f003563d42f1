// MAIL/RCPT ESMTP parameters as Postfix 3.7 smtpd reads them. Expected replies are the ones the
// private Postfix 3.7.11 gives in test/differential (cases base/mail-param-*, base/rcpt-param-*).
import { describe, expect, it } from 'vitest';
import { declaresSmtputf8, FRESH_MAIL_STATE, mailParams, rcptParams, xtextDecode, type MailParamState } from '../../../engine/smtp/esmtp-params';

const words = (s: string) => (s ? s.split(' ') : []);
const mail = (s: string, st: MailParamState = FRESH_MAIL_STATE) => {
  const r = mailParams(words(s), st);
  return r.ok ? 'ok' : `${r.reply.code} ${r.reply.status} ${r.reply.text}`;
};
const rcpt = (s: string) => {
  const r = rcptParams(words(s));
  return r.ok ? 'ok' : `${r.reply.code} ${r.reply.status} ${r.reply.text}`;
};

describe('mailParams', () => {
  it.each([
    ['', 'ok'],
    ['SIZE=100 BODY=8BITMIME SMTPUTF8 RET=FULL ENVID=e1 AUTH=<>', 'ok'],
    ['size=000000000000000000000000100 body=7bit ret=hdrs smtputf8 SMTPUTF8', 'ok'],
    ['AUTH=<> AUTH=<>', 'ok'],
    ['FOO=bar', '555 5.5.4 Unsupported option: FOO=bar'],
    ['XVERP', '555 5.5.4 Unsupported option: XVERP'],
    ['REQUIRETLS', '555 5.5.4 Unsupported option: REQUIRETLS'],
    ['SIZE', '555 5.5.4 Unsupported option: SIZE'],
    ['BODY=foo', '555 5.5.4 Unsupported option: BODY=foo'],
    ['BODY=BINARYMIME', '555 5.5.4 Unsupported option: BODY=BINARYMIME'],
    ['SMTPUTF8=yes', '555 5.5.4 Unsupported option: SMTPUTF8=yes'],
    ['<x>', '555 5.5.4 Unsupported option: <x>'],
    ['\u017fMTPUTF8', '555 5.5.4 Unsupported option: \u017fMTPUTF8'],
    ['SIZE=abc', '501 5.5.4 Bad message size syntax'],
    ['SIZE=', '501 5.5.4 Bad message size syntax'],
    ['SIZE=1+30', '501 5.5.4 Bad message size syntax'],
    ['SIZE=99999999999999999999999', '552 5.3.4 Message size exceeds file system imposed limit'],
    ['RET=foo', '501 5.5.4 Bad RET parameter syntax'],
    ['RET=FULL RET=HDRS', '501 5.5.4 Bad RET parameter syntax'],
    ['ENVID=', '501 5.5.4 Bad ENVID parameter syntax'],
    ['ENVID=a+2', '501 5.5.4 Bad ENVID parameter syntax'],
    ['ENVID=a+0Db', '501 5.5.4 Bad ENVID parameter syntax'],
    ['ENVID=a ENVID=b', '501 5.5.4 Bad ENVID parameter syntax'],
    ['AUTH=<a@b> AUTH=<c@d>', '503 5.5.4 Error: multiple AUTH= options'],
    ['FOO SIZE=abc', '555 5.5.4 Unsupported option: FOO'],
    ['SIZE=abc FOO', '501 5.5.4 Bad message size syntax'],
  ])('%s → %s', (p, want) => {
    expect(mail(p)).toBe(want);
  });

  it('gives smtp-server each parameter once, normalised', () => {
    const r = mailParams(words('SIZE=007 SIZE=0100 body=8bitmime ret=hdrs ENVID=x+2By SMTPUTF8 smtputf8 AUTH=<a@b>'), FRESH_MAIL_STATE);
    expect(r).toEqual({ ok: true, state: { size: 100, auth: true },
      args: { SIZE: '100', BODY: '8BITMIME', RET: 'HDRS', ENVID: 'x+y', SMTPUTF8: true, AUTH: '<a@b>' } });
  });

  it('keeps the SIZE/AUTH state read before a failure; an overflow leaves -1', () => {
    expect(mailParams(words('SIZE=99999999999 AUTH=<a@b> FOO'), FRESH_MAIL_STATE)).toMatchObject({ ok: false, state: { size: 99999999999, auth: true } });
    expect(mailParams(words('AUTH=<> FOO'), FRESH_MAIL_STATE)).toMatchObject({ ok: false, state: { size: 0, auth: false } });
    expect(mailParams(words('SIZE=99999999999999999999999'), FRESH_MAIL_STATE)).toMatchObject({ ok: false, state: { size: -1 } });
    expect(mail('AUTH=<c@d>', { size: 0, auth: true })).toBe('503 5.5.4 Error: multiple AUTH= options');
    expect(mail('BODY=x AUTH=<c@d>', { size: 0, auth: true })).toBe('555 5.5.4 Unsupported option: BODY=x');
  });
});

describe('rcptParams', () => {
  it.each([
    ['NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;u+40relaylab.test', 'ok'],
    ['notify=never', 'ok'],
    ['NOTIFY=success,,delay', 'ok'],
    ['ORCPT=rfc822;', 'ok'],
    ['ORCPT=utf-8;a\\x{41}b', 'ok'],
    ['FOO', '555 5.5.4 Unsupported option: FOO'],
    ['SIZE=1', '555 5.5.4 Unsupported option: SIZE=1'],
    ['NOTIFY', '555 5.5.4 Unsupported option: NOTIFY'],
    ['NOTIFY=foo', '501 5.5.4 Error: Bad NOTIFY parameter syntax'],
    ['NOTIFY=NEVER,SUCCESS', '501 5.5.4 Error: Bad NOTIFY parameter syntax'],
    ['NOTIFY=', '501 5.5.4 Error: Bad NOTIFY parameter syntax'],
    ['NOTIFY=DELAY NOTIFY=DELAY', '501 5.5.4 Error: Bad NOTIFY parameter syntax'],
    ['ORCPT=rfc822', '501 5.5.4 Error: Bad ORCPT parameter syntax'],
    ['ORCPT=;a@b', '501 5.5.4 Error: Bad ORCPT parameter syntax'],
    ['ORCPT=rfc822;a+zz', '501 5.5.4 Error: Bad ORCPT parameter syntax'],
    ['ORCPT=utf-8;a\\x{zz}', '501 5.5.4 Error: Bad ORCPT parameter syntax'],
    ['ORCPT=utf-8;a\\x{110000}', '501 5.5.4 Error: Bad ORCPT parameter syntax'],
    ['ORCPT=x;a ORCPT=x;b', '501 5.5.4 Error: Bad ORCPT parameter syntax'],
  ])('%s → %s', (p, want) => {
    expect(rcpt(p)).toBe(want);
  });
});

describe('pieces', () => {
  it('declaresSmtputf8: the exact keyword in ASCII case only', () => {
    expect(declaresSmtputf8(['SIZE=1', 'smtputf8'])).toBe(true);
    expect(declaresSmtputf8(['SMTPUTF8=yes'])).toBe(false);
    expect(declaresSmtputf8(['\u017fMTPUTF8'])).toBe(false);
  });

  it('xtextDecode: "+" needs two hex digits, either case', () => {
    expect(xtextDecode('a+2Bb+2bc')).toBe('a+b+c');
    expect(xtextDecode('a+2')).toBeUndefined();
    expect(xtextDecode('a+zz')).toBeUndefined();
  });
});
