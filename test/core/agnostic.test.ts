// The core names no agent and no channel: a grep over src/core's text, with the one documented exception listed
// line by line (file and text, not line numbers, so an unrelated edit does not move it).
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

  it("names a channel only for the email event type it still holds (EmailReceived, rendered by renderEmail)", () => {
    // What remains until a channel contributes its own inbound event types: the email event, its data and its
    // rendering, the opening a channel starts a thread with from one, and comments that explain them.
    const documented = [
      'events.ts: export interface EmailAddress {',
      'events.ts: export interface EmailReceived {',
      'events.ts: from: EmailAddress;',
      'events.ts: to: EmailAddress[];',
      'events.ts: cc: EmailAddress[];',
      'events.ts: /** A message from any non-email channel (HTTP API, CLI, Slack, SMS). */',
      "events.ts: /** The channel's id of the message that carried the decision (an email's Message-ID), for threading answers. */",
      'events.ts: email_received: EmailReceived;',
      "events.ts: 'email_received',",
      "events.ts: 'email_received',",
      "human-input.ts: import type { AttachmentMeta, EmailReceived, EventDataByType, EventType, NewEvent } from './events.js';",
      "human-input.ts: /** The channel's id of the message (an email's Message-ID), so answers can be threaded under it. */",
      "human-input.ts: export type Opening = { kind: 'message'; text: string } | { kind: 'email'; email: EmailReceived };",
      "human-input.ts: opening.kind === 'email'",
      "human-input.ts: ? { type: 'email_received', data: opening.email }",
      'human-input.ts: /** A decision someone may not make, in the words an emailed one would have used. */',
      "render.ts: import { humanInputTypes, type AttachmentMeta, type EmailAddress, type EmailReceived, type EventType, type HumanReplied, type ThreadEvent } from './events.js';",
      'render.ts: function formatAddress(a: EmailAddress): string {',
      'render.ts: function renderEmail(data: EmailReceived): string {',
      "render.ts: case 'email_received':",
      'render.ts: return { tag: event.type, body: renderEmail(event.data) };',
      "state.ts: * channel is implied by its type (an inbound email) names none here; its reader knows it from `event.type`.",
      'state.ts: /** The newest message id a person\'s input carried (a reply or an emailed decision). */',
    ];
    const hits = lines.filter(({ text }) => /email|slack|\bsms\b|twilio/i.test(text)).map((h) => `${h.where}: ${h.text.trim()}`);
    const outsideSwitches = hits.filter((h) => !/^state\.ts: case 'email_received':$/.test(h));
    expect(outsideSwitches).toEqual(documented);
    // state.ts folds the email event like any other human input: a case label per fold, nothing more.
    expect(hits.length - outsideSwitches.length).toBeGreaterThan(0);
  });
});
