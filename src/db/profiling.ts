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
 * measure of work; slower, so never used to serve requests), and keeps the statements it sent
 * (`npm run profile:statements`). Statements inside explicit transactions are not profiled.
 */
export class ProfilingExecutor extends Executor {
  dbHits = 0;
  /** The statements sent, as written (without PROFILE), with their parameters. */
  readonly statements: { readonly cypher: string; readonly params: Record<string, unknown>; readonly routing: 'READ' | 'WRITE' }[] = [];

  protected override async send(query: NamedQuery, params: Record<string, unknown>, routing: 'READ' | 'WRITE', timeoutMs: number): Promise<EagerResult> {
    this.statements.push({ cypher: query.cypher, params, routing });
    const result = await super.send({ name: query.name, cypher: `PROFILE ${query.cypher}` }, params, routing, timeoutMs);
    const plan: ProfiledPlan | false = result.summary.profile;
    if (plan) this.dbHits += totalDbHits(plan);
    return result;
  }
}
