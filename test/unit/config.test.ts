import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config.port).toBe(4000);
    expect(config.neo4j.uri).toBeUndefined();
    expect(config.neo4j.database).toBe('neo4j');
    expect(config.embedded.dataDir).toBe('/srv/app/.data/neo4j');
    expect(config.corsOrigins).toBe('*');
  });

  it('applies the defaults of the other settings', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({
      host: '0.0.0.0',
      logLevel: 'info',
      neo4j: { user: 'neo4j', password: undefined, queryTimeoutMs: 15_000, connectRetries: 5 },
      embedded: { port: 7687, heap: '512m', pageCache: '256m' },
      seedOnEmpty: true,
      production: false,
      http: { introspection: true, allowBatching: false, bodyLimit: '100kb', requestTimeoutMs: 15_000, shutdownGraceMs: 10_000 },
      pages: { sandbox: true, explorer: true, graph: true },
      maxImportRecords: 5_000,
      limits: { maxDepth: 12, maxAliases: 30, maxDirectives: 50, maxTokens: 5_000, costAnonymous: 50_000, costAuthenticated: 500_000 },
      auth: { apiKeys: [], jwtSecret: undefined, readsRequireAuth: false },
    });
  });

  it('treats a blank variable as unset, reads booleans as true/false/1/0, and turns the Sandbox off in production', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '' }).port).toBe(4000);
    expect(loadConfig({ SEED_ON_EMPTY: '0', INTROSPECTION: 'false', READS_REQUIRE_AUTH: '1' })).toMatchObject({ seedOnEmpty: false, http: { introspection: false }, auth: { readsRequireAuth: true } });
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ production: true, pages: { sandbox: false } });
    expect(loadConfig({ NODE_ENV: 'production', SANDBOX: 'true' }).pages.sandbox).toBe(true);
    expect(() => loadConfig({ SEED_ON_EMPTY: 'yes' })).toThrow(/^Invalid SEED_ON_EMPTY="yes"/);
  });

  it('reads API keys as name:role:sha256', () => {
    const sha = 'a'.repeat(64);
    expect(loadConfig({ API_KEYS: `ci:reader:${sha},ops:writer:${sha}` }).auth.apiKeys).toEqual([
      { name: 'ci', role: 'reader', sha256: sha },
      { name: 'ops', role: 'writer', sha256: sha },
    ]);
  });

  it.each([
    ['JWT_SECRET', 'too-short-a-secret'],
    ['API_KEYS', 'ci:admin:not-a-hash'],
  ])('names a bad secret %s without echoing its value', (variable, value) => {
    let message = '';
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toMatch(new RegExp(`^Invalid ${variable}: expected `));
    expect(message).not.toContain(value);
  });

  it('reads a list of CORS origins', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it.each([
    ['PORT', 'abc', /Invalid PORT="abc": expected a port number/],
    ['PORT', '70000', /Invalid PORT="70000": expected a port 1-65535/],
    ['NEO4J_URI', 'http://nowhere', /Invalid NEO4J_URI="http:\/\/nowhere": expected a bolt:\/\//],
    ['NEO4J_EMBEDDED_HEAP', 'lots', /Invalid NEO4J_EMBEDDED_HEAP="lots": expected a size such as 512m/],
    ['LOG_LEVEL', 'loud', /Invalid LOG_LEVEL="loud"/],
  ])('rejects %s=%s with one line naming the variable', (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(message);
  });

  it('accepts the URI schemes of Neo4j, Aura and clusters', () => {
    for (const uri of ['bolt://127.0.0.1:7687', 'neo4j://db.example:7687', 'neo4j+s://abcd.databases.neo4j.io']) {
      expect(loadConfig({ NEO4J_URI: uri }).neo4j.uri).toBe(uri);
    }
  });
});
