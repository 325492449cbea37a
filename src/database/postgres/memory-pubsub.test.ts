import { describe } from 'node:test';
import { MemoryPubsub } from './memory-pubsub.js';
import { pubsubCases } from './pubsub.case.js';

describe('MemoryPubsub', () => {
  pubsubCases(async () => {
    const pubsub = new MemoryPubsub();
    return { pubsub, dispose: () => pubsub.close() };
  });
});
