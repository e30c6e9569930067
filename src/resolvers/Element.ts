import type { ElementResolvers } from '../generated/graphql';
import { REE_CLASS } from './enums';
import { entityFields } from './Entity';
import { dependenciesField, dependentsField } from './traversal';
import { relatedPage, relationsOf } from './helpers';

export const Element: ElementResolvers = {
  ...entityFields,
  symbol: (p) => p.data.symbol,
  atomicNumber: (p) => p.data.atomicNumber,
  group: (p) => p.data.group,
  reeClass: (p) => REE_CLASS.decodeOptional(p.data.reeClass),
  magnetInput: (p) => p.data.magnetInput,
  deposits: (p, _a, ctx) => relationsOf(ctx, 'elementDeposits', p),
  usedIn: (p, a, ctx) => relatedPage(ctx, 'elementUsedIn', p, a),
  containedIn: (p, a, ctx) => relatedPage(ctx, 'elementContainedIn', p, a),
  exportControls: (p, _a, ctx) => relationsOf(ctx, 'exportControlsOn', p),
  dependents: dependentsField,
  dependencies: dependenciesField,
};
