import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type express from 'express';
import { GraphQLError } from 'graphql';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Caller } from '../auth';
import type { Config } from '../config';
import type { Context } from '../context';
import { ErrorCode } from '../errors';
import { costOf } from './limits';

/**
 * Per-client budgets, so that one client cannot take the capacity every client shares (the cost limit
 * of plugins/limits.ts bounds one request, not how many a client sends):
 * - request rate: requests per second, checked before the body is parsed;
 * - concurrent cost: the summed cost of the client's operations in flight, checked once the operation's
 *   cost is known and held until its response is sent.
 * A client is the verified credential's name, else the address (`clientOf`). Over either budget the
 * answer is HTTP 429 with `Retry-After` and the code RATE_LIMITED. A budget of 0 switches it off.
 *
 * A refusal is held `refusalHoldMs` (at most its Retry-After) before it is sent. A client that honours
 * Retry-After loses nothing by it; one that asks again at once - a flood - gets one refusal per held
 * connection per hold instead of one per round trip, so its refusals stop taking the CPU the other
 * clients' answers need. A held refusal costs a timer; a client that goes away cancels it.
 *
 * Both budgets live in this process's memory: behind a balancer, each instance gives a client its own
 * budget. A global budget across instances would need a shared store (rate-limiter-flexible's
 * RateLimiterRedis for the rate; a Redis counter with expiry for the cost in flight).
 */

type Budgets = Config['clientLimits'];

/** Per-client budgets (see Config['clientLimits']). */
export interface ClientLimits {
  /** Checks the request-rate budget before the body is parsed: over budget → 429 with Retry-After. */
  readonly middleware: express.RequestHandler;
  /** Holds the operation's cost against the client's concurrent-cost budget while it runs. */
  readonly plugin: ApolloServerPlugin<Context>;
}

/**
 * Who a request counts against for the per-client budgets: the verified credential's name, else the
 * address (behind a balancer, the one its forwarded header gives, as TRUST_PROXY allows). A credential
 * that failed authentication counts against the address, so wrong keys cannot mint fresh budgets.
 */
export function clientOf(caller: Caller | Error, req: express.Request): string {
  return clientAt(caller, req.ip);
}

/** `clientOf` for a caller at `address` (the subscription transports, which see no Express request). */
export function clientAt(caller: Caller | Error, address: string | undefined): string {
  return !(caller instanceof Error) && caller.name ? `caller:${caller.name}` : `address:${address ?? 'unknown'}`;
}

/**
 * The burst allowance: on top of its rate, a client may send this share of one second's budget once per
 * BURST_WINDOW_SECONDS (a page that fires a few requests at once is not refused for it).
 */
const BURST_SHARE = 0.5;
const BURST_WINDOW_SECONDS = 10;
/**
 * What a client refused for its cost in flight is told to wait: the operations it waits for are bounded
 * by the request deadline, but most answer well within a second.
 */
const CONCURRENT_RETRY_AFTER_SECONDS = 1;

/**
 * The rate is counted in slices of a tenth of a second (or one request's share of a second, when the
 * rate is below 10/s): a client at its budget is spread over the second instead of running a second's
 * budget at once at the start of each window, which is what made other clients' answers wait.
 */
const SLICES_PER_SECOND = 10;

/** `points` requests per second for each key, plus the burst allowance; null when switched off. */
export function rateLimiter(points: number, keyPrefix: string): BurstyRateLimiter | null {
  if (points === 0) return null;
  const perSlice = Math.ceil(points / SLICES_PER_SECOND);
  return new BurstyRateLimiter(
    new RateLimiterMemory({ keyPrefix, points: perSlice, duration: perSlice / points }),
    new RateLimiterMemory({ keyPrefix: `${keyPrefix}-burst`, points: Math.ceil(points * BURST_SHARE), duration: BURST_WINDOW_SECONDS }),
  );
}

function rateLimitedBody(message: string, limit: 'rate' | 'concurrentCost', retryAfterSeconds: number, details: Record<string, unknown> = {}) {
  return { message, extensions: { code: ErrorCode.RateLimited, limit, retryAfterSeconds, ...details } };
}

/** Runs `answer` after the refusal's hold (`retryAfterSeconds` caps it), or at once without one. */
function afterHold(holdMs: number, retryAfterSeconds: number, answer: () => void, onGone?: (cancel: () => void) => void): void {
  const ms = Math.min(holdMs, retryAfterSeconds * 1000);
  if (ms === 0) {
    answer();
    return;
  }
  const timer = setTimeout(answer, ms);
  onGone?.(() => clearTimeout(timer));
}

