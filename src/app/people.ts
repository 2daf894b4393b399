// The PEOPLE setting: a JSON array mapping each channel's ids to one person, validated at startup, so approver rules
// and "the person's waiting thread" hold across email, Slack, SMS and Linear. APPROVALS_CHANNEL names where approvals go.
import { z } from 'zod';
import { createPeople, nobody, type Identity, type People } from '../core/people.js';
import type { RoutePolicy } from '../core/route.js';

/** Each field of a person in PEOPLE, and the channel whose ids it holds. */
const channelOfField = { email: 'email', slack: 'slack', phone: 'sms', linear: 'linear' } as const;

const fields = ['email', 'slack', 'phone', 'linear'] as const;

const personSchema = z
  .object({
    name: z.string().trim().min(1, 'each person needs a name'),
    email: z.email('email must be an email address').optional(),
    slack: z.string().regex(/^[UW][A-Z0-9]+$/, 'slack must be a Slack user id (U…)').optional(),
    phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'phone must be in E.164 form (+15551230000)').optional(),
    linear: z.uuid('linear must be a Linear user id (a UUID)').optional(),
  })
  .strict();

const peopleSchema = z.array(personSchema);

export function readPeople(env: Record<string, string | undefined>): People {
  const raw = env.PEOPLE?.trim();
  if (raw === undefined || raw === '') return nobody;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error('PEOPLE must be a JSON array, e.g. [{"name":"alice","email":"alice@example.com","slack":"U123","phone":"+15551230000"}]');
  }
  const parsed = peopleSchema.safeParse(json);
  if (!parsed.success) throw new Error(`PEOPLE is invalid:\n${z.prettifyError(parsed.error)}`);
  const names = parsed.data.map((p) => p.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new Error(`PEOPLE names ${twice} twice`);
  try {
    return createPeople(
      parsed.data.map((p) => ({
        name: p.name,
        identities: fields.flatMap((field): Identity[] => {
          const id = p[field];
          return id === undefined ? [] : [{ channel: channelOfField[field], id: field === 'email' ? id.toLowerCase() : id }];
        }),
      })),
    );
  } catch (error) {
    throw new Error(`PEOPLE is invalid: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The program's channels answer people; APPROVALS_CHANNEL, when set, must name one of them. */
export function readRouting(env: Record<string, string | undefined>, channelNames: readonly string[]): RoutePolicy {
  const channel = env.APPROVALS_CHANNEL?.trim();
  const channels = { channels: channelNames };
  if (channel === undefined || channel === '') return channels;
  if (!channelNames.includes(channel)) throw new Error(`APPROVALS_CHANNEL must be one of ${channelNames.join(', ')}; got ${channel}`);
  return { ...channels, approvalsChannel: channel };
}
