// The Triage Assistant's approval policy and step parsing, over threads as the Linear channel's Issue webhook opens
// them: what is applied at once, and what waits for a human.
import { describe, expect, it } from 'vitest';
import { defaultTriagePolicy, triageApprovalFor } from '../../../src/agents/triage-assistant/policies.js';
import { parseTriageStep, type TriageStep } from '../../../src/agents/triage-assistant/steps.js';
import type { ThreadEvent } from '../../../src/core/events.js';
import type { Thread } from '../../../src/core/thread.js';

function thread(assigneeId: string | null, more: ThreadEvent[] = []): Thread {
  const opening = {
    id: 'e1',
    seq: 1,
    at: '2026-12-01T09:00:00.000Z',
    type: 'message_received',
    data: { channel: 'linear', from: 'user-alex', text: 'New issue OPS-50: The fridge is empty', meta: { issueCreated: { id: 'issue-50', identifier: 'OPS-50', updatedAt: '2026-12-01T09:00:00.000Z', assigneeId } } },
  } as unknown as ThreadEvent;
  return { id: 't1', agent: 'triage-assistant', events: [opening, ...more] } as unknown as Thread;
}

function step(value: Record<string, unknown>): TriageStep {
  const parsed = parseTriageStep(value);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.step;
}

const approvalFor = triageApprovalFor(defaultTriagePolicy);

describe('Triage Assistant policy', () => {
  it('labels and priority on the issue being triaged are applied without approval', () => {
    expect(approvalFor(step({ intent: 'apply_triage', issue_id: 'OPS-50', label_ids: ['Bug'], priority: 2, reasons: 'a bug' }), thread(null))).toBeUndefined();
  });

  it('changing an assignee already set is a reassignment and waits for approval, whatever the assign setting', () => {
    const reassign = step({ intent: 'apply_triage', issue_id: 'OPS-50', assignee_id: 'user-bo', reasons: 'Bo owns it' });
    expect(approvalFor(reassign, thread('user-al'))?.policy).toBe('reassigns an issue');
    expect(triageApprovalFor({ assign: false })(reassign, thread('user-al'))?.policy).toBe('reassigns an issue');
    expect(triageApprovalFor({ assign: false })(reassign, thread(null))).toBeUndefined();
  });

  it('marking a duplicate, or writing to another issue than the webhook\'s, waits for approval', () => {
    expect(approvalFor(step({ intent: 'apply_triage', issue_id: 'issue-50', duplicate_of: 'OPS-7', reasons: 'same fridge' }), thread(null))?.policy).toBe('marks it a duplicate');
    expect(approvalFor(step({ intent: 'add_comment', issue_id: 'OPS-51', body: 'Triaged.' }), thread(null))?.policy).toBe('writes to OPS-51, not the issue being triaged');
  });

  it('after a write failed because a human changed the issue, every later write waits for a human', () => {
    const failed = { id: 'e2', seq: 2, at: '2026-12-01T09:00:06.000Z', type: 'tool_failed', data: { callId: 'c1', intent: 'apply_triage', error: { kind: 'changed_by_human', message: 'changed', retryable: false } } } as unknown as ThreadEvent;
    expect(approvalFor(step({ intent: 'add_comment', issue_id: 'OPS-50', body: 'Triaged.' }), thread(null, [failed]))?.policy).toBe('a human changed the issue after the webhook');
    expect(approvalFor(step({ intent: 'search_issues', query: 'fridge' }), thread(null, [failed]))).toBeUndefined();
  });
});

describe('Triage Assistant steps', () => {
  it("BAML's nulls for absent fields are dropped before the schema reads them", () => {
    expect(parseTriageStep({ intent: 'apply_triage', issue_id: 'OPS-50', label_ids: ['Bug'], priority: null, assignee_id: null, duplicate_of: null, reasons: 'a bug' })).toEqual({
      ok: true,
      step: { intent: 'apply_triage', args: { issue_id: 'OPS-50', label_ids: ['Bug'], reasons: 'a bug' } },
    });
  });

  it('an apply_triage that changes nothing, or an unknown intent, is refused with a reason for the model', () => {
    expect(parseTriageStep({ intent: 'apply_triage', issue_id: 'OPS-50', reasons: 'nothing' })).toMatchObject({ ok: false, reason: expect.stringContaining('must change something') });
    expect(parseTriageStep({ intent: 'close_issue', issue_id: 'OPS-50' })).toMatchObject({ ok: false, reason: expect.stringContaining('unknown intent "close_issue"') });
  });
});
