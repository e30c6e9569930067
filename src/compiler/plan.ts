import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  isAbstractType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { pageSize } from '../db/pages';
import { RELATIONS, orderingProperties, type RelationName } from '../db/queries/relations';
import { FOLDS, LINK_ENDS, type Fold } from './folds';
import { NODE_FIELD_RELATIONSHIP_PROPERTIES, propertiesOfField, propertiesOfLinkField } from './properties';

/**
 * What one node of a request needs from the database beyond its own properties: the relations its
 * selected fields load, each with what the nodes at their other end need in turn. A plan is built from
 * the selection set of a root field (fragments, type conditions, @skip/@include and aliases included)
 * and compiled into Cypher by cypher.ts.
 */
export interface Plan {
  /** What the node's `sources` read of each source (null when not selected). */
  sources: Plan | null;
  /** Stored properties its fields read (its id is always projected); null for all of them. */
  props: Set<string> | null;
  readonly relations: Map<RelationName, RelationPlan>;
}

export interface RelationPlan {
  /** Labels (GraphQL type names) of the nodes whose fields load this relation: the statement asks only those. */
  readonly labels: Set<string>;
  /** What the nodes at the other end need. */
  readonly other: Plan;
  /**
   * How many of each node's rows its fields read, first in the relation's order: a connection's first
   * page and one more (is there a next page?); Infinity (the default) for all of them.
   */
  rows: number;
  /** Stored properties of the relationships their fields read (cypher.ts adds `key` where it orders the rows). */
  readonly props: Set<string>;
  /** The relationships' `sources`. */
  sources: boolean;
  /** A flow's product (`SupplyLink.product`, `material`): the node its `product` property names. */
  product: Plan | null;
  /** A bill of materials (`requires { anyOf }`): the nodes its entries name. */
  requires: Plan | null;
}

/** How many relation levels one statement folds; deeper fields are loaded per level by the loaders. */
export const MAX_FOLD_DEPTH = 6;

export const emptyPlan = (): Plan => ({ sources: null, props: new Set(), relations: new Map() });
/** A plan that reads every property and nothing beyond the node: its root statement needs no fold. */
export const isEmptyPlan = (plan: Plan): boolean => plan.props === null && plan.sources === null && plan.relations.size === 0;

/** What a planner needs of the GraphQL request (a subset of GraphQLResolveInfo). */
export interface PlanInput {
  readonly schema: GraphQLSchema;
  readonly fragments: Record<string, FragmentDefinitionNode>;
  readonly variableValues: Record<string, unknown>;
}

interface Selected {
  readonly type: GraphQLObjectType;
  readonly field: FieldNode;
}

export class Planner {
  /** Whether the plan depends on the request's variables (a connection's `first: $n`): it is not cached then. */
  readsVariables = false;

  constructor(private readonly input: PlanInput) {}

  /** The plan of nodes of `type` (an object type or an interface) selected by `sets`. */
  plan(sets: readonly SelectionSetNode[], type: GraphQLNamedType, depth = 0): Plan {
    const plan = emptyPlan();
    this.addTo(plan, sets, this.possible(type), depth);
    return plan;
  }

  /** The selection sets under the fields named `path` (through fragments), with the type they select on. */
  descend(sets: readonly SelectionSetNode[], type: GraphQLNamedType, path: readonly string[]): { sets: SelectionSetNode[]; type: GraphQLNamedType } | null {
    let level: { sets: SelectionSetNode[]; type: GraphQLNamedType } = { sets: [...sets], type };
    for (const name of path) {
      const fields = this.collect(level.sets, this.possible(level.type)).filter((s) => s.field.name.value === name);
      const first = fields[0];
      if (!first) return null;
      const definition = first.type.getFields()[name];
      if (!definition) return null;
      level = { sets: fields.flatMap((s) => (s.field.selectionSet ? [s.field.selectionSet] : [])), type: getNamedType(definition.type) };
    }
    return level;
  }

