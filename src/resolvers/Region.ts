import type { RegionResolvers } from '../generated/graphql';
import { entityFields } from './Entity';
import { confidenceOf, firstRelated, relatedFigures, relatedOfKind, relatedPage, relationsOf } from './helpers';

export const Region: RegionResolvers = {
  ...entityFields,
  kind: (p) => p.data.kind,
  regime: (p) => p.data.regime ?? null,
  regimeConfidence: (p) => (p.data.regime ? confidenceOf(p.data.regimeConfidence ?? 'stated') : null),
  parent: (p, _a, ctx) => firstRelated(ctx, 'regionParents', p, 'REGION'),
  parents: (p, _a, ctx) => relatedOfKind(ctx, 'regionParents', p, 'REGION'),
  children: (p, a, ctx) => relatedPage(ctx, 'regionChildren', p, a),
  facilities: (p, a, ctx) => relatedPage(ctx, 'facilitiesHere', p, a),
  deposits: (p, a, ctx) => relatedPage(ctx, 'depositsHere', p, a),
  figures: (p, _a, ctx) => relatedFigures(ctx, p),
  shares: (p, _a, ctx) => relationsOf(ctx, 'sharesOfCountry', p),
  exportControls: (p, _a, ctx) => relationsOf(ctx, 'exportControlsBy', p),
};
