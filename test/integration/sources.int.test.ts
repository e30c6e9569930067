import type { Caller } from '../../src/auth';
import { execute, setupInProcessApp, testContext } from '../support/testServer';

/** Sources follow one rule on every path: an ISO 8601 date, and what is known of an inexact one in dateNote. */
const t = setupInProcessApp();

const run = <T = any>(query: string, variables: Record<string, unknown> = {}) => execute<T>(t.app, testContext(t.driver), query, variables);

describe('source dates', () => {
  it('keeps an exact date as the date, with no note', async () => {
    const { data, errors } = await run(/* GraphQL */ `{ source(id: "seed-itrussia-2026") { date dateNote } }`);
    expect(errors).toBeUndefined();
    expect(data.source).toEqual({ date: '2026-01-02', dateNote: null });
  });

  it('gives an undated source no date and says what is known in dateNote (loaded by the seed)', async () => {
    const { data } = await run(/* GraphQL */ `{ source(id: "seed-topcor-magnets") { date dateNote } }`);
    expect(data.source).toEqual({ date: null, dateNote: "undated; between 2024-11 and 2025-01 (inferred: calls Trump 'President-elect')" });
  });

  it('keeps the known year of a partly dated source as its date, and the wording as its note', async () => {
    const { data } = await run(/* GraphQL */ `{ source(id: "nrinvesting-tastyg") { date dateNote } }`);
    expect(data.source).toEqual({ date: '2024', dateNote: '2024 (SPIEF; undated page)' });
  });

  it('refuses a free-text date through the import, as through the mutations', async () => {
    const writer: Caller = { name: 'sources-test', role: 'writer' };
    const { data, errors } = await execute<any>(t.app, testContext(t.driver, { requestId: 'sources-test', caller: writer }),
      /* GraphQL */ `mutation ($records: ImportRecordsInput!) { importRecords(records: $records, dryRun: true) { applied problems { field reason } } }`,
      { records: { sources: [{ id: 'src-free-date', title: 'A report', date: 'c. 2019' }] } },
    );
    expect(errors).toBeUndefined();
    expect(data.importRecords).toEqual({ applied: false, problems: [{ field: 'date', reason: 'expected YYYY, YYYY-MM or YYYY-MM-DD' }] });
  });
});
