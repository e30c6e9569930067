import type { EagerResult } from 'neo4j-driver';
import { Executor, type NamedQuery } from './executor';

/** The part of a PROFILE plan this file reads (the driver types it as a generic plan). */
interface ProfiledPlan {
  readonly dbHits: number;
  readonly children: readonly ProfiledPlan[];
}

function totalDbHits(plan: ProfiledPlan): number {
  return plan.children.reduce((sum, child) => sum + totalDbHits(child), plan.dbHits);
}

/**
 * An Executor that runs every single statement under PROFILE and adds up its db hits (the benchmark's
 * measure of work; slower, so never used to serve requests). Statements inside explicit transactions
 * are not profiled.
 */
export class ProfilingExecutor extends Executor {
  dbHits = 0;

  protected override async send(query: NamedQuery, params: Record<string, unknown>, routing: 'READ' | 'WRITE', timeoutMs: number): Promise<EagerResult> {
    const result = await super.send({ name: query.name, cypher: `PROFILE ${query.cypher}` }, params, routing, timeoutMs);
    const plan: ProfiledPlan | false = result.summary.profile;
    if (plan) this.dbHits += totalDbHits(plan);
    return result;
  }
}
