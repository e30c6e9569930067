import type { GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { Context } from '../context';

/** What metrics and traces say of one finished GraphQL operation. */
export interface OperationSummary {
  /** The operation's name once it resolved; `anonymous` without one; `unknown` when it never resolved. */
  readonly name: string;
  /** `query`, `mutation`, `subscription`, or `unknown`. */
  readonly type: string;
  /** The first error's `extensions.code`, or `ok`. */
  readonly outcome: string;
}

/** Codes are the server's own (ErrorCode, Apollo's); anything else is not trusted as a label. */
const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

export function summarize(requestContext: GraphQLRequestContextWillSendResponse<Context>): OperationSummary {
  const { operation, operationName, response } = requestContext;
  const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
  const code = errors?.[0]?.extensions?.code;
  return {
    name: operation ? (operationName ?? 'anonymous') : 'unknown',
    type: operation?.operation ?? 'unknown',
    outcome: errors?.length ? (typeof code === 'string' && CODE.test(code) ? code : 'INTERNAL_SERVER_ERROR') : 'ok',
  };
}

/**
 * A label whose values come from clients (operation names) or from code that builds names (statement
 * names): the first `cap` distinct values are kept, later ones become `other`, so a client sending a
 * new operation name with every request cannot grow the metrics without bound.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly cap: number) {}

  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.cap) return 'other';
    this.seen.add(value);
    return value;
  }
}

/** The outcome of a statement or transaction: `ok`, or its error's code (Neo4j's, the driver's, ours). */
export function statementOutcome(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[\w.]{1,100}$/.test(code) ? code : 'error';
}
