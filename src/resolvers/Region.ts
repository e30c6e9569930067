import type { RegionResolvers } from '../generated/graphql';
import { optionalString, stringProp } from '../db/models';
import { entityFields } from './Entity';
import { firstRelated, relatedEntities, relatedFigures, relatedPage, relationsOf } from './helpers';

export const Region: RegionResolvers = {
  ...entityFields,
  kind: (p) => stringProp(p.props, 'kind'),
  regime: (p) => optionalString(p.props.regime),
  parent: (p, _a, ctx) => firstRelated(ctx, 'regionParents', p.id),
  parents: (p, _a, ctx) => relatedEntities(ctx, 'regionParents', p.id),
  children: (p, a, ctx) => relatedPage(ctx, 'regionChildren', p.id, a),
  facilities: (p, a, ctx) => relatedPage(ctx, 'locatedHere', p.id, a, (e) => e.kind === 'FACILITY'),
  deposits: (p, a, ctx) => relatedPage(ctx, 'locatedHere', p.id, a, (e) => e.kind === 'DEPOSIT'),
  figures: (p, _a, ctx) => relatedFigures(ctx, p.id),
  shares: (p, _a, ctx) => relationsOf(ctx, 'sharesOfCountry', p.id),
  exportControls: (p, _a, ctx) => relationsOf(ctx, 'exportControlsBy', p.id),
};
