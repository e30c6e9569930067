import type { ProductResolvers } from '../generated/graphql';
import { entityFields } from './Entity';
import { dependenciesField, dependentsField } from './traversal';
import { firstRelated, relatedEntities, relationsOf } from './helpers';

export const Product: ProductResolvers = {
  ...entityFields,
  kind: (p) => String(p.props.kind),
  stage: (p, _a, ctx) => firstRelated(ctx, 'stages', p.id),
  madeFrom: (p, _a, ctx) => relatedEntities(ctx, 'madeFrom', p.id),
  usedIn: (p, _a, ctx) => relatedEntities(ctx, 'usedIn', p.id),
  elements: (p, _a, ctx) => relatedEntities(ctx, 'productElements', p.id),
  producedBy: (p, _a, ctx) => relationsOf(ctx, 'producedBy', p.id),
  consumedBy: (p, _a, ctx) => relatedEntities(ctx, 'consumedBy', p.id),
  dependents: dependentsField,
  dependencies: dependenciesField,
};
