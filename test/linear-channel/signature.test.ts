// Our Linear webhook check agrees with @linear/sdk's own LinearWebhookClient.verify on the same bytes and secret.
import { LinearWebhookClient } from '@linear/sdk/webhooks';
import { describe, expect, it } from 'vitest';
import { linearSignature, verifyLinearSignature, verifyWebhookTimestamp } from '../../src/channels/linear/inbound/signature.js';
import { Secret } from '../../src/channels/shared/secret.js';

const secret = 'lin_wh_0123456789';
const body = Buffer.from(JSON.stringify({ type: 'AgentSessionEvent', action: 'created', webhookTimestamp: 1_700_000_000_000 }));
const sdk = new LinearWebhookClient(secret);
const sdkAccepts = (signature: string): boolean => {
  try {
    return sdk.verify(body, signature);
  } catch {
    return false;
  }
};

describe('Linear-Signature', () => {
  it('accepts what the SDK accepts and refuses what it refuses', () => {
    const good = linearSignature(new Secret(secret), body);
    expect(sdkAccepts(good)).toBe(true);
    expect(verifyLinearSignature({ secret: new Secret(secret), signature: good, body })).toEqual({ ok: true });
    const other = linearSignature(new Secret('another'), body);
    expect(sdkAccepts(other)).toBe(false);
    expect(verifyLinearSignature({ secret: new Secret(secret), signature: other, body }).ok).toBe(false);
    expect(verifyLinearSignature({ secret: new Secret(secret), signature: undefined, body }).ok).toBe(false);
    expect(verifyLinearSignature({ secret: new Secret(secret), signature: good.slice(0, 10), body }).ok).toBe(false);
  });

  it('takes a webhookTimestamp within 60 s of the injected clock either side, and no further', () => {
    const now = new Date(1_700_000_000_000);
    expect(verifyWebhookTimestamp(now.getTime() - 60_000, now).ok).toBe(true);
    expect(verifyWebhookTimestamp(now.getTime() + 60_000, now).ok).toBe(true);
    expect(verifyWebhookTimestamp(now.getTime() - 60_001, now).ok).toBe(false);
    expect(verifyWebhookTimestamp(now.getTime() + 60_001, now).ok).toBe(false);
  });
});