  private addTo(plan: Plan, sets: readonly SelectionSetNode[], types: readonly GraphQLObjectType[], depth: number): void {
    for (const { type, field } of this.collect(sets, types)) {
      const name = field.name.value;
      const fold = FOLDS[type.name]?.[name];
      const definition = type.getFields()[name];
      if (name === 'sources' && definition) {
        plan.sources ??= emptyPlan();
        this.addTo(plan.sources, field.selectionSet ? [field.selectionSet] : [], this.possible(getNamedType(definition.type)), depth + 1);
      }
      if (!fold) addProperties(plan, propertiesOfField(type.name, name));
      if (!fold || !definition || depth >= MAX_FOLD_DEPTH) continue;
      const fieldType = getNamedType(definition.type);
      const subSets = field.selectionSet ? [field.selectionSet] : [];
      const rows = fold.kind === 'page' ? this.pageRows(fold, definition, field, subSets, fieldType) : Infinity;
      for (const relation of fold.relations) {
        const entry = relationPlan(plan, relation, type.name);
        entry.rows = Math.max(entry.rows, rows);
        for (const prop of NODE_FIELD_RELATIONSHIP_PROPERTIES[type.name]?.[name] ?? []) entry.props.add(prop);
        if (fold.kind === 'nodes') {
          this.addTo(entry.other, subSets, this.possible(fieldType), depth + 1);
        } else if (fold.kind === 'page') {
          const nodes = this.descend(subSets, fieldType, ['edges', 'node']);
          if (nodes) this.addTo(entry.other, nodes.sets, this.possible(nodes.type), depth + 1);
        } else {
          this.addLink(plan, entry, relation, type, subSets, fieldType, depth);
        }
      }
    }
  }

  /**
   * How many rows of its relation a connection field reads of each node: its first page and one more;
   * all of them when it filters them, starts after a cursor, counts them (`totalCount`), or has
   * arguments its resolver refuses (it then says why).
   */
  private pageRows(fold: Fold & { kind: 'page' }, definition: GraphQLField<unknown, unknown>, field: FieldNode, sets: readonly SelectionSetNode[], type: GraphQLNamedType): number {
    if (!fold.first) return Infinity;
    if (field.arguments?.some((argument) => argument.value.kind === Kind.VARIABLE)) this.readsVariables = true;
    try {
      const args = getArgumentValues(definition, field, this.input.variableValues);
      if (args.after !== undefined && args.after !== null) return Infinity;
      if (this.descend(sets, type, ['totalCount'])) return Infinity;
      const first = args.first;
      if (first !== undefined && first !== null && typeof first !== 'number') return Infinity;
      return pageSize(first, 'first') + 1;
    } catch {
      return Infinity;
    }
  }

  /** The fields of a relationship record: its other end, its own end (the parent), sources, product, bill of materials. */
  private addLink(plan: Plan, entry: RelationPlan, relation: RelationName, parent: GraphQLObjectType, sets: readonly SelectionSetNode[], linkType: GraphQLNamedType, depth: number): void {
    const ends = LINK_ENDS[linkType.name];
    if (!ends || !isObjectType(linkType)) return;
    const outgoing = RELATIONS[relation].direction === 'out';
    const [selfField, otherField] = outgoing ? [ends.start, ends.end] : [ends.end, ends.start];
    for (const { field } of this.collect(sets, [linkType])) {
      const name = field.name.value;
      const subSets = field.selectionSet ? [field.selectionSet] : [];
      const definition = linkType.getFields()[name];
      if (!definition) continue;
      for (const prop of propertiesOfLinkField(name, ends)) entry.props.add(prop);
      if (name === otherField) this.addTo(entry.other, subSets, this.possible(getNamedType(definition.type)), depth + 1);
      else if (name === selfField) this.addTo(plan, subSets, [parent], depth);
      else if (name === 'sources') entry.sources = true;
      else if (name === 'product' || name === 'material') {
        entry.product ??= emptyPlan();
        if (name === 'product') this.addTo(entry.product, subSets, this.possible(getNamedType(definition.type)), depth + 1);
        // A flow without a material of its own names its product's (SupplyLink.material).
        else addProperties(entry.product, ['name']);
      } else if (name === 'requires') {
        const anyOf = this.descend(subSets, getNamedType(definition.type), ['anyOf']);
        entry.requires ??= emptyPlan();
        if (anyOf) this.addTo(entry.requires, anyOf.sets, this.possible(anyOf.type), depth + 1);
      }
    }
  }

