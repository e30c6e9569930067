/**
 * The peer's HTTP server: @neo4j/graphql 7 over the same database, on the same stack as src/server.ts
 * (Apollo Server 5 + Express 5 through @as-integrations/express5, CORS, a JSON body limit), without
 * request logging. Nothing is written to the database: no `assertIndexesAndConstraints`, no
 * mutations in the schema (`extend schema @mutation(operations: [])`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { Neo4jGraphQL, type Neo4jGraphQLContext } from '@neo4j/graphql';
import cors from 'cors';
import express from 'express';
import type { Driver } from 'neo4j-driver';
import { peerTypeDefs } from './typeDefs';

export interface PeerServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`; GraphQL is served at `${url}/graphql`. */
  readonly url: string;
  /** Stops Apollo and the HTTP server; the caller owns the driver and the database. */
  stop(): Promise<void>;
}

/** Builds the peer's executable schema (validates the type definitions; needs no database). */
export async function buildPeerSchema(driver: Driver): Promise<import('graphql').GraphQLSchema> {
  return new Neo4jGraphQL({ typeDefs: peerTypeDefs, driver }).getSchema();
}

export async function startPeerServer(driver: Driver, database: string): Promise<PeerServer> {
  const schema = await buildPeerSchema(driver);
  const app = express();
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<Neo4jGraphQLContext>({
    schema,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
    includeStacktraceInErrorResponses: false,
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  await apollo.start();

  app.disable('x-powered-by');
  app.use(cors({ origin: '*' }));
  app.use(
    '/graphql',
    express.json({ limit: '256kb' }),
    expressMiddleware(apollo, {
      // The library runs every query on this driver, in a session on `database`.
      context: async () => ({ executionContext: driver, sessionConfig: { database } }),
    }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(0, '127.0.0.1', () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => {
      stopping ??= (async () => {
        await apollo.stop(); // the drain plugin closes the HTTP server
        if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      })();
      return stopping;
    },
  };
}
