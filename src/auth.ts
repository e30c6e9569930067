import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Config, Role } from './config';
import { ErrorCode } from './errors';

/** Who is calling: anonymous, or the name and role of a verified credential. Secrets never appear here. */
export interface Caller {
  readonly name: string | null;
  readonly role: Role | 'anonymous';
}

export const ANONYMOUS: Caller = { name: null, role: 'anonymous' };

export class UnauthenticatedError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: ErrorCode.Unauthenticated, http: { status: 401 } } });
  }
}

export class ForbiddenError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: ErrorCode.Forbidden, http: { status: 403 } } });
  }
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * Resolves the caller of a request from `x-api-key` (keys configured by their SHA-256 hash) or
 * `Authorization: Bearer <JWT>` (HS256 secret or a JWKS; role from the `role` claim or the `roles`
 * array, name from `sub`). A credential that is present but wrong is refused, never treated as anonymous.
 */
export function createAuthenticator(auth: Config['auth']): (headers: IncomingHttpHeaders) => Promise<Caller> {
  const keys = auth.apiKeys.map((k) => ({ ...k, digest: Buffer.from(k.sha256, 'hex') }));
  const jwks: JWTVerifyGetKey | undefined = auth.jwksUrl ? createRemoteJWKSet(new URL(auth.jwksUrl)) : undefined;
  const secret = auth.jwtSecret ? new TextEncoder().encode(auth.jwtSecret) : undefined;

  return async (headers) => {
    const apiKey = headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey.length > 0) {
      const digest = Buffer.from(sha256Hex(apiKey), 'hex');
      const match = keys.find((k) => k.digest.length === digest.length && timingSafeEqual(k.digest, digest));
      if (!match) throw new UnauthenticatedError('The API key is not valid');
      return { name: match.name, role: match.role };
    }
    const authorization = headers.authorization;
    if (typeof authorization === 'string' && authorization.length > 0) {
      const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
      if (!token) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
      if (!secret && !jwks) throw new UnauthenticatedError('This server accepts no bearer tokens');
      try {
        const options = { ...(auth.jwtIssuer ? { issuer: auth.jwtIssuer } : {}), ...(auth.jwtAudience ? { audience: auth.jwtAudience } : {}) };
        const { payload } = secret ? await jwtVerify(token, secret, options) : await jwtVerify(token, jwks!, options);
        const roles = [payload.role, ...(Array.isArray(payload.roles) ? payload.roles : [])];
        const role: Role = roles.includes('writer') ? 'writer' : 'reader';
        return { name: typeof payload.sub === 'string' ? payload.sub : 'token', role };
      } catch {
        throw new UnauthenticatedError('The bearer token is not valid');
      }
    }
    if (auth.readsRequireAuth) throw new UnauthenticatedError('This server requires an API key or a bearer token');
    return ANONYMOUS;
  };
}

/** Throws unless the caller holds `role` (`writer` includes `reader`). */
export function requireRole(caller: Caller, role: Role): void {
  if (caller.role === 'anonymous') throw new UnauthenticatedError(`This operation needs a credential with the ${role} role`);
  if (role === 'writer' && caller.role !== 'writer') throw new ForbiddenError(`This operation needs the writer role; "${caller.name}" is a ${caller.role}`);
}
