import type { ElementResolvers } from '../generated/graphql';
import { numberProp, stringProp } from '../db/models';
import { REE_CLASS } from './enums';
import { entityFields } from './Entity';
import { dependenciesField, dependentsField } from './traversal';
import { relatedPage, relationsOf } from './helpers';

export const Element: ElementResolvers = {
  ...entityFields,
  symbol: (p) => stringProp(p.props, 'symbol'),
  atomicNumber: (p) => numberProp(p.props, 'atomicNumber'),
  group: (p) => stringProp(p.props, 'group'),
  reeClass: (p) => REE_CLASS.decodeOptional(p.props.reeClass),
  magnetInput: (p) => p.props.magnetInput === true,
  deposits: (p, _a, ctx) => relationsOf(ctx, 'elementDeposits', p.id),
  usedIn: (p, a, ctx) => relatedPage(ctx, 'elementUsedIn', p.id, a),
  containedIn: (p, a, ctx) => relatedPage(ctx, 'elementContainedIn', p.id, a),
  exportControls: (p, _a, ctx) => relationsOf(ctx, 'exportControlsOn', p.id),
  dependents: dependentsField,
  dependencies: dependenciesField,
};
