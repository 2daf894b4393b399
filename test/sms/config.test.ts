// The SMS channel's settings: what turns it on, and that a bad setting stops the start with the exact problem.
import { expect, it } from 'vitest';
import { readSmsConfig } from '../../src/channels/sms/config.js';
import { smsChannel } from '../../src/channels/sms/module.js';

const good = {
  TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'token',
  TWILIO_FROM_NUMBER: '+15550000001',
  SMS_ALLOWED_NUMBERS: '+15551230001, +15551230002',
  PUBLIC_URL: 'https://hardway.test/',
};

it('reads the settings: numbers listed, the public URL without its trailing slash, the REST API by default', () => {
  const result = readSmsConfig(good);
  if (!result.ok) throw new Error(result.problem);
  expect(result.config.allowedNumbers).toEqual(['+15551230001', '+15551230002']);
  expect(result.config.publicUrl).toBe('https://hardway.test');
  expect(result.config.apiUrl).toBe('https://api.twilio.com');
  expect(JSON.stringify(result.config)).not.toContain('"token"');
});

it('names the setting that is wrong: a number not in E.164, no allowed numbers, a malformed account SID', () => {
  expect(readSmsConfig({ ...good, SMS_ALLOWED_NUMBERS: '555-1234' })).toMatchObject({ ok: false, problem: expect.stringContaining('SMS_ALLOWED_NUMBERS') });
  expect(readSmsConfig({ ...good, SMS_ALLOWED_NUMBERS: '' })).toMatchObject({ ok: false, problem: expect.stringContaining('at least one number') });
  expect(readSmsConfig({ ...good, TWILIO_ACCOUNT_SID: 'nope' })).toMatchObject({ ok: false, problem: expect.stringContaining('TWILIO_ACCOUNT_SID') });
});

it('is off without TWILIO_ACCOUNT_SID, and refuses to start with a bad setting', () => {
  const context = { env: {}, port: 3000 } as never;
  expect(smsChannel.open(context)).toBeUndefined();
  expect(() => smsChannel.open({ env: { ...good, TWILIO_FROM_NUMBER: 'x' }, port: 3000 } as never)).toThrow(/TWILIO_FROM_NUMBER/);
});
