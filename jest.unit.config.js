/**
 * The database-free tests (`npm run test:unit`): no Neo4j is started and no Java is needed, so this
 * runs on any machine with Node. Same transform and reporters as jest.config.js, without its
 * globalSetup/globalTeardown (which start and seed Neo4j).
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/support/plainSummaryReporter.js'],
};
