// The LinearPort contract against the SDK adapter talking to the Linear double; every request it sent must have
// validated against Linear's schema.
import { afterEach, expect } from 'vitest';
import { linearPortContract } from './linear-port-contract.js';
import { openSdkOverDouble, type SdkUnderTest } from './fixtures.js';

let opened: SdkUnderTest | undefined;

afterEach(() => {
  expect(opened?.double.invalidRequests()).toEqual([]);
  expect(opened?.double.internalErrors).toEqual([]);
  expect(opened?.double.requests.length).toBeGreaterThan(0);
});

linearPortContract('SDK adapter over the Linear double', async () => {
  opened = await openSdkOverDouble();
  return opened;
});
