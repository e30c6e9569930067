/**
 * The relationship rows of the synthetic graph, one generator per source label (and per type).
 */
import { band, int, spread, zipf, Stream, type Rng } from './random';
import { STAGES } from './vocabulary';
import {
  citeOne,
  commodityOf,
  companyId,
  countryId,
  depositId,
  depositStatus,
  district,
  districtId,
  elementId,
  facilityId,
  facilityState,
  HUB_EDGE_P,
  HUB_ZIPF_S,
  linkState,
  operatorOf,
  productId,
  rngFor,
  sourceId,
  subjectId,
  type Plan,
} from './plan';
import type { RelRow } from './rows';

// Relationships. Each generator draws from its own streams, so the graph does not depend on order.

export function* nextStageRows(): Generator<RelRow> {
  for (let i = 0; i + 1 < STAGES.length; i++) yield { from: STAGES[i]!.id, to: STAGES[i + 1]!.id, s: [sourceId(0)] };
}

export function* partOfRows(plan: Plan): Generator<RelRow> {
  for (let c = 0; c < plan.countries; c++) {
    for (let s = plan.subjectStart[c]!; s < plan.subjectStart[c + 1]!; s++) {
      yield { from: subjectId(s), to: countryId(c), s: citeOne(rngFor(plan, Stream.Subject, s), plan) };
    }
  }
  for (let d = 0; d < plan.districts; d++) {
    yield { from: districtId(d), to: subjectId(Math.floor((d * plan.subjects) / plan.districts)), s: citeOne(rngFor(plan, Stream.District, d), plan) };
  }
}

export function* companyRelRows(plan: Plan, type: 'HEADQUARTERED_IN' | 'SUBSIDIARY_OF' | 'SUPPLIES'): Generator<RelRow> {
  for (let c = 0; c < plan.clusters; c++) {
    for (let j = 0; j < plan.companiesPerCluster; j++) {
      const rng = rngFor(plan, Stream.CompanyRels, c * plan.companiesPerCluster + j);
      const from = companyId(c, j, plan);
      const hq = (zipf(rng, plan.countries, 1.1) + c * 7) % plan.countries;
      const parent = j > 0 && rng() < 0.3 ? zipf(rng, j, 1.2) : -1;
      const customer = plan.companiesPerCluster > 1 && rng() < 0.04 ? (j + 1 + Math.floor(rng() * (plan.companiesPerCluster - 1))) % plan.companiesPerCluster : -1;
      const s = citeOne(rng, plan);
      if (type === 'HEADQUARTERED_IN') yield { from, to: countryId(hq), s };
      else if (type === 'SUBSIDIARY_OF' && parent >= 0) yield { from, to: companyId(c, parent, plan), s };
      else if (type === 'SUPPLIES' && customer >= 0) yield { from, to: companyId(c, customer, plan), s, status: 'operating', material: commodityOf(c).products[3]! };
    }
  }
}

export function* depositRelRows(plan: Plan, type: 'CONTAINS' | 'LOCATED_IN' | 'HOLDS_LICENCE' | 'FEEDS'): Generator<RelRow> {
  const mines = plan.layerSizes[0]!;
  const targets: number[] = [];
  for (let c = 0; c < plan.clusters; c++) {
    const commodity = commodityOf(c);
    for (let j = 0; j < plan.depositsPerCluster; j++) {
      const g = c * plan.depositsPerCluster + j;
      const rng = rngFor(plan, Stream.DepositRels, g);
      const id = depositId(c, j, plan);
      const s = citeOne(rng, plan);
      if (type === 'LOCATED_IN') yield { from: id, to: districtId(district(rng, plan, c)), s };
      else if (type === 'HOLDS_LICENCE') yield { from: operatorIdFor(plan, c, rng), to: id, s };
      else if (type === 'CONTAINS') {
        const count = commodity.elements.length > 4 ? int(rng, 3, 6) : int(rng, 1, Math.min(2, commodity.elements.length));
        const start = Math.floor(rng() * commodity.elements.length);
        for (let k = 0; k < count; k++) {
          yield { from: id, to: elementId(commodity.elements[(start + k) % commodity.elements.length]!), s };
        }
      } else if (depositStatus(plan, g) !== 'exploration') {
        targets.length = 0;
        band(j, plan.depositsPerCluster, mines, targets);
        for (const t of targets) {
          const link = linkState(undefined, facilityState(plan, c * plan.facilitiesPerCluster + t));
          yield { from: id, to: facilityId(c, 0, t, plan), s, material: commodity.products[0]!, ...link };
        }
      }
    }
  }
}

function operatorIdFor(plan: Plan, cluster: number, rng: Rng): string {
  return companyId(cluster, operatorOf(plan, rng), plan);
}

type FacilityRelType = 'LOCATED_IN' | 'OPERATES' | 'AT_STAGE' | 'FEEDS' | 'SUPPLIES' | 'PRODUCES';

