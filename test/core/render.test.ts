import { describe, expect, it } from 'vitest';
import { renderContext, renderThread } from './channel-render.js';
import {
  body,
  example1,
  example2,
  example3,
  example4,
  hiddenReply,
  multilineEmail,
  oversizedResult,
  overrides,
  retried,
  seedOptions,
  seedThread1,
  seedThread2,
  seedThread3,
  seedThread3Resumed,
  seedThread4,
  unresolvedError,
} from './render-scenarios.js';

describe('renderer: the seed context windows', () => {
  it('example 1: initial email', () => {
    expect(renderThread(seedThread1.events).text).toBe(example1);
  });

  it('example 2: after listing teams', () => {
    expect(renderThread(seedThread2.events, seedOptions).text).toBe(example2);
  });

  it('example 3: after error and recovery', () => {
    expect(renderThread(seedThread3.events, seedOptions).text).toBe(example3);
  });

  it('example 4: human interaction', () => {
    expect(renderThread(seedThread4.events).text).toBe(example4);
  });
});

describe('renderer: properties', () => {
  it('is append-only: each step’s context is a byte prefix of the next within a run', () => {
    const events = seedThread3.events;
    for (let n = 1; n < events.length; n++) {
      const before = renderThread(events.slice(0, n), seedOptions).text;
      const after = renderThread(events.slice(0, n + 1), seedOptions).text;
      expect(after.startsWith(before)).toBe(true);
    }
  });

  it('is deterministic', () => {
    expect(renderThread(seedThread3.events, seedOptions)).toEqual(renderThread(seedThread3.events, seedOptions));
  });

  it('collapses an error resolved by a later success once a human has spoken after it', () => {
    const resumed = seedThread3Resumed;
    const text = renderThread(resumed.events, seedOptions).text;
    expect(text).toContain('<error>\n    error running create_issue (resolved later): invalid_input\n</error>');
    expect(text).not.toContain('Invalid team ID format');
    expect(renderThread(resumed.events, { ...seedOptions, collapseResolvedErrors: false }).text).toContain('Invalid team ID format');
  });

  it('keeps an unresolved error in full', () => {
    const t = unresolvedError;
    expect(renderThread(t.events).text).toContain('error running create_issue: teamId must be a UUID.');
  });

  it('truncates an oversized result to the budget with a visible marker', () => {
    const t = oversizedResult;
    const rendered = renderThread(t.events, { maxResultTokens: 100 });
    const part = rendered.parts.at(-1);
    expect(part?.text).toMatch(/… \[truncated: \d+ of \d+ tokens omitted\]/);
    expect(part?.tokens).toBeLessThan(140);
    expect(part?.text.endsWith('</search_issues_result>')).toBe(true);
  });

  it('applies per-type overrides and can hide an event', () => {
    const text = renderThread(hiddenReply.events, overrides).text;
    expect(text).toBe(`<request>\n    ${body}\n</request>`);
  });

  it('counts tokens per event and in total with a real tokenizer', () => {
    const rendered = renderThread(seedThread3.events, seedOptions);
    expect(rendered.parts).toHaveLength(7);
    for (const part of rendered.parts) expect(part.tokens).toBeGreaterThan(5);
    const sum = rendered.parts.reduce((n, p) => n + p.tokens, 0);
    expect(Math.abs(rendered.tokens - sum)).toBeLessThan(rendered.parts.length * 3);
  });

  it('renders multi-line email bodies, Cc and attachments inside the tag', () => {
    const text = renderThread(multilineEmail.events).text;
    expect(text).toContain('Body: line one\n        line two');
    expect(text).toContain('Cc: Ops <ops@company.com>');
    expect(text).toContain('Attachments: a.pdf (application/pdf, 10 bytes)');
    expect(text).toContain('Previous Thread:\n        - from: "sarah@company.com"\n          body: "earlier"');
  });
});

describe('renderContext', () => {
  it('is the same text as renderThread, without counting tokens', () => {
    expect(renderContext(seedThread3.events, seedOptions)).toBe(renderThread(seedThread3.events, seedOptions).text);
  });
});

describe('a human’s retry', () => {
  it('#9.5: renders as a short tag, so the model knows a human asked to try again', () => {
    expect(renderContext(retried.events)).toBe(`${example1}\n\n<retry_requested>\n    by: "alex@company.com"\n    message: "try again"\n</retry_requested>`);
  });
});
