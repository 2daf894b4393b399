// The seed's recovery scenario, the Linear Assistant's canonical story: an email asks for an issue for Austin; the
// model first names a team that does not exist, reads Linear's error, lists the teams and creates the issue once.
// Tests, the inspector's browser tests and `npm run screenshots` all play it; `emailThread` opens such a thread.
import { emailMessage } from '../../src/channels/email/email-received.js';
import { randomIds, type ThreadId } from '../../src/core/ids.js';
import type { ThreadStore } from '../../src/store/thread-store.js';
import type { StubReply } from './stub-llm/reply.js';

/** The seed workspace's Operations team and Austin Rivera. */
export const OPS = 'b511db11-63a9-4ebf-9fb1-54cf83124cbd';
export const AUSTIN = 'a4a754ef-677f-434d-91e8-79495f65740d';

export const SEED_TITLE = 'Restock fridges with tasty beers';
export const SEED_REQUEST = 'Can you make a new issue for Austin to restock the fridges with tasty beers?';

/** The model's four replies: the bad team id, list_teams, the right UUID, the answer. */
export function seedRecoveryReplies(): StubReply[] {
  const issue = { title: SEED_TITLE, description: 'Austin is requested to restock the fridges.', assignee_id: AUSTIN };
  return [
    { intent: 'create_issue', issue: { ...issue, team_id: 'team_supply_maintenance' } },
    { intent: 'list_teams' },
    { intent: 'create_issue', issue: { ...issue, team_id: OPS } },
    { intent: 'done_for_now', message: 'Created the issue for Austin.' },
  ];
}

/** A new thread opened by Alex's email saying `body`, stored as the email intake stores one; the worker runs it. */
export async function emailThread(store: Pick<ThreadStore, 'create'>, body: string): Promise<ThreadId> {
  const id = randomIds.threadId();
  await store.create({
    id,
    agent: 'linear-assistant',
    events: [
      {
        id: randomIds.eventId(),
        at: new Date().toISOString(),
        type: 'message_received',
        data: emailMessage({
          from: { address: 'alex@company.com', name: 'Alex Morgan' },
          to: [{ address: 'assistant@company.com' }],
          cc: [],
          subject: 'Fridges',
          body,
          fullBody: body,
          messageId: '<m1@company.com>',
          references: [],
          previousThread: [],
          attachments: [],
        }),
      },
    ],
  });
  return id;
}