export function* facilityRelRows(plan: Plan, type: FacilityRelType): Generator<RelRow> {
  const targets: number[] = [];
  for (let c = 0; c < plan.clusters; c++) {
    const commodity = commodityOf(c);
    for (let layer = 0; layer < 5; layer++) {
      const n = plan.layerSizes[layer]!;
      const next = plan.layerSizes[layer + 1] ?? 0;
      for (let j = 0; j < n; j++) {
        const g = c * plan.facilitiesPerCluster + plan.layerOffsets[layer]! + j;
        const rng = rngFor(plan, Stream.FacilityRels, g);
        const id = facilityId(c, layer, j, plan);
        const s = citeOne(rng, plan);
        const where = district(rng, plan, c);
        const operator = operatorIdFor(plan, c, rng);
        const hub = rng() < HUB_EDGE_P ? spread(zipf(rng, Math.max(1, next), HUB_ZIPF_S), Math.max(1, next), c * 31 + layer) : -1;
        const supplies = rng() < 0.03 && next > 1 ? Math.floor(rng() * next) : -1;
        switch (type) {
          case 'LOCATED_IN':
            yield { from: id, to: districtId(where), s };
            break;
          case 'OPERATES':
            yield { from: operator, to: id, s };
            break;
          case 'AT_STAGE':
            yield { from: id, to: STAGES[layer]!.id, s };
            break;
          case 'PRODUCES': {
            const state = facilityState(plan, g);
            const product = Math.floor((j * plan.tierSizes[layer]!) / n);
            yield { from: id, to: productId(c, layer, product, plan), s, ...linkState(undefined, state) };
            break;
          }
          case 'FEEDS':
          case 'SUPPLIES': {
            if (next === 0) break;
            targets.length = 0;
            if (type === 'FEEDS') {
              band(j, n, next, targets);
              if (hub >= 0 && !targets.includes(hub)) targets.push(hub);
            } else if (supplies >= 0) targets.push(supplies);
            const state = facilityState(plan, g);
            const material = commodity.products[layer]!;
            for (const t of targets) {
              const link = linkState(state, facilityState(plan, c * plan.facilitiesPerCluster + plan.layerOffsets[layer + 1]! + t));
              yield { from: id, to: facilityId(c, layer + 1, t, plan), s, material, ...link };
            }
            break;
          }
        }
      }
    }
  }
}

type ProductRelType = 'AT_STAGE' | 'CONTAINS' | 'CONSUMED_BY' | 'USED_IN';

export function* productRelRows(plan: Plan, type: ProductRelType): Generator<RelRow> {
  const targets: number[] = [];
  for (let c = 0; c < plan.clusters; c++) {
    const commodity = commodityOf(c);
    for (let tier = 0; tier < 6; tier++) {
      const n = plan.tierSizes[tier]!;
      for (let j = 0; j < n; j++) {
        const rng = rngFor(plan, Stream.ProductRels, c * plan.productsPerCluster + plan.tierOffsets[tier]! + j);
        const id = productId(c, tier, j, plan);
        const s = citeOne(rng, plan);
        if (type === 'AT_STAGE') {
          yield { from: id, to: STAGES[tier]!.id, s };
        } else if (type === 'CONTAINS') {
          if (tier < 2) continue;
          const count = int(rng, 1, Math.min(2, commodity.elements.length));
          const start = Math.floor(rng() * commodity.elements.length);
          for (let k = 0; k < count; k++) yield { from: id, to: elementId(commodity.elements[(start + k) % commodity.elements.length]!), s };
        } else if (type === 'CONSUMED_BY') {
          // Raw materials and intermediates are consumed by 1-3 plants of the next layer.
          if (tier > 3) continue;
          const layerSize = plan.layerSizes[tier + 1]!;
          const count = Math.min(layerSize, rng() < 0.5 ? 1 : rng() < 0.7 ? 2 : 3);
          targets.length = 0;
          while (targets.length < count) {
            const t = Math.floor(rng() * layerSize);
            if (!targets.includes(t)) targets.push(t);
          }
          for (const t of targets) yield { from: id, to: facilityId(c, tier + 1, t, plan), s };
        } else {
          targets.length = 0;
          if (tier < 5) {
            const next = plan.tierSizes[tier + 1]!;
            band(j, n, next, targets);
            if (rng() < 0.3) {
              const popular = spread(zipf(rng, next, 1.3), next, c * 17 + tier);
              if (!targets.includes(popular)) targets.push(popular);
            }
            for (const t of targets) yield { from: id, to: productId(c, tier + 1, t, plan), s };
          } else if (j >= 4 && rng() < 0.3) {
            // End uses in chains toward a few top-level end uses (always to a lower index: no cycles).
            yield { from: id, to: productId(c, 5, Math.floor(j / 4), plan), s };
          }
        }
      }
    }
  }
}
