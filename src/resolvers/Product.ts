import type { ProductResolvers } from '../generated/graphql';
import { entityFields } from './Entity';
import { dependenciesField, dependentsField } from './traversal';
import { firstRelated, relatedEntities, relatedOfKind, relatedPage, relationsOf } from './helpers';

export const Product: ProductResolvers = {
  ...entityFields,
  kind: (p) => p.data.kind,
  stage: (p, _a, ctx) => firstRelated(ctx, 'stages', p, 'STAGE'),
  madeFrom: (p, _a, ctx) => relatedEntities(ctx, 'madeFrom', p),
  usedIn: (p, a, ctx) => relatedPage(ctx, 'usedIn', p, a),
  elements: (p, _a, ctx) => relatedOfKind(ctx, 'productElements', p, 'ELEMENT'),
  producedBy: (p, _a, ctx) => relationsOf(ctx, 'producedBy', p),
  consumedBy: (p, a, ctx) => relatedPage(ctx, 'consumedBy', p, a),
  dependents: dependentsField,
  dependencies: dependenciesField,
};