  /** The object types a value of `type` can have. */
  private possible(type: GraphQLNamedType): readonly GraphQLObjectType[] {
    if (isObjectType(type)) return [type];
    if (isAbstractType(type)) return this.input.schema.getPossibleTypes(type);
    return [];
  }

  /** The fields selected on each of `types`, through inline fragments and spreads whose condition matches, minus skipped ones. */
  private collect(sets: readonly SelectionSetNode[], types: readonly GraphQLObjectType[]): Selected[] {
    const out: Selected[] = [];
    const visit = (set: SelectionSetNode, among: readonly GraphQLObjectType[]): void => {
      for (const selection of set.selections) {
        if (!this.included(selection)) continue;
        if (selection.kind === Kind.FIELD) {
          for (const type of among) out.push({ type, field: selection });
        } else {
          const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : this.input.fragments[selection.name.value];
          if (!fragment) continue;
          visit(fragment.selectionSet, this.narrow(among, fragment.typeCondition?.name.value));
        }
      }
    };
    for (const set of sets) visit(set, types);
    return out;
  }

  private narrow(types: readonly GraphQLObjectType[], condition: string | undefined): readonly GraphQLObjectType[] {
    if (condition === undefined) return types;
    const target = this.input.schema.getType(condition);
    if (!target) return [];
    if (isObjectType(target)) return types.filter((t) => t === target);
    if (isAbstractType(target)) return types.filter((t) => this.input.schema.isSubType(target, t));
    return [];
  }

  private included(node: Parameters<typeof getDirectiveValues>[1]): boolean {
    const variables = this.input.variableValues;
    if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
  }
}

function addProperties(plan: Plan, props: readonly string[] | null): void {
  if (props === null) plan.props = null;
  else for (const prop of props) plan.props?.add(prop);
}

function relationPlan(plan: Plan, relation: RelationName, label: string): RelationPlan {
  let entry = plan.relations.get(relation);
  if (!entry) {
    entry = { labels: new Set(), other: emptyPlan(), rows: 0, props: new Set(), sources: false, product: null, requires: null };
    // The rows are sorted after they arrive, on these properties of the other node.
    addProperties(entry.other, orderingProperties(relation));
    plan.relations.set(relation, entry);
  }
  entry.labels.add(label);
  return entry;
}

/** A canonical text of a plan: equal plans have equal keys (the statement cache's key). */
export function planKey(plan: Plan): string {
  const parts: string[] = [plan.props === null ? '*' : [...plan.props].sort().join('.')];
  if (plan.sources) parts.push(`src(${planKey(plan.sources)})`);
  for (const name of [...plan.relations.keys()].sort()) {
    const entry = plan.relations.get(name)!;
    const extras = [
      entry.props.size > 0 ? `r:${[...entry.props].sort().join('.')}` : '',
      entry.sources ? 'src' : '',
      entry.product ? `prod(${planKey(entry.product)})` : '',
      entry.requires ? `req(${planKey(entry.requires)})` : '',
      Number.isFinite(entry.rows) ? `first:${entry.rows}` : '',
    ].filter(Boolean);
    parts.push(`${name}[${[...entry.labels].sort().join('|')}](${planKey(entry.other)})${extras.length ? `{${extras.join(',')}}` : ''}`);
  }
  return parts.join(',');
}
