// Linear for this process: the real API when LINEAR_API_KEY is set, otherwise the local workspace, so a new
// user can run the assistant with no Linear account.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LinearPort } from '../linear/linear-port.js';
import { createLocalWorkspace } from '../linear/local-workspace/local-workspace.js';
import { createSdkLinear } from '../linear/sdk-adapter.js';
import type { AppConfig } from './config.js';

export interface LinearHandle {
  port: LinearPort;
  kind: string;
  close(): Promise<void>;
}

export async function openLinear(config: AppConfig['linear']): Promise<LinearHandle> {
  if (config.apiKey) {
    return { port: createSdkLinear({ apiKey: config.apiKey, ...(config.apiUrl ? { apiUrl: config.apiUrl } : {}) }), kind: 'linear', close: async () => {} };
  }
  if (config.workspaceFile !== ':memory:') mkdirSync(dirname(config.workspaceFile), { recursive: true });
  const workspace = createLocalWorkspace({ file: config.workspaceFile, seedFile: config.seedFile });
  return { port: workspace, kind: 'local workspace', close: async () => workspace.close() };
}
