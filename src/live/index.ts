import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { Repeater } from '@repeaterjs/repeater';
import type express from 'express';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { print as printSse } from 'graphql-sse';
import { createHandler as createSseHandler } from 'graphql-sse/lib/use/express';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import proxyAddr from 'proxy-addr';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Caller } from '../auth';
import type { Config } from '../config';
import type { Context, RequestInfo } from '../context';
import type { Executor } from '../db/executor';
import { AppError, BadRequestError, ErrorCode, LimitExceededError } from '../errors';
import type { Logger } from '../logger';
import { clientAt } from '../plugins/clientLimits';
import { formatErrorsFor } from '../plugins/errorReporting';
import { costRefusal, operationCost } from '../plugins/limits';
import { AuditFollower } from './follower';
import type { LiveSession } from './streams';

/**
 * The subscription transports: graphql-ws on the HTTP server's `/graphql` (WebSocket upgrade) and
 * graphql-sse at `/graphql/stream`. Both authenticate as HTTP does, count connections per client,
 * validate and cost each subscription like a query, and execute every event with a fresh context
 * (fresh loaders: an answer never comes from an earlier event's cache). Queries and mutations stay on
 * HTTP, where the per-client budgets and bookmarks apply.
 */

export interface LiveDeps {
  readonly schema: GraphQLSchema;
  readonly config: Config['subscriptions'];
  readonly limits: Config['limits'];
  readonly validationRules: readonly ValidationRule[];
  readonly trustProxy: Config['http']['trustProxy'];
  readonly authenticate: (headers: http.IncomingHttpHeaders) => Promise<Caller>;
  /** A context for one operation or one event. */
  readonly newContext: (request: RequestInfo) => Context;
  /** Reads the audit trail for the follower and for subscribers catching up (no request deadline). */
  readonly db: Executor;
  readonly log: Logger;
}

export interface Live {
  /** `/graphql/stream`: the SSE transport (after authentication and the connection count). */
  readonly sse: express.RequestHandler;
  readonly follower: AuditFollower;
  /** Accepts graphql-ws upgrades on `/graphql`. */
  attach(httpServer: http.Server): void;
  /**
   * Open connections (both transports) and subscriptions, and the most changes that ever waited for one
   * subscriber (bounded by SUBSCRIPTION_BUFFER), for metrics and tests.
   */
  stats(): LiveStats;
  /** Closes every connection (1001 Going away) and stops following. */
  close(): Promise<void>;
}

export interface LiveStats {
  readonly connections: number;
  readonly subscriptions: number;
  readonly mostWaiting: number;
  /** Connections dropped for not keeping up. */
  readonly drops: number;
}

/** Close code for a subscriber dropped for not keeping up (RFC 6455 1008: policy violation). */
export const SLOW_CONSUMER_CLOSE = 1008;
/** Close code for a client over CONNECTIONS_PER_CLIENT (graphql-ws uses 4429 for "too many"). */
export const TOO_MANY_CONNECTIONS_CLOSE = 4429;
/** How long a dropped SSE subscriber's response may take to flush before its socket is destroyed. */
const SSE_DROP_GRACE_MS = 5_000;
const MAX_CLOSE_REASON_BYTES = 123;

interface Subscribe {
  readonly query?: unknown;
  readonly operationName?: unknown;
  readonly variables?: unknown;
}

/** graphql-sse wants a context it can index. */
type SseContext = Context & Record<PropertyKey, unknown>;

/** The connection (one WebSocket, or one SSE stream) a subscription belongs to. */
interface Connection {
  readonly caller: Caller;
  readonly client: string;
  readonly live: LiveSession;
  release(): void;
}

/** Counts the open connections of each client. */
class ConnectionCounts {
  private readonly counts = new Map<string, number>();
  total = 0;

  constructor(private readonly max: number) {}

  /** Takes one of `client`'s connections; returns the release, or null when it holds the maximum. */
  acquire(client: string): (() => void) | null {
    const held = this.counts.get(client) ?? 0;
    if (held >= this.max) return null;
    this.counts.set(client, held + 1);
    this.total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      const left = (this.counts.get(client) ?? 1) - 1;
      if (left === 0) this.counts.delete(client);
      else this.counts.set(client, left);
    };
  }
}