function rateMiddleware(budgets: Budgets, onRefused: () => void): express.RequestHandler {
  const anonymous = rateLimiter(budgets.rateAnonymous, 'rate-anonymous');
  const authenticated = rateLimiter(budgets.rateAuthenticated, 'rate-authenticated');
  return (req, res, next) => {
    // server.ts resolves the caller first: a Caller, or the Error of a credential that failed.
    const caller = res.locals.caller as Caller | Error;
    const isAuthenticated = !(caller instanceof Error) && caller.role !== 'anonymous';
    const limiter = isAuthenticated ? authenticated : anonymous;
    if (!limiter) {
      next();
      return;
    }
    limiter.consume(clientOf(caller, req)).then(
      () => next(),
      (rejection: unknown) => {
        if (!(rejection instanceof RateLimiterRes)) {
          next(rejection);
          return;
        }
        onRefused();
        const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        const rate = isAuthenticated ? budgets.rateAuthenticated : budgets.rateAnonymous;
        const answer = () => {
          res.setHeader('retry-after', String(retryAfterSeconds));
          res.status(429).json({
            errors: [rateLimitedBody(`Too many requests from this client (budget: ${rate} per second); retry after ${retryAfterSeconds} s`, 'rate', retryAfterSeconds)],
          });
        };
        // The body is left unread while the refusal is held; a client that closes the connection cancels it.
        afterHold(budgets.refusalHoldMs, retryAfterSeconds, answer, (cancel) => res.once('close', cancel));
      },
    );
  };
}

function concurrentCostPlugin(budgets: Budgets): ApolloServerPlugin<Context> {
  if (budgets.concurrentCostAnonymous === 0 && budgets.concurrentCostAuthenticated === 0) return {};
  /** The summed cost of each client's operations in flight; a client leaves the map when it reaches 0. */
  const inFlight = new Map<string, number>();
  const release = (client: string, cost: number) => {
    const left = (inFlight.get(client) ?? 0) - cost;
    if (left > 0) inFlight.set(client, left);
    else inFlight.delete(client);
  };
  return {
    async requestDidStart() {
      // One per operation (a batch's operations each get their own): what this operation holds.
      let held: { readonly client: string; readonly cost: number } | undefined;
      let refused = false;
      return {
        async didResolveOperation({ contextValue }) {
          const cost = costOf(contextValue);
          // No accepted cost: costLimitPlugin refused the operation or its variables do not coerce; nothing runs.
          if (cost === undefined) return;
          const budget = contextValue.caller.role === 'anonymous' ? budgets.concurrentCostAnonymous : budgets.concurrentCostAuthenticated;
          if (budget === 0) return;
          const { client } = contextValue;
          const running = inFlight.get(client) ?? 0;
          if (running + cost > budget) {
            const { message, extensions } = rateLimitedBody(
              `This client's operations in flight cost ${running}; this one (${cost}) would exceed its budget of ${budget}. Retry when they have finished`,
              'concurrentCost',
              CONCURRENT_RETRY_AFTER_SECONDS,
              { cost, inFlightCost: running, budget },
            );
            const headers = new HeaderMap([['retry-after', String(CONCURRENT_RETRY_AFTER_SECONDS)]]);
            refused = true;
            throw new GraphQLError(message, { extensions: { ...extensions, http: { status: 429, headers } } });
          }
          // Checked and held in one synchronous step: no other request of the client runs in between.
          inFlight.set(client, running + cost);
          held = { client, cost };
        },
        // Apollo calls willSendResponse for every request that got this far: answered, failed in
        // execution, or refused by another plugin's didResolveOperation.
        async willSendResponse() {
          if (refused) await new Promise<void>((resolve) => afterHold(budgets.refusalHoldMs, CONCURRENT_RETRY_AFTER_SECONDS, resolve));
          if (!held) return;
          release(held.client, held.cost);
          held = undefined;
        },
      };
    },
  };
}

/**
 * `onRefused` hears of every request refused for its rate (answered 429 before it reaches GraphQL, so
 * the operation metrics never see it; metrics count it there).
 */
export function createClientLimits(budgets: Budgets, onRefused: () => void = () => undefined): ClientLimits {
  return { middleware: rateMiddleware(budgets, onRefused), plugin: concurrentCostPlugin(budgets) };
}
