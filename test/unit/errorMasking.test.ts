import { ApolloServer } from '@apollo/server';
import { GraphQLError, locatedError, type GraphQLFormattedError } from 'graphql';
import type { Context } from '../../src/context';
import { DecodeError, InvalidInputError, NotFoundError, ResourceLimitError, TimeoutError } from '../../src/errors';
import { errorReportingPlugin, maskUnexpectedErrors } from '../../src/plugins/errorReporting';

/**
 * Error masking (plugins/errorReporting.ts): what a client sees of an error. First `maskUnexpectedErrors`
 * on its own, with errors shaped as Apollo hands them to `formatError`; then inside a real ApolloServer
 * (no HTTP, no database) over a toy schema whose resolvers throw, with stack traces switched ON so the
 * masking, not the server option, is what removes them.
 */

const STACK = ['Error: boom', '    at resolver (src/resolvers/Query.ts:1:1)'];
const PATH = ['facility'];
const LOCATIONS = [{ line: 1, column: 3 }];

describe('maskUnexpectedErrors', () => {
  it("gives an application error thrown in a resolver its code, message and details, and no stack trace", () => {
    const original = new InvalidInputError([
      { field: 'input.id', message: 'an id of lower-case letters' },
      { field: 'input.status', message: 'unknown status' },
    ]);
    const formatted: GraphQLFormattedError = { message: 'Unexpected error.', path: PATH, locations: LOCATIONS, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: STACK } };
    const expected = {
      message: 'input.id: an id of lower-case letters; input.status: unknown status',
      path: PATH,
      locations: LOCATIONS,
      extensions: {
        code: 'BAD_USER_INPUT',
        field: 'input.id',
        problems: [
          { field: 'input.id', message: 'an id of lower-case letters' },
          { field: 'input.status', message: 'unknown status' },
        ],
      },
    };
    expect(maskUnexpectedErrors(formatted, new GraphQLError(original.message, { originalError: original, path: PATH }))).toEqual(expected);
    expect(maskUnexpectedErrors(formatted, locatedError(original, undefined, PATH))).toEqual(expected);
  });

  it.each([
    ['NotFoundError', new NotFoundError('Facility', 'fac-x'), { code: 'NOT_FOUND', id: 'fac-x' }, 'Facility "fac-x" does not exist'],
    ['TimeoutError', new TimeoutError(), { code: 'TIMEOUT' }, expect.stringMatching(/^The query took longer than the server allows/)],
    ['ResourceLimitError', new ResourceLimitError(), { code: 'RESOURCE_LIMIT', limit: 'transactionMemory' }, expect.stringMatching(/^The query needed more memory than the database allows/)],
  ])('maps a %s to its code and details', (_name, original, extensions, message) => {
    const result = maskUnexpectedErrors({ message: original.message, path: PATH, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, locatedError(original, undefined, PATH));
    expect(result).toEqual({ message, path: PATH, extensions });
  });

  it('turns an unknown error into a bare INTERNAL_SERVER_ERROR: no message, no stack trace, no Cypher', () => {
    const original = new Error('Neo4jError: Invalid input in MATCH (n:Entity {id: $id}) at line 3');
    const formatted: GraphQLFormattedError = { message: original.message, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: STACK } };
    expect(maskUnexpectedErrors(formatted, locatedError(original, undefined, undefined))).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    const inResolver = maskUnexpectedErrors({ ...formatted, path: PATH, locations: LOCATIONS }, locatedError(original, undefined, PATH));
    expect(inResolver).toEqual({ message: 'Internal server error', path: PATH, locations: LOCATIONS, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('masks errors that carry no code at all, and decode errors (never the client’s fault)', () => {
    expect(maskUnexpectedErrors({ message: 'TypeError: x is undefined' }, new TypeError('x is undefined'))).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    const decode = new DecodeError('dependents', 'hops: expected number');
    expect(maskUnexpectedErrors({ message: decode.message, path: PATH, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, locatedError(decode, undefined, PATH))).toEqual({
      message: 'Internal server error',
      path: PATH,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('keeps the code and message of a GraphQL validation error, dropping only the stack trace', () => {
    const message = 'Cannot query field "nope" on type "Query".';
    const formatted: GraphQLFormattedError = { message, locations: LOCATIONS, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: STACK } };
    expect(maskUnexpectedErrors(formatted, new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }))).toEqual({
      message,
      locations: LOCATIONS,
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('keeps a coded GraphQLError thrown by a resolver (authentication) with its extensions', () => {
    const error = new GraphQLError('This operation needs a credential with the writer role', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    const formatted: GraphQLFormattedError = { message: error.message, path: PATH, extensions: { code: 'UNAUTHENTICATED', http: { status: 401 }, stacktrace: STACK } };
    expect(maskUnexpectedErrors(formatted, locatedError(error, undefined, PATH))).toEqual({ message: error.message, path: PATH, extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  });

  it("reports Apollo's own uncoded 4xx request errors as BAD_REQUEST with their message, but never a resolver's", () => {
    const apq = new GraphQLError('provided sha does not match query', { extensions: { http: { status: 400 } } });
    expect(maskUnexpectedErrors({ message: apq.message, extensions: { http: { status: 400 } } }, apq)).toEqual({ message: apq.message, extensions: { code: 'BAD_REQUEST' } });
    const fromResolver = new GraphQLError('secret', { path: PATH, extensions: { http: { status: 400 } } });
    expect(maskUnexpectedErrors({ message: 'secret', path: PATH, extensions: { http: { status: 400 } } }, fromResolver)).toMatchObject({ message: 'Internal server error' });
  });
});

describe('errors through ApolloServer (no database)', () => {
  const typeDefs = 'type Query { invalid: String, missing: String, boom: String, fine: String }';
  const resolvers = {
    Query: {
      invalid: () => {
        throw new InvalidInputError([{ field: 'input.startYear', message: 'a year from 1800' }]);
      },
      missing: () => {
        throw new NotFoundError('Deposit', 'dep-x');
      },
      boom: () => {
        throw new Error('Neo.ClientError.Statement.SyntaxError: MATCH (n) RETURN n.secret');
      },
      fine: () => 'ok',
    },
  };
  const server = new ApolloServer<Context>({ typeDefs, resolvers, formatError: maskUnexpectedErrors, includeStacktraceInErrorResponses: true, plugins: [errorReportingPlugin()] });
  const logged: { obj: unknown; msg: string }[] = [];
  // The plugin reads only `log` and `requestId` of the context.
  const contextValue = { requestId: 'req-42', log: { error: (obj: unknown, msg: string) => logged.push({ obj, msg }) } } as unknown as Context;

  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => {
    logged.length = 0;
  });

  async function run(query: string) {
    const response = await server.executeOperation({ query }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult;
  }

  it('gives application errors their code and details, keeps other fields, logs nothing', async () => {
    const result = await run('{ invalid missing fine }');
    expect(result.data).toEqual({ invalid: null, missing: null, fine: 'ok' });
    expect(result.errors).toEqual([
      {
        message: 'input.startYear: a year from 1800',
        path: ['invalid'],
        locations: [{ line: 1, column: 3 }],
        extensions: { code: 'BAD_USER_INPUT', field: 'input.startYear', problems: [{ field: 'input.startYear', message: 'a year from 1800' }] },
      },
      { message: 'Deposit "dep-x" does not exist', path: ['missing'], locations: [{ line: 1, column: 11 }], extensions: { code: 'NOT_FOUND', id: 'dep-x' } },
    ]);
    expect(logged).toEqual([]);
  });

  it('masks an unexpected error, tags it with the request id and logs the original', async () => {
    const result = await run('{ boom }');
    expect(result.errors).toEqual([{ message: 'Internal server error', path: ['boom'], locations: [{ line: 1, column: 3 }], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-42' } }]);
    expect(JSON.stringify(result)).not.toMatch(/secret|stacktrace|SyntaxError/);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ msg: 'unexpected error', obj: { err: expect.objectContaining({ message: expect.stringContaining('n.secret') }), path: ['boom'] } });
  });

  it('keeps validation and parse errors with their codes, without stack traces', async () => {
    const invalid = await run('{ nope }');
    expect(invalid.errors).toEqual([{ message: 'Cannot query field "nope" on type "Query".', locations: [{ line: 1, column: 3 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
    const unparsable = await run('{ fine');
    expect(unparsable.errors).toEqual([{ message: expect.stringContaining('Syntax Error'), locations: [{ line: 1, column: 7 }], extensions: { code: 'GRAPHQL_PARSE_FAILED' } }]);
    expect(logged).toEqual([]);
  });
});
