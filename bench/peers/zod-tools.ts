// The scenario's tool specs as zod schemas, the idiomatic way to declare tools in both peers.
// `absent` picks how an optional field is spelled: LangChain takes `.optional()`; the OpenAI Agents SDK's strict
// tool schemas want every field present, so optional ones are `.nullable()` there (as its docs say).
import { z } from 'zod';
import type { Param } from '../scenarios/email-triage.js';

type Absent = 'optional' | 'nullable';

function field(param: Param, absent: Absent): z.ZodType {
  let schema: z.ZodType;
  switch (param.type) {
    case 'string':
      schema = z.string();
      break;
    case 'integer':
      schema = z.number();
      break;
    case 'array':
      schema = z.array(z.string());
      break;
    case 'object':
      schema = objectOf(param.properties, absent);
      break;
  }
  if (param.description !== undefined) schema = schema.describe(param.description);
  if (param.optional) schema = absent === 'optional' ? schema.optional() : schema.nullable();
  return schema;
}

export function objectOf(params: Readonly<Record<string, Param>>, absent: Absent): z.ZodObject {
  return z.object(Object.fromEntries(Object.entries(params).map(([name, p]) => [name, field(p, absent)])));
}
