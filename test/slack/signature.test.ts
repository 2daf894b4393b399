// Slack's request signature as Slack documents it ("Verifying requests from Slack"), not as our own tests sign it.
import { expect, it } from 'vitest';
import { Secret } from '../../src/channels/shared/secret.js';
import { verifySlackSignature } from '../../src/channels/slack/inbound/signature.js';

// The worked example from Slack's documentation.
const secret = new Secret('8f742231b10e8888abcd99yyyzzz85a5');
const timestamp = '1531420618';
const body = Buffer.from(
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
);
const signature = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const at = (seconds: number) => new Date((Number(timestamp) + seconds) * 1000);

it('accepts the signature of Slack\'s documented example, up to 5 minutes either side of its timestamp', () => {
  expect(verifySlackSignature({ secret, timestamp, signature, body, now: at(0) })).toEqual({ ok: true });
  expect(verifySlackSignature({ secret, timestamp, signature, body, now: at(300) })).toEqual({ ok: true });
  expect(verifySlackSignature({ secret, timestamp, signature, body, now: at(-300) })).toEqual({ ok: true });
});

it('refuses it more than 5 minutes late or early, with another secret, or over a changed body', () => {
  expect(verifySlackSignature({ secret, timestamp, signature, body, now: at(301) }).ok).toBe(false);
  expect(verifySlackSignature({ secret, timestamp, signature, body, now: at(-301) }).ok).toBe(false);
  expect(verifySlackSignature({ secret: new Secret('another'), timestamp, signature, body, now: at(0) }).ok).toBe(false);
  expect(verifySlackSignature({ secret, timestamp, signature, body: Buffer.concat([body, Buffer.from('x')]), now: at(0) }).ok).toBe(false);
  expect(verifySlackSignature({ secret, timestamp: undefined, signature, body, now: at(0) }).ok).toBe(false);
  expect(verifySlackSignature({ secret, timestamp: 'soon', signature, body, now: at(0) }).ok).toBe(false);
});
