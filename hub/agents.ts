// Bridge between the hub and agents/: the job handlers that run agents, and the demo knowledge seed.
import type { ExtraHandlers } from './jobs/handlers';
import type { SeedKnowledge } from './seed/demo';

export const agentJobHandlers: ExtraHandlers = {};
export const seedDemoKnowledge: SeedKnowledge | undefined = undefined;
