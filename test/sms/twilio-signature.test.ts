// X-Twilio-Signature against the vectors in twilio-node's own spec/validation.spec.js, and what an SMS says and how it is cut.
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/channels/shared/secret.js';
import { approvalCode, readSmsReply } from '../../src/channels/sms/approvals/approval-code.js';
import { twilioSignature, validTwilioSignature } from '../../src/channels/sms/inbound/twilio-signature.js';
import { splitSms } from '../../src/channels/sms/outbound/sms-text.js';

const token = new Secret('12345');
const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';

describe('twilio signature (twilio-node vectors)', () => {
  it('computes the signature twilio-node computes for its default request', () => {
    expect(twilioSignature(token, url, params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });
  it('accepts the signature made over the URL with the default port spelled out, as validateRequest does', () => {
    expect(validTwilioSignature(token, 'kvajT1Ptam85bY51eRf/AJRuM3w=', url, params)).toBe(true);
  });
  it('accepts an http URL with an explicit port', () => {
    expect(validTwilioSignature(token, 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU=', 'http://mycompany.com:1234/myapp.php?foo=1&bar=2', params)).toBe(true);
  });
  it('refuses a wrong signature, another token, or changed parameters', () => {
    expect(validTwilioSignature(token, 'WRONG_SIGNATURE', url, params)).toBe(false);
    expect(validTwilioSignature(new Secret('54321'), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, params)).toBe(false);
    expect(validTwilioSignature(token, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, { ...params, Digits: '1235' })).toBe(false);
  });
});

describe('sms text', () => {
  it('splits a long answer into parts of at most 1600 characters that add up to the whole', () => {
    const words = Array.from({ length: 700 }, (_, i) => `word${i}`).join(' ');
    const parts = splitSms(words);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect([...p].length).toBeLessThanOrEqual(1600);
    expect(parts.join(' ')).toBe(words);
    expect(splitSms('x'.repeat(3300)).map((p) => p.length)).toEqual([1600, 1600, 100]);
  });
  it('reads "YES <code>" and "NO <code> reason" as decisions with their code, and anything else as words', () => {
    expect(readSmsReply('YES 123456')).toEqual({ kind: 'approve', code: '123456' });
    expect(readSmsReply('no 123456 wrong team')).toEqual({ kind: 'deny', code: '123456', reason: 'wrong team' });
    expect(readSmsReply('yes')).toEqual({ kind: 'other' });
    expect(readSmsReply('yes please 123456')).toEqual({ kind: 'other' });
  });
  it('gives each approval request its own six-digit code', () => {
    const secret = new Secret('s3cr3t');
    const a = approvalCode(secret, 'thr_a' as never, 'call_1' as never);
    expect(a).toMatch(/^\d{6}$/);
    expect(approvalCode(secret, 'thr_a' as never, 'call_1' as never)).toBe(a);
    expect(approvalCode(secret, 'thr_a' as never, 'call_2' as never)).not.toBe(a);
  });
});
