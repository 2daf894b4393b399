// A reply that is not a step reaches the model as a short, specific reason (the agent's reading of its raw output),
// not a cut of BAML's parser dump. Through the real BAML runtime, the stub model and the loop.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { intents } from '../../src/agents/linear-assistant/steps.js';
import { startStubLlm, type StubLlm, type StubReply } from '../support/stub-llm.js';
import { loopHarness, threadPart, type Harness } from '../loop/harness.js';

let llm: StubLlm;
let h: Harness | undefined;
beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());
afterEach(async () => {
  expect(llm.scriptErrors).toEqual([]);
  await h?.close();
  h = undefined;
  llm.reset();
});

async function rejectedReason(reply: StubReply): Promise<{ reason: string; nextPrompt: string }> {
  h = await loopHarness(llm, {});
  llm.script(reply, { intent: 'done_for_now', message: 'ok' });
  const id = await h.start('make an issue about the printer');
  await h.run(id);
  const rejected = (await h.thread(id)).events.filter((e) => e.type === 'step_rejected');
  expect(rejected).toHaveLength(1);
  const reason = rejected[0]?.type === 'step_rejected' ? rejected[0].data.reason : '';
  return { reason, nextPrompt: threadPart(llm.requests[1]?.prompt ?? '') };
}

const shown = (reason: string) => `<error>\n    your last reply was not a valid next step: ${reason}\n</error>`;

describe('#9.8 the model is told what was wrong with its reply', () => {
  it('#9.8a: garbage → "no JSON object in the reply"', async () => {
    const { reason, nextPrompt } = await rejectedReason('Sure! I will make that issue for you right away.');
    expect(reason).toBe('no JSON object in the reply');
    expect(nextPrompt).toContain(shown(reason));
  });

  it('#9.8b: an unknown intent → the intent and the ones it accepts', async () => {
    const { reason, nextPrompt } = await rejectedReason({ intent: 'make_ticket', title: 'Printer' });
    expect(reason).toBe(`unknown intent "make_ticket"; use one of: ${intents.join(', ')}`);
    expect(reason).toContain('list_teams, list_users');
    expect(nextPrompt).toContain(shown(reason));
  });

  it('#9.8c: a missing field → "missing field issue.team_id"', async () => {
    const { reason, nextPrompt } = await rejectedReason({ intent: 'create_issue', issue: { title: 'Printer jams' } });
    expect(reason).toBe('invalid create_issue: missing field issue.team_id');
    expect(nextPrompt).toContain(shown(reason));
  });

  it('#9.8d: truncated JSON → "the reply was cut off"', async () => {
    const { reason, nextPrompt } = await rejectedReason('{"intent": "create_issue", "issue": {"title": "Printer');
    expect(reason).toBe('the reply was cut off before its JSON object was closed');
    expect(nextPrompt).toContain(shown(reason));
  });

  it('#9.8e: an empty reply → says it was empty and what is expected', async () => {
    const { reason, nextPrompt } = await rejectedReason('');
    expect(reason).toBe('the reply was empty; answer with one JSON object with an "intent"');
    expect(nextPrompt).toContain(shown(reason));
  });
});
