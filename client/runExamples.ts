/**
 * The typed client: runs every example operation (examples/*.graphql) against a server with
 * graphql-request and GraphQL Code Generator's typed documents, so results and variables are typed.
 *
 *   npx tsx client/runExamples.ts [http://localhost:4000/graphql]
 */
import { GraphQLClient } from 'graphql-request';
import {
  FacilitiesDependingOnDepositDocument,
  ImpactOfStoppageDocument,
  PlantsDependingOnElementDocument,
  SearchDocument,
  StageSharesDocument,
  SupplyPathDocument,
  type FacilitiesDependingOnDepositQueryVariables,
  type ImpactOfStoppageQueryVariables,
  type PlantsDependingOnElementQueryVariables,
  type SearchQueryVariables,
  type StageSharesQueryVariables,
  type SupplyPathQueryVariables,
} from './generated/graphql';

/** One typed function per example, named after its operation; omitted variables take the example's defaults. */
export function examplesClient(endpoint: string) {
  const client = new GraphQLClient(endpoint);
  return {
    FacilitiesDependingOnDeposit: (variables: FacilitiesDependingOnDepositQueryVariables = {}) => client.request(FacilitiesDependingOnDepositDocument, variables),
    SupplyPath: (variables: SupplyPathQueryVariables = {}) => client.request(SupplyPathDocument, variables),
    ImpactOfStoppage: (variables: ImpactOfStoppageQueryVariables = {}) => client.request(ImpactOfStoppageDocument, variables),
    StageShares: (variables: StageSharesQueryVariables = {}) => client.request(StageSharesDocument, variables),
    Search: (variables: SearchQueryVariables = {}) => client.request(SearchDocument, variables),
    PlantsDependingOnElement: (variables: PlantsDependingOnElementQueryVariables = {}) => client.request(PlantsDependingOnElementDocument, variables),
  };
}

export type ExamplesClient = ReturnType<typeof examplesClient>;

/** A one-line answer per example, to show the typed results in use. */
export async function summariseExamples(client: ExamplesClient): Promise<string[]> {
  const { dependents } = await client.FacilitiesDependingOnDeposit();
  const { paths } = await client.SupplyPath();
  const { impact } = await client.ImpactOfStoppage();
  const { supplyShares } = await client.StageShares();
  const { search } = await client.Search();
  const { dependents: onElement } = await client.PlantsDependingOnElement();
  const [path] = paths;
  const [top] = supplyShares.shares;
  return [
    `Facilities depending on Tastyg: ${dependents.map((d) => `${d.entity.name} (${d.hops} hops)`).join('; ')}`,
    `Lovozero → NdFeB magnet: ${path ? path.nodes.map((n) => n.name).join(' → ') : 'no path'}`,
    `If ${impact.disrupted.map((d) => d.name).join(', ')} stops: ${impact.affected.length} affected, ${impact.affected.filter((a) => a.fullyExposed).length} stop entirely`,
    `${supplyShares.stage.name} (${supplyShares.commodity}, ${supplyShares.year}): ${top ? `${top.country.name} ${top.sharePct}%` : 'no shares'}, HHI ${supplyShares.hhi}`,
    `Search "Tastig": ${search.map((s) => s.entity.id).join(', ')}`,
    `Plants depending on dysprosium: ${onElement.map((d) => d.entity.name).join('; ')}`,
  ];
}

if (require.main === module) {
  const endpoint = process.argv[2] ?? 'http://localhost:4000/graphql';
  summariseExamples(examplesClient(endpoint)).then(
    (lines) => console.log(lines.join('\n')),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
