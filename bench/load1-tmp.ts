import autocannon from 'autocannon';
import { ourOperations, SEED_IDS } from './operations';
(async () => {
  const port = process.argv[2]; const names = (process.argv[3] ?? 'lookup,frontend,paths').split(',');
  const amount = Number(process.argv[4] ?? 3000);
  for (const op of ourOperations(SEED_IDS).filter(o => names.includes(o.name))) {
    const body = JSON.stringify({ query: op.query, variables: op.variables });
    const r = await autocannon({ url: `http://127.0.0.1:${port}/graphql`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: 8, amount });
    console.log(op.name, r.requests.average, r.latency.p50, r.non2xx, r.errors);
  }
})();
