// The LinearPort contract against the local workspace (SQLite, in memory).
import { linearPortContract } from './linear-port-contract.js';
import { openLocal } from './fixtures.js';

linearPortContract('local workspace', async () => openLocal());
