import { createMemoryStore } from '../src/store-memory.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('the in-memory store', async () => createMemoryStore());
