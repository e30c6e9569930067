/**
 * The node rows of the synthetic graph, one generator per label; each entity's attributes come from
 * its own random stream, so any row can be produced without generating the others.
 */
import { int, pick, Stream } from './random';
import { COMPANY_KINDS, COMPANY_WORDS, COUNTRY_SUFFIXES, DEPOSIT_WORDS, ELEMENTS, PLACE_PREFIXES, STAGES, SUBJECT_KINDS } from './vocabulary';
import {
  cite,
  commodityOf,
  companyId,
  countryId,
  depositId,
  depositStatus,
  districtId,
  elementId,
  facilityId,
  facilityState,
  placeName,
  PLACES,
  productId,
  rngFor,
  sourceId,
  subjectId,
  type Plan,
} from './plan';

// ---------------------------------------------------------------------------------------------
// Rows

export type Row = Record<string, unknown>;
export interface RelRow extends Row {
  from: string;
  to: string;
  s: string[];
}

export function* sourceRows(plan: Plan): Generator<Row> {
  for (let i = 0; i < plan.sources; i++) {
    const rng = rngFor(plan, Stream.Source, i);
    yield {
      id: sourceId(i),
      title: `Synthetic benchmark source ${i} (${placeName(Math.floor(rng() * PLACES))} report)`,
      publisher: 'synthetic.example.org',
      date: `${int(rng, 2015, 2025)}-${String(int(rng, 1, 12)).padStart(2, '0')}-01`,
      url: `https://synthetic.example.org/sources/${i}`,
    };
  }
}

export function* stageRows(): Generator<Row> {
  for (const stage of STAGES) yield { id: stage.id, name: stage.name, aliases: stage.aliases, order: stage.order, sourceIds: [sourceId(0)] };
}

export function* elementRows(plan: Plan): Generator<Row> {
  for (const [i, e] of ELEMENTS.entries()) {
    const rng = rngFor(plan, Stream.Element, i);
    yield {
      id: elementId(e.symbol),
      name: e.name,
      aliases: [],
      symbol: e.symbol,
      symbolUpper: e.symbol.toUpperCase(),
      atomicNumber: e.z,
      group: e.group,
      ...(e.reeClass ? { reeClass: e.reeClass } : {}),
      magnetInput: e.magnetInput,
      sourceIds: cite(rng, plan),
    };
  }
}

export function* regionRows(plan: Plan): Generator<Row> {
  for (let i = 0; i < plan.countries; i++) {
    const rng = rngFor(plan, Stream.Country, i);
    const name = `${PLACE_PREFIXES[i % PLACE_PREFIXES.length]!}${COUNTRY_SUFFIXES[Math.floor(i / PLACE_PREFIXES.length) % COUNTRY_SUFFIXES.length]!}`;
    yield { id: countryId(i), name, aliases: [`${name.slice(0, 3).toUpperCase()}`], kind: 'country', sourceIds: cite(rng, plan) };
  }
  for (let i = 0; i < plan.subjects; i++) {
    const rng = rngFor(plan, Stream.Subject, i);
    const name = `${placeName(Math.floor(rng() * PLACES))} ${pick(rng, SUBJECT_KINDS)}`;
    yield { id: subjectId(i), name, aliases: [], kind: 'federal-subject', sourceIds: cite(rng, plan) };
  }
  for (let i = 0; i < plan.districts; i++) {
    const rng = rngFor(plan, Stream.District, i);
    yield { id: districtId(i), name: `${placeName(Math.floor(rng() * PLACES))} District`, aliases: [], kind: 'district', sourceIds: cite(rng, plan) };
  }
}

export function* companyRows(plan: Plan): Generator<Row> {
  for (let c = 0; c < plan.clusters; c++) {
    for (let j = 0; j < plan.companiesPerCluster; j++) {
      const g = c * plan.companiesPerCluster + j;
      const rng = rngFor(plan, Stream.Company, g);
      const place = placeName(Math.floor(rng() * PLACES));
      const word = pick(rng, COMPANY_WORDS);
      const aliases = rng() < 0.4 ? [`${place.slice(0, 3).toUpperCase()}${word.charAt(0)}`] : [];
      yield { id: companyId(c, j, plan), name: `${place} ${word}`, aliases, kind: pick(rng, COMPANY_KINDS), sourceIds: cite(rng, plan) };
    }
  }
}

export function* depositRows(plan: Plan): Generator<Row> {
  for (let c = 0; c < plan.clusters; c++) {
    const commodity = commodityOf(c);
    for (let j = 0; j < plan.depositsPerCluster; j++) {
      const g = c * plan.depositsPerCluster + j;
      const status = depositStatus(plan, g);
      const rng = rngFor(plan, Stream.Deposit, g);
      rng(); // the status draw
      const place = placeName(Math.floor(rng() * PLACES));
      yield {
        id: depositId(c, j, plan),
        name: `${place} ${pick(rng, DEPOSIT_WORDS)}`,
        aliases: rng() < 0.2 ? [`${place} ${commodity.name} project`] : [],
        commodity: commodity.name,
        status,
        sourceIds: cite(rng, plan),
      };
    }
  }
}

export function* facilityRows(plan: Plan): Generator<Row> {
  const capacity = [200_000, 50_000, 5_000, 2_000, 1_000];
  for (let c = 0; c < plan.clusters; c++) {
    const commodity = commodityOf(c);
    for (let layer = 0; layer < 5; layer++) {
      const kind = commodity.facilityKinds[layer]!;
      const title = kind.charAt(0).toUpperCase() + kind.slice(1);
      for (let j = 0; j < plan.layerSizes[layer]!; j++) {
        const g = c * plan.facilitiesPerCluster + plan.layerOffsets[layer]! + j;
        const state = facilityState(plan, g);
        const rng = rngFor(plan, Stream.FacilityPlace, g);
        const place = placeName(Math.floor(rng() * PLACES));
        const number = int(rng, 1, 6);
        const row: Row = {
          id: facilityId(c, layer, j, plan),
          name: `${place} ${title}${number > 1 ? ` No. ${number}` : ''}`,
          aliases: rng() < 0.25 ? [`${place.slice(0, 3).toUpperCase()}-${layer + 1}${number}`] : [],
          kind,
          status: state.status,
          startYear: state.startYear,
          sourceIds: cite(rng, plan),
        };
        if (state.endYear !== undefined) row.endYear = state.endYear;
        if (rng() < 0.6) {
          row.capacityValue = Math.round(capacity[layer]! * (0.1 + rng() * 1.9));
          row.capacityUnit = 't/yr';
        }
        yield row;
      }
    }
  }
}

export function* productRows(plan: Plan): Generator<Row> {
  for (let c = 0; c < plan.clusters; c++) {
    const commodity = commodityOf(c);
    for (let tier = 0; tier < 6; tier++) {
      for (let j = 0; j < plan.tierSizes[tier]!; j++) {
        const g = c * plan.productsPerCluster + plan.tierOffsets[tier]! + j;
        const rng = rngFor(plan, Stream.Product, g);
        const place = placeName(Math.floor(rng() * PLACES));
        const name =
          tier < 5 ? `${place} ${commodity.products[tier]!} (grade ${int(rng, 1, 40)})` : `${pick(rng, commodity.endUses)} (${place} model ${int(rng, 1, 99)})`;
        yield {
          id: productId(c, tier, j, plan),
          name,
          aliases: [],
          kind: tier < 5 ? commodity.productKinds[tier]! : 'end use',
          sourceIds: cite(rng, plan),
        };
      }
    }
  }
}
