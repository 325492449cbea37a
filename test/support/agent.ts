// The real workspace agent in this process, for coderd tests that need an agent attached
// (src/coderd may not import src/agent; test fixtures may).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, type AgentOptions } from '../../src/agent/agent.js';
import { nopLogger } from '../../src/sdk/logger.js';

export type TestAgent = Agent & AsyncDisposable;

/** Starts an agent against `url` with `token` (and `opts`) and waits for its manifest. */
export async function startAgent(
  url: string,
  token: string,
  opts: Partial<AgentOptions> = {},
): Promise<TestAgent> {
  const agent = new Agent({
    url: new URL(url),
    token,
    logger: nopLogger,
    maxBackoffMs: 200,
    stateDir: await mkdtemp(path.join(tmpdir(), 'hangar-agent-state-')),
    ...opts,
  });
  agent.start();
  await agent.ready();
  return Object.assign(agent, { [Symbol.asyncDispose]: () => agent.close() });
}
