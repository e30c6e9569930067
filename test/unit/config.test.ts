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
