// The OpenAPI document for /v1, generated from the same zod schemas the routes validate with.
import { z } from 'zod';
import * as s from './schemas.js';
import { divergenceReportSchema, replayBody, replayResponse } from './routes/replay.js';

const json = (schema: z.ZodType) => ({ 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } });
const error = (description: string) => ({ description, content: json(s.errorBody) });
const notJson = error('The body is not Content-Type: application/json');
const notLocal = error('Without API_TOKEN: the Host is not a loopback name, or the Origin is a foreign web page');
const threadId = { name: 'id', in: 'path', required: true, schema: z.toJSONSchema(s.threadIdParam) };

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Hardway', version: '1', description: 'Launch, inspect, pause and resume agent threads.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: {
      '/v1/threads': {
        post: {
          summary: 'Launch a thread',
          requestBody: { required: true, content: json(s.launchBody) },
          responses: { 202: { description: 'Queued', content: json(s.launchResponse) }, 400: error('Malformed body'), 401: error('Bad token'), 403: notLocal, 413: error('Too large'), 415: notJson },
        },
        get: {
          summary: 'List threads',
          parameters: Object.entries(z.toJSONSchema(s.listQuery).properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
          responses: { 200: { description: 'A page of threads', content: json(s.threadList) }, 400: error('Bad query'), 401: error('Bad token') },
        },
      },
      '/v1/threads/{id}': {
        get: { summary: 'A thread with its events', parameters: [threadId], responses: { 200: { description: 'The thread', content: json(s.threadDetail) }, 404: error('Unknown thread') } },
      },
      '/v1/threads/{id}/context': {
        get: { summary: 'The exact text the model saw at each step', parameters: [threadId], responses: { 200: { description: 'Contexts', content: json(s.contextList) }, 404: error('Unknown thread') } },
      },
      '/v1/threads/{id}/steps/{seq}/prompt': {
        get: {
          summary: 'The exact request body a model step sent (rebuilt from its stored delta, its sha256 checked)',
          parameters: [threadId, { name: 'seq', in: 'path', required: true, schema: z.toJSONSchema(s.seqParam, { io: 'input' }) }],
          responses: { 200: { description: 'The prompt', content: json(s.stepPrompt) }, 400: error('Bad seq'), 401: error('Bad token'), 404: error('Unknown thread or no prompt at that seq') },
        },
      },
      '/v1/threads/{id}/replay': {
        post: {
          summary: 'Fork the thread at from_seq and run the fork again (mutations held back unless live); wait for its report or read it later',
          parameters: [threadId],
          requestBody: { required: true, content: json(replayBody) },
          responses: { 200: { description: 'Finished (wait: true)', content: json(replayResponse) }, 202: { description: 'Started', content: json(replayResponse) }, 400: error('Malformed body or seq'), 401: error('Bad token'), 403: notLocal, 404: error('Unknown thread'), 415: notJson },
        },
      },
      '/v1/threads/{id}/divergence': {
        get: { summary: 'How a fork’s steps compare with its original’s after the fork point', parameters: [threadId], responses: { 200: { description: 'The report', content: json(divergenceReportSchema) }, 404: error('Not a replay') } },
      },
      '/v1/threads/{id}/responses': {
        post: {
          summary: 'Resume a paused thread with a response or an approval, or retry a failed or escalated one',
          parameters: [threadId],
          requestBody: { required: true, content: json(s.responseBody) },
          responses: { 202: { description: 'Queued' }, 400: error('Malformed body'), 403: notLocal, 404: error('Unknown thread'), 409: error('The thread is not waiting for that kind of answer'), 415: notJson },
        },
      },
    },
  };
}
