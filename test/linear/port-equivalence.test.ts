// The local workspace answers exactly what the SDK adapter answers over the Linear double: the same script of calls
// against both, results and failures compared whole (time is fixed, ids derive from the same idempotency keys).
import { afterEach, describe, expect, it } from 'vitest';
import { LinearError } from '../../src/linear/linear-error.js';
import type { LinearPort } from '../../src/linear/linear-port.js';
import { fixedClock, openLocal, openSdkOverDouble, type PortUnderTest, type SdkUnderTest } from './fixtures.js';

type Step = [label: string, call: (linear: LinearPort) => Promise<unknown>];

const once = (key: string) => ({ idempotencyKey: key });

const script: Step[] = [
  ['list teams', (l) => l.listTeams()],
  ['list users', (l) => l.listUsers()],
  ['list OPS users', (l) => l.listUsers({ teamId: 'OPS' })],
  ['list unknown team users', (l) => l.listUsers({ teamId: 'Facilities' })],
  ['list states', (l) => l.listWorkflowStates()],
  ['list ENG states', (l) => l.listWorkflowStates({ teamId: 'Engineering' })],
  ['list labels', (l) => l.listLabels()],
  ['list MKT labels', (l) => l.listLabels({ teamId: 'mkt' })],
  ['search words', (l) => l.searchIssues({ query: 'badge reader loading dock' })],
  ['search filters', (l) => l.searchIssues({ teamId: 'ENG', assigneeId: 'alex@company.com' })],
  ['search unknown person', (l) => l.searchIssues({ assigneeId: 'Zed' })],
  ['get issue', (l) => l.getIssue('ENG-119')],
  ['get missing issue', (l) => l.getIssue('ENG-9999')],
  ['create with a bad team id', (l) => l.createIssue({ title: 'Restock fridges', teamId: 'team_supply_maintenance' }, once('a'))],
  ['create', (l) => l.createIssue({ title: 'Restock fridges with drinks', teamId: 'OPS', assigneeId: 'Austin', labelIds: ['Supplies'] }, once('b'))],
  ['create again', (l) => l.createIssue({ title: 'Restock fridges with drinks', teamId: 'OPS' }, once('b'))],
  ['create with a state of another team', (l) => l.createIssue({ title: 'x', teamId: 'MKT', stateId: 'In Review' }, once('c'))],
  ['update', (l) => l.updateIssue('OPS-42', { stateId: 'In Progress', priority: 3, description: 'Two crates of sparkling water.' }, once('d'))],
  ['update missing', (l) => l.updateIssue('OPS-4242', { labelIds: ['Bug'] }, once('e'))],
  ['comment', (l) => l.addComment('OPS-42', 'Picked up from the wholesaler.', once('f'))],
  ['comment again', (l) => l.addComment('OPS-42', 'Picked up from the wholesaler.', once('f'))],
  ['comments', (l) => l.getIssueComments('OPS-40', { limit: 1 })],
  ['comments of a missing issue', (l) => l.getIssueComments('OPS-4242')],
  ['get created issue', (l) => l.getIssue('OPS-42')],
  ['search created issue', (l) => l.searchIssues({ query: 'sparkling' })],
];

async function play(linear: LinearPort): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  for (const [label, call] of script) {
    try {
      results[label] = { ok: await call(linear) };
    } catch (error) {
      if (!LinearError.isInstance(error)) throw error;
      results[label] = { failed: error.toJSON() };
    }
  }
  return results;
}

describe('local workspace ≡ SDK adapter over the Linear double', () => {
  const opened: PortUnderTest[] = [];

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.close()));
  });

  it('answers the same script identically', async () => {
    const local = openLocal({ clock: fixedClock });
    const remote: SdkUnderTest = await openSdkOverDouble({ workspaceClock: fixedClock, clock: fixedClock });
    opened.push(local, remote);

    const viaLocal = await play(local.port);
    const viaSdk = await play(remote.port);
    for (const [label] of script) expect({ [label]: viaSdk[label] }).toEqual({ [label]: viaLocal[label] });

    expect(viaLocal['create with a bad team id']).toEqual({
      failed: { kind: 'invalid_input', message: 'invalid input: teamId must be a UUID.', retryable: false },
    });
    expect(remote.double.invalidRequests()).toEqual([]);
    expect(local.store.count('issues')).toBe(13);
    expect(remote.store.count('issues')).toBe(13);
  });
});
