// The Linear double itself: it holds requests to Linear's schema, answers in Linear's shapes, and refuses to invent
// what it does not implement. Raw fetches here, so the wire format is what is tested.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalWorkspace, type LocalWorkspace } from '../../src/linear/local-workspace/local-workspace.js';
import { startLinearDouble, type LinearDouble } from '../support/linear-double/linear-double.js';
import { loadLinearSchema } from '../support/linear-double/linear-schema.js';
import { seedFile, seededTeam } from './fixtures.js';

let workspace: LocalWorkspace;
let double: LinearDouble;

beforeEach(async () => {
  workspace = createLocalWorkspace({ file: ':memory:', seedFile });
  double = await startLinearDouble({ workspace });
});

afterEach(async () => {
  expect(double.internalErrors).toEqual([]);
  await double.close();
  workspace.close();
});

async function post(query: string, variables: Record<string, unknown> = {}, authorization: string = double.apiKey) {
  const response = await fetch(double.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query, variables }),
  });
  const body: unknown = await response.json();
  return { status: response.status, headers: response.headers, body };
}

const createIssue = `mutation IssueCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { id identifier } } }`;

describe('Linear double', () => {
  it("answers a malformed team id with Linear's Argument Validation Error, exactly", async () => {
    const reply = await post(createIssue, { input: { title: 'Restock fridges', teamId: 'team_supply_maintenance' } });
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).toBe(
      '{"errors":[{"message":"Argument Validation Error","path":["issueCreate"],"extensions":{"code":"INVALID_INPUT","type":"invalid input","userError":true,"userPresentableMessage":"teamId must be a UUID."}}],"data":null}',
    );
  });

  it('answers an unknown issue with Entity not found', async () => {
    const reply = await post('query IssueById($id: String!) { issue(id: $id) { id } }', { id: 'OPS-999' });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      errors: [
        {
          message: 'Entity not found: Issue',
          path: ['issue'],
          extensions: { code: 'INPUT_ERROR', type: 'invalid input', userError: true, userPresentableMessage: 'Could not find referenced Issue.' },
        },
      ],
      data: null,
    });
  });

  it('creates with a client-supplied id and refuses the same id twice', async () => {
    const id = '3b0f6f0e-8a8c-4a53-9a41-0d6f0b4f3c21';
    const input = { id, title: 'Restock fridges', teamId: seededTeam('OPS').id };
    expect((await post(createIssue, { input })).body).toEqual({ data: { issueCreate: { success: true, issue: { id, identifier: 'OPS-42' } } } });
    const again = await post(createIssue, { input });
    expect(again.status).toBe(400);
    expect(JSON.stringify(again.body)).toContain('An issue with this id already exists.');
    expect(workspace.store.count('issues')).toBe(13);
  });

  it('requires the raw API key (no Bearer) and answers otherwise as Linear does', async () => {
    for (const authorization of ['', 'lin_api_wrong', `Bearer ${double.apiKey}`]) {
      const reply = await post('query { viewer { id } }', {}, authorization);
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ errors: [{ extensions: { code: 'AUTHENTICATION_ERROR', type: 'authentication error' } }] });
    }
  });

  it('rejects a document that does not validate against the schema, and records it as invalid', async () => {
    const reply = await post('query Broken { issue(id: "OPS-1") { id nonsenseField } }');
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      errors: [{ message: 'Cannot query field "nonsenseField" on type "Issue".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
    });
    expect(double.invalidRequests()).toHaveLength(1);
    expect(double.invalidRequests()[0]).toMatchObject({ operationName: 'Broken', valid: false, status: 400 });
  });

  it('records unparsable documents and variables of the wrong type as invalid too', async () => {
    await post('query {');
    await post('query IssueById($id: String!) { issue(id: $id) { id } }', { id: 42 });
    expect(double.invalidRequests().map((r) => r.validationErrors[0])).toEqual([
      'Syntax Error: Expected Name, found <EOF>.',
      'Variable "$id" got invalid value 42; String cannot represent a non string value: 42',
    ]);
  });

  it('answers a field it does not serve with an explicit error, not null', async () => {
    const reply = await post('query { issue(id: "OPS-40") { id branchName } }');
    expect(reply.body).toMatchObject({ errors: [{ message: 'linear double: Issue.branchName is not implemented' }] });
  });

  it('answers a filter it does not implement with an explicit error', async () => {
    const reply = await post('query { issues(first: 5, filter: { priority: { eq: 1 } }) { nodes { id } } }');
    expect(reply.body).toMatchObject({ errors: [{ message: expect.stringMatching(/^linear double: Query\.issues\(.*\) is not implemented$/) }] });
  });

  it('rate-limits like Linear: HTTP 400, RATELIMITED, reset in epoch milliseconds, until the reset', async () => {
    double.faults.next({ kind: 'ratelimit', resetInMs: 200 });
    const before = Date.now();
    const limited = await post('query { teams { nodes { id } } }');
    expect(limited.status).toBe(400);
    expect(limited.body).toMatchObject({ errors: [{ extensions: { code: 'RATELIMITED', type: 'ratelimited' } }] });
    expect(limited.headers.get('x-ratelimit-requests-remaining')).toBe('0');
    const reset = Number(limited.headers.get('x-ratelimit-requests-reset'));
    expect(reset).toBeGreaterThanOrEqual(before + 200);
    expect(reset).toBeLessThan(before + 1_000);
    expect((await post('query { teams { nodes { id } } }')).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, reset - Date.now() + 5)));
    expect((await post('query { teams { nodes { id } } }')).status).toBe(200);
  });

  it('sends the request budget headers on every response', async () => {
    const reply = await post('query { teams { nodes { key } } }');
    expect(reply.headers.get('x-ratelimit-requests-limit')).toBe('2500');
    expect(Number(reply.headers.get('x-ratelimit-requests-remaining'))).toBe(2499);
    expect(Number(reply.headers.get('x-ratelimit-requests-reset'))).toBeGreaterThan(Date.now());
  });

  it('fails clearly when the schema file is missing', () => {
    expect(() => loadLinearSchema('/nonexistent/schema.graphql')).toThrow(/Linear's GraphQL schema is missing at \/nonexistent\/schema\.graphql/);
  });
});
