// The core names no agent and no channel: a grep over src/core's text, with no exception.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linearAssistantIntents } from '../../src/agents/linear-assistant/human-intents.js';
import { intents } from '../../src/agents/linear-assistant/steps.js';

const coreDir = join(import.meta.dirname, '../../src/core');
const files = readdirSync(coreDir).filter((f) => f.endsWith('.ts')).toSorted();
const lines = files.flatMap((file) =>
  readFileSync(join(coreDir, file), 'utf8')
    .split('\n')
    .map((text) => ({ where: file, text })),
);

describe('src/core names no agent and no channel', () => {
  it("names none of the Linear Assistant's intents, nor the assistant or Linear", () => {
    const names = new Set<string>([...intents, ...linearAssistantIntents.ask, ...linearAssistantIntents.done, 'linear']);
    expect(names.has('request_approval')).toBe(true);
    const hits = lines.filter(({ text }) => [...names].some((name) => text.toLowerCase().includes(name)));
    expect(hits.map((h) => `${h.where}: ${h.text.trim()}`)).toEqual([]);
  });

  it('names no channel: no email, IMAP, SMTP, MIME, Slack, SMS, Twilio, Postmark or webhook words, and no exception list', () => {
    // A channel contributes its inbound rendering and its retired event types from its own folder (see
    // src/channels/email/email-received.ts); the core knows one generic `message_received`.
    const channelWords = /e-?mail|imap|smtp|mime|dkim|dmarc|postmark|slack|\bsms\b|twilio|whatsapp|telegram|discord|webhook|message-id|subject|\bcc\b/i;
    const hits = lines.filter(({ text }) => channelWords.test(text)).map((h) => `${h.where}: ${h.text.trim()}`);
    expect(hits).toEqual([]);
  });

  it('the channel-word check finds what the core held before #10 item 4 (it is not vacuous)', () => {
    const before = ["export interface EmailReceived {", "case 'email_received':", '/** A message from any non-email channel (HTTP API, CLI, Slack, SMS). */', 'cc: EmailAddress[];'];
    const channelWords = /e-?mail|imap|smtp|mime|dkim|dmarc|postmark|slack|\bsms\b|twilio|whatsapp|telegram|discord|webhook|message-id|subject|\bcc\b/i;
    expect(before.filter((text) => channelWords.test(text))).toEqual(before);
  });
});
