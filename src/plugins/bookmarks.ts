import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors';

/** The header a response that wrote carries its bookmarks in, and a client sends them back in. */
export const BOOKMARK_HEADER = 'x-neo4j-bookmark';

/** Bookmarks one request may send back, and the length of one (Neo4j's are well under 200 characters). */
const MAX_BOOKMARKS = 16;
const BOOKMARK = /^[\x21-\x2b\x2d-\x7e]{1,1024}$/;

/**
 * The bookmarks in a request's `x-neo4j-bookmark` header (comma-separated; the header may repeat).
 * Throws BAD_USER_INPUT (HTTP 400) for anything that cannot be a bookmark, so it never reaches the database.
 */
export function parseBookmarkHeader(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const bookmarks = (Array.isArray(value) ? value : [value])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (bookmarks.length > MAX_BOOKMARKS || bookmarks.some((b) => !BOOKMARK.test(b))) {
    throw new GraphQLError(`${BOOKMARK_HEADER} must hold at most ${MAX_BOOKMARKS} comma-separated bookmarks, as a response of this API gave them`, {
      extensions: { code: ErrorCode.BadUserInput, http: { status: 400 } },
    });
  }
  return bookmarks;
}

/**
 * Causal consistency for clients (docs/scaling.md): a response whose request wrote carries the
 * bookmarks of its last transaction in the `x-neo4j-bookmark` header and in `extensions.bookmarks`.
 * A client that sends them back on a later request, to any instance, reads at least what it wrote.
 */
export function bookmarksPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (!contextValue.db.wrote) return;
          const bookmarks = await contextValue.db.bookmarks();
          if (bookmarks.length === 0) return;
          response.http.headers.set(BOOKMARK_HEADER, bookmarks.join(','));
          if (response.body.kind === 'single') {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, bookmarks };
          }
        },
      };
    },
  };
}
