// #10 item 4: a channel's inbound messages render through the hook the channel contributes, by channel name; every
// other message keeps the core's default From/Channel/Text, and an agent's per-type override still wins.
import { describe, expect, it } from 'vitest';
import { renderContext, type RenderOptions } from '../../src/core/render.js';
import { email, ev, thread } from './fixtures.js';
import { example1 } from './render-scenarios.js';
import { withChannels } from './channel-render.js';

const api = thread(ev('message_received', { channel: 'api', from: 'alex@company.com', text: 'restock the fridges' }));
const apiDefault = '<message_received>\n    From: alex@company.com\n    Channel: api\n    Text: restock the fridges\n</message_received>';

describe('inbound rendering by channel', () => {
  it("an email renders as the seed's <email_received> only with the email channel's hook; without it, as any message", () => {
    const seed = thread(ev('message_received', email("Can you please create an issue for Austin to restock the fridges with drinks? It's getting empty.")));
    expect(renderContext(seed.events, withChannels())).toBe(example1);
    expect(renderContext(seed.events)).toMatch(/^<message_received>\n {4}From: user@example\.com\n {4}Channel: email\n {4}Text: Can you/);
  });

  it('a message of a channel without a hook keeps the default, whatever hooks other channels have', () => {
    expect(renderContext(api.events)).toBe(apiDefault);
    expect(renderContext(api.events, withChannels())).toBe(apiDefault);
  });

  it('a hook that does not recognize the message keeps the default; null leaves it out; an override wins over the hook', () => {
    const keep: RenderOptions = { inbound: { api: () => undefined } };
    expect(renderContext(api.events, keep)).toBe(apiDefault);
    expect(renderContext(api.events, { inbound: { api: () => null } })).toBe('');
    const both: RenderOptions = { inbound: { api: () => ({ tag: 'hook', body: 'h' }) }, overrides: { message_received: () => ({ tag: 'override', body: 'o' }) } };
    expect(renderContext(api.events, both)).toBe('<override>\n    o\n</override>');
  });

  it('a channel named like an Object method finds no hook (own keys only)', () => {
    const odd = thread(ev('message_received', { channel: 'constructor', text: 'hi' }));
    expect(renderContext(odd.events, withChannels())).toBe('<message_received>\n    From: unknown\n    Channel: constructor\n    Text: hi\n</message_received>');
  });
});
