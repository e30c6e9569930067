/**
 * What material moves where: the rules that make the flow model material-aware.
 *
 * - A flow between facilities (FEEDS, SUPPLIES) names the product it carries (`product`, a Product id);
 *   a flow from a deposit carries that deposit's ore and may name a product.
 * - Production (PRODUCES) may carry a bill of materials, `requires`: one entry per required input, each
 *   entry a product or deposit id, or several joined by `|` when any one of them suffices. Without one,
 *   an output needs every input the facility receives.
 * - AT_STAGE says for which commodity families an entity works at a stage (`commodities`), so a
 *   separation question about rare earths does not count a lithium hydroxide plant.
 */

/** Commodity families, as stages, shares and capacities name them. */
export const COMMODITIES = [
  'rare earths',
  'lithium',
  'niobium',
  'tantalum',
  'titanium',
  'magnesium',
  'tungsten',
  'molybdenum',
  'zirconium',
  'scandium',
  'cobalt',
  'high-purity chemicals',
] as const;
export type Commodity = (typeof COMMODITIES)[number];

export function isCommodity(value: string): value is Commodity {
  return COMMODITIES.some((c) => c === value);
}

/** One required input of an output: the ids any one of which suffices. */
export type Requirement = readonly string[];

/** `a|b` → [a, b]. */
export function parseRequirement(entry: string): Requirement {
  return entry.split('|').map((id) => id.trim()).filter((id) => id.length > 0);
}

/** The relationship types whose facility-to-facility links must name their product (rule `flow-product`). */
export const PRODUCT_FLOWS: readonly string[] = ['FEEDS', 'SUPPLIES'];

/** What a flow into a facility counts as for a bill of materials: its product, else where it comes from (a deposit's ore). */
export function inputKey(flow: { readonly from: string; readonly product?: unknown }): string {
  return typeof flow.product === 'string' && flow.product.length > 0 ? flow.product : flow.from;
}

/** A flow's `product` that names something else than a Product: `label` is what it names, undefined when nothing. */
export function productReferenceProblem(id: string, label: string | undefined): string | null {
  if (label === 'Product') return null;
  return label ? `"${id}" is not a Product (it is of kind ${label})` : `no product has the id "${id}"`;
}

/** A flow between facilities that does not name a product (rule `flow-product`), as a sentence; null when fine. */
export function flowProductProblem(type: string, fromLabel: string, toLabel: string, product: unknown): string | null {
  if (!PRODUCT_FLOWS.includes(type) || fromLabel !== 'Facility' || toLabel !== 'Facility' || typeof product === 'string') return null;
  return `a ${type} link between facilities names the product it carries in "product" (a Product id) (rule flow-product)`;
}

/**
 * The entries of a bill of materials that are not inputs of the facility (rule `bill-of-materials`):
 * each id must be a product the facility receives (a named flow or CONSUMED_BY) or a deposit feeding it.
 */
export function billOfMaterialsProblems(requires: readonly string[], inputs: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const entry of requires) {
    const ids = parseRequirement(entry);
    if (ids.length === 0) problems.push(`an empty requirement (rule bill-of-materials)`);
    for (const id of ids) {
      if (!inputs.has(id)) problems.push(`requires "${id}", which is not an input of the facility: no flow names it and it is not CONSUMED_BY the facility (rule bill-of-materials)`);
    }
  }
  return problems;
}

/** A link AT_STAGE without commodities (rule `stage-commodity`), as a sentence; null when fine. */
export function stageCommodityProblem(type: string, commodities: readonly string[] | undefined): string | null {
  if (type !== 'AT_STAGE' || (commodities && commodities.length > 0)) return null;
  return `AT_STAGE names the commodity families the entity works on at that stage in "commodities" (rule stage-commodity)`;
}