function closeReason(message: string): string {
  return Buffer.byteLength(message) <= MAX_CLOSE_REASON_BYTES ? message : `${Buffer.from(message).subarray(0, MAX_CLOSE_REASON_BYTES - 3).toString()}...`;
}

/** Credentials from graphql-ws connection parameters (any letter case), else the upgrade request's headers. */
function credentialHeaders(params: Readonly<Record<string, unknown>> | undefined, headers: http.IncomingHttpHeaders): http.IncomingHttpHeaders {
  const fromParams: http.IncomingHttpHeaders = {};
  for (const [key, value] of Object.entries(params ?? {})) {
    const name = key.toLowerCase();
    if ((name === 'authorization' || name === 'x-api-key') && typeof value === 'string') fromParams[name] = value;
  }
  if (fromParams.authorization !== undefined || fromParams['x-api-key'] !== undefined) return fromParams;
  return { ...(headers.authorization ? { authorization: headers.authorization } : {}), ...(headers['x-api-key'] ? { 'x-api-key': headers['x-api-key'] } : {}) };
}

/** An application error as GraphQL reports it outside a resolver (no path for formatting to unwrap). */
function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (error instanceof AppError) return new GraphQLError(error.message, { extensions: { code: error.code, ...error.details } });
  const original = error instanceof Error ? error : new Error(String(error));
  return new GraphQLError(original.message, { originalError: original });
}

