// The Linear double's agent activities: `agentActivityCreate` and `agentActivity(id)`, checked as Linear documents
// the content (a body for thought / elicitation / response / error; action and parameter for an action), recorded
// per session, with a second create under a client-supplied id refused as Linear refuses it.
import { z } from 'zod';
import { argumentValidationError, WorkspaceError } from '../../../src/linear/local-workspace/workspace-error.js';
import { lazy } from './resolvers.js';

export interface RecordedActivity {
  id: string;
  agentSessionId: string;
  content: Record<string, unknown> & { type: string };
  /** Order of arrival across all sessions. */
  index: number;
}

export interface AgentActivityRecorder {
  /** Root fields for the double's GraphQL root. */
  readonly root: Record<string, unknown>;
  readonly all: readonly RecordedActivity[];
  bySession(sessionId: string): RecordedActivity[];
  /** Resolves with the first activity (already recorded or still to come) that matches. */
  when(match: (activity: RecordedActivity) => boolean): Promise<RecordedActivity>;
}

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

const body = z.string().min(1);
const content = z.discriminatedUnion('type', [
  z.object({ type: z.literal('thought'), body }),
  z.object({ type: z.literal('elicitation'), body }),
  z.object({ type: z.literal('response'), body }),
  z.object({ type: z.literal('error'), body }),
  z.object({ type: z.literal('action'), action: z.string().min(1), parameter: z.string(), result: z.string().optional() }),
]);

const createArgs = z.object({
  input: z.object({
    agentSessionId: z.string().min(1),
    content: z.record(z.string(), z.unknown()),
    id: z.string().nullish(),
    ephemeral: z.boolean().nullish(),
    signal: z.string().nullish(),
  }),
});

function notFound(): WorkspaceError {
  return new WorkspaceError(
    {
      message: 'Entity not found: AgentActivity',
      extensions: { code: 'INPUT_ERROR', type: 'invalid input', userError: true, userPresentableMessage: 'Could not find referenced AgentActivity.' },
    },
    200,
  );
}

export function agentActivityRecorder(): AgentActivityRecorder {
  const all: RecordedActivity[] = [];
  const waiting: { match: (a: RecordedActivity) => boolean; resolve: (a: RecordedActivity) => void }[] = [];
  let lastSyncId = 5000;

  const node = (a: RecordedActivity) => ({ id: a.id, content: a.content, agentSession: { id: a.agentSessionId } });

  const root = {
    agentActivityCreate: lazy((args) => {
      const parsed = createArgs.safeParse(args);
      if (!parsed.success) throw argumentValidationError(`input: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      const { input } = parsed.data;
      const checked = content.safeParse(input.content);
      if (!checked.success) throw argumentValidationError(`content: ${checked.error.issues[0]?.message ?? 'invalid'}`);
      if (input.id != null && !uuidV4.test(input.id)) throw argumentValidationError('id must be a UUID v4.');
      const id = input.id ?? crypto.randomUUID();
      if (all.some((a) => a.id === id)) throw argumentValidationError('An agent activity with this id already exists.');
      const recorded: RecordedActivity = { id, agentSessionId: input.agentSessionId, content: { ...input.content, type: checked.data.type }, index: all.length };
      all.push(recorded);
      for (const w of [...waiting]) {
        if (w.match(recorded)) {
          waiting.splice(waiting.indexOf(w), 1);
          w.resolve(recorded);
        }
      }
      return { success: true, lastSyncId: ++lastSyncId, agentActivity: node(recorded) };
    }),
    agentActivity: lazy((args) => {
      const { id } = z.object({ id: z.string() }).parse(args);
      const found = all.find((a) => a.id === id);
      if (found === undefined) throw notFound();
      return node(found);
    }),
  };

  return {
    root,
    all,
    bySession: (sessionId) => all.filter((a) => a.agentSessionId === sessionId),
    when(match) {
      const found = all.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiting.push({ match, resolve }));
    },
  };
}
