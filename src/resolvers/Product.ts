import type { ProductResolvers } from '../generated/graphql';
import { entityFields } from './Entity';
import { dependenciesField, dependentsField } from './traversal';
import { firstRelated, relatedEntities, relatedOfKind, relatedPage, relationsOf } from './helpers';

export const Product: ProductResolvers = {
  ...entityFields,
  kind: (p) => p.data.kind,
  stage: (p, _a, ctx) => firstRelated(ctx, 'stages', p.id, 'STAGE'),
  madeFrom: (p, _a, ctx) => relatedEntities(ctx, 'madeFrom', p.id),
  usedIn: (p, a, ctx) => relatedPage(ctx, 'usedIn', p.id, a),
  elements: (p, _a, ctx) => relatedOfKind(ctx, 'productElements', p.id, 'ELEMENT'),
  producedBy: (p, _a, ctx) => relationsOf(ctx, 'producedBy', p.id),
  consumedBy: (p, a, ctx) => relatedPage(ctx, 'consumedBy', p.id, a),
  dependents: dependentsField,
  dependencies: dependenciesField,
};