export function createLive(deps: LiveDeps): Live {
  const { schema, config, log } = deps;
  const follower = new AuditFollower({ db: deps.db, pollMs: config.pollMs, log });
  const connections = new ConnectionCounts(config.connectionsPerClient);
  const rules = [...specifiedRules, ...deps.validationRules];
  const trust = trustFunction(deps.trustProxy);
  let subscriptions = 0;
  let mostWaiting = 0;
  let drops = 0;
  /** How to end every open stream of every connection (on close). */
  const everyStream = new Set<() => void>();
  let closing: Promise<void> | undefined;
  /** A connection's session: `close` closes the transport once, after every stream of it has ended. */
  const session = (close: (reason: string) => void): LiveSession => {
    const streams = new Set<() => void>();
    let dropped = false;
    return {
      follower,
      db: deps.db,
      buffer: config.buffer,
      noteWaiting: (count) => {
        mostWaiting = Math.max(mostWaiting, count);
      },
      dropSlowConsumer: (reason) => {
        if (dropped) return;
        dropped = true;
        drops += 1;
        log.warn({ reason }, 'subscriber dropped');
        for (const end of [...streams]) end();
        close(reason);
      },
      track: (end) => {
        if (dropped || closing) end();
        streams.add(end);
        everyStream.add(end);
        return () => {
          streams.delete(end);
          everyStream.delete(end);
        };
      },
    };
  };

  /** Parses, validates and costs a subscription; returns the arguments to run it with, or the errors. */
  function prepare(payload: Subscribe, connection: Connection): (ExecutionArgs & { contextValue: Context }) | GraphQLError[] {
    if (typeof payload.query !== 'string') return [asGraphQLError(new BadRequestError('A subscription needs a "query" string'))];
    const operationName = typeof payload.operationName === 'string' ? payload.operationName : undefined;
    const variables = payload.variables && typeof payload.variables === 'object' ? (payload.variables as Record<string, unknown>) : {};
    let document: DocumentNode;
    try {
      document = parse(payload.query, { maxTokens: deps.limits.maxTokens });
    } catch (error) {
      return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
    }
    const invalid = validate(schema, document, rules);
    if (invalid.length > 0) return [...invalid];
    const operation = getOperationAST(document, operationName);
    if (!operation) return [asGraphQLError(new BadRequestError('The document has no operation of that name (or several without operationName)'))];
    if (operation.operation !== 'subscription') {
      return [asGraphQLError(new BadRequestError(`Only subscriptions are served here; send ${operation.operation === 'query' ? 'queries' : 'mutations'} to POST /graphql`))];
    }
    let cost = 0;
    try {
      cost = operationCost(schema, document, operationName, variables);
    } catch (error) {
      // Variables that do not coerce: execution refuses them with BAD_USER_INPUT.
      if (!(error instanceof GraphQLError)) throw error;
    }
    const refusal = costRefusal(cost, connection.caller, deps.limits);
    if (refusal) return [refusal];
    const contextValue = deps.newContext({ requestId: randomUUID(), caller: connection.caller, client: connection.client, live: connection.live, ...(operationName ? { operationName } : {}) });
    return { schema, document, operationName, variableValues: variables, contextValue };
  }

  /**
   * `subscribe` for both transports: graphql-js's, but every event is executed with a fresh context,
   * and a source that fails (a slow consumer, the database gone) ends the stream with that error as its
   * last result instead of tearing the connection down.
   */
  async function subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return source;
    const base = args.contextValue as Context;
    let events = 0;
    // (The executor runs on the transport's first read: a stream never read is never counted.)
    return new Repeater<ExecutionResult>(async (push, stop) => {
      subscriptions += 1;
      // Ending the source early; a source that failed rejects here with the error already reported.
      void stop.then(() => (source as AsyncIterableIterator<unknown>).return?.()).catch(() => undefined);
      // A dropped connection ends this stream too, even while a result waits for the transport.
      const untrack = base.live?.track(() => stop());
      try {
        for await (const payload of source) {
          events += 1;
          const contextValue = deps.newContext({ requestId: `${base.requestId}.${events}`, caller: base.caller, client: base.client, ...(base.live ? { live: base.live } : {}) });
          await push(await execute({ ...args, rootValue: payload, contextValue }));
        }
      } catch (error) {
        await push({ errors: [asGraphQLError(error)] });
      } finally {
        untrack?.();
        subscriptions -= 1;
      }
      stop();
    });
  }

  /** Where errors of subscriptions refused before they run are logged from (no request context yet). */
  const refusals = { log, requestId: 'subscribe' };
  const format = (context: unknown, result: ExecutionResult): FormattedExecutionResult => {
    const { errors, ...rest } = result;
    return errors ? { ...rest, errors: formatErrorsFor(context as Context, errors) } : rest;
  };

  // ----- graphql-ws -----
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const wsConnections = new WeakMap<object, Connection>();
  const wsServer = useServer<Record<string, unknown> | undefined, { socket: WebSocket; request: http.IncomingMessage }>(
    {
      schema,
      subscribe,
      onConnect: async (ctx) => {
        const { socket, request } = ctx.extra;
        let caller: Caller;
        try {
          caller = await deps.authenticate(credentialHeaders(ctx.connectionParams, request.headers));
        } catch (error) {
          socket.close(CloseCode.Forbidden, closeReason(error instanceof Error ? error.message : 'Forbidden'));
          return false;
        }
        const client = clientAt(caller, proxyAddr(request, trust));
        const release = connections.acquire(client);
        if (!release) {
          socket.close(TOO_MANY_CONNECTIONS_CLOSE, closeReason(`Too many connections for this client (at most ${config.connectionsPerClient})`));
          return false;
        }
        const live = session((reason) => socket.close(SLOW_CONSUMER_CLOSE, closeReason(reason)));
        wsConnections.set(ctx, { caller, client, live, release });
        return true;
      },
      onSubscribe: (ctx, _id, payload) => {
        const connection = wsConnections.get(ctx);
        if (!connection) return [asGraphQLError(new BadRequestError('The connection is not initialised'))];
        if (Object.keys(ctx.subscriptions).length > config.perConnection) {
          return [asGraphQLError(new LimitExceededError(`At most ${config.perConnection} subscriptions per connection`, 'subscriptionsPerConnection', config.perConnection))];
        }
        return prepare(payload, connection);
      },
      onNext: (_ctx, _id, _payload, args, result) => format(args.contextValue, result),
      onError: (_ctx, _id, _payload, errors) => formatErrorsFor(refusals, errors),
      onClose: (ctx) => {
        wsConnections.get(ctx)?.release();
        wsConnections.delete(ctx);
      },
    },
    wss,
  );

  // ----- graphql-sse (distinct connections: one stream per subscription) -----
  const sseConnections = new WeakMap<express.Request, Connection>();
  const streams = new Set<http.ServerResponse>();
  const sseHandler = createSseHandler<SseContext>({
    schema,
    subscribe,
    onSubscribe: (req, params) => {
      const connection = sseConnections.get(req.raw);
      if (!connection) return [JSON.stringify({ errors: [{ message: 'Not authenticated', extensions: { code: 'UNAUTHENTICATED' } }] }), { status: 401, statusText: 'Unauthorized' }];
      const prepared = prepare(params, connection);
      if (Array.isArray(prepared)) {
        const body = JSON.stringify({ errors: formatErrorsFor(refusals, prepared) });
        return [body, { status: 400, statusText: 'Bad Request', headers: { 'content-type': 'application/json; charset=utf-8' } }];
      }
      return prepared as ExecutionArgs & { contextValue: SseContext };
    },
    onNext: async (ctx, req, result) => {
      // Backpressure: wait while the socket cannot take more, so a slow reader holds up its own stream
      // (and overflows its buffer, live/streams.ts) instead of growing graphql-sse's queue.
      const socket = req.context.res.socket;
      if (socket?.writableNeedDrain) await drained(socket);
      // graphql-sse serialises whatever it is given; the formatted errors are already plain JSON.
      return format(ctx, result as ExecutionResult) as ExecutionResult;
    },
  });

  const sse: express.RequestHandler = async (req, res, next) => {
    let caller: Caller;
    try {
      caller = await deps.authenticate(req.headers);
    } catch (error) {
      res.status(401).json({ errors: [{ message: error instanceof Error ? error.message : 'Unauthorized', extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    const client = clientAt(caller, req.ip);
    const release = connections.acquire(client);
    if (!release) {
      res
        .status(429)
        .json({ errors: [{ message: `Too many connections for this client (at most ${config.connectionsPerClient})`, extensions: { code: 'RATE_LIMITED', limit: 'connectionsPerClient', max: config.connectionsPerClient } }] });
      return;
    }
    streams.add(res);
    res.once('close', () => {
      release();
      streams.delete(res);
    });
    // A dropped stream gets the reason as its last result, then ends; a reader that takes no more is cut off.
    const live = session((reason) => {
      if (res.writable) {
        const error = new GraphQLError(reason, { extensions: { code: ErrorCode.SlowConsumer, limit: config.buffer } });
        res.end(`${printSse({ event: 'next', data: { errors: [error] } })}${printSse({ event: 'complete', data: null })}`);
      }
      setTimeout(() => res.destroy(), SSE_DROP_GRACE_MS).unref();
    });
    sseConnections.set(req, { caller, client, live, release });
    try {
      await sseHandler(req, res);
    } catch (error) {
      next(error);
    }
  };

  return {
    sse,
    follower,
    attach: (httpServer) => {
      httpServer.on('upgrade', (request: http.IncomingMessage, socket: Socket, head: Buffer) => {
        if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/graphql') {
          socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
          return;
        }
        wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
      });
    },
    stats: () => ({ connections: connections.total, subscriptions, mostWaiting, drops }),
    close: () => {
      closing ??= (async () => {
        for (const end of [...everyStream]) end();
        follower.close();
        for (const stream of streams) stream.end();
        await wsServer.dispose();
      })();
      return closing;
    },
  };
}

/** TRUST_PROXY as Express applies it, for the WebSocket upgrade requests Express never sees. */
function trustFunction(trustProxy: Config['http']['trustProxy']): (address: string, hop: number) => boolean {
  if (typeof trustProxy === 'boolean') return () => trustProxy;
  if (typeof trustProxy === 'number') return (_address, hop) => hop < trustProxy;
  return proxyAddr.compile(trustProxy.split(',').map((part) => part.trim()));
}

/** Resolves when `socket` can take more data, or is gone. */
function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
  });
}
