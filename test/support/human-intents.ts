// The human intents the tests' stores and channels are given, as the composition root gives them the registry's:
// every agent these suites run asks and finishes like the Linear Assistant.
import { linearAssistantIntents } from '../../src/agents/linear-assistant/human-intents.js';
import type { HumanIntents } from '../../src/core/thread.js';

export const linearIntentsForEveryAgent = (_agent: string): HumanIntents => linearAssistantIntents;
