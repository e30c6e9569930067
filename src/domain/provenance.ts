/**
 * Provenance rules: what makes a fact citable, beyond its shape. The seed loader and the bulk import
 * (`npm run import` and `importRecords`) refuse records that break any of them (domain/validate.ts
 * names file, record and rule); the other mutations apply `alias-generic`, `share-number` and
 * `link-certainty` (curation/inputs.ts), and `connect` the material rules of domain/materials.ts too.
 * They are write-time rules: reading a store written before a rule existed still works.
 *
 * Each rule has a stable name, quoted in every message: `alias-generic`, `alias-unique`,
 * `figure-citation`, `link-certainty`, `seed-only`, `share-number`.
 */

export type Confidence = 'stated' | 'inferred' | 'unconfirmed';

/** Words that name a kind of thing, not a thing: never an alias. */
export const GENERIC_ALIASES: ReadonlySet<string> = new Set([
  'plant', 'factory', 'mine', 'deposit', 'field', 'city', 'town', 'district', 'region', 'ulus', 'group', 'company',
  'holding', 'project', 'cluster', 'planned', 'operating', 'lithium', 'rare earths', 'unseparated',
]);

/** Source ids of the project's own seed texts: `seed-…` (a fact only they state is `unconfirmed`). */
export const SEED_TEXT_PREFIX = 'seed-';

const RANK: Readonly<Record<Confidence, number>> = { stated: 2, inferred: 1, unconfirmed: 0 };

/** A stored confidence word as a Confidence (a record stored without one is `stated`). */
export function storedConfidence(value: unknown): Confidence {
  return value === 'inferred' || value === 'unconfirmed' ? value : 'stated';
}

/** The aliases that are generic words (rule `alias-generic`). */
export function genericAliases(aliases: readonly string[]): string[] {
  return aliases.filter((alias) => GENERIC_ALIASES.has(alias.trim().toLowerCase()));
}

/** A link more certain than its least certain end (rule `link-certainty`), as a sentence; null when it is not. */
export function linkCertaintyProblem(link: Confidence, ends: readonly { readonly id: string; readonly confidence: Confidence }[]): string | null {
  const weakest = ends.reduce<{ id: string; confidence: Confidence } | null>((min, end) => (min === null || RANK[end.confidence] < RANK[min.confidence] ? end : min), null);
  if (!weakest || RANK[link] <= RANK[weakest.confidence]) return null;
  return `${link === 'inferred' ? 'an' : 'a'} ${link} link to "${weakest.id}", which is ${weakest.confidence}: a link is never more certain than its least certain end (rule link-certainty)`;
}

/** A record that only the seed texts state, yet not `unconfirmed` (rule `seed-only`); null when fine. */
export function seedOnlyProblem(confidence: Confidence, sources: readonly string[]): string | null {
  if (confidence === 'unconfirmed' || sources.length === 0 || !sources.every((s) => s.startsWith(SEED_TEXT_PREFIX))) return null;
  return `only the project's seed texts state this, so it is unconfirmed, not ${confidence} (rule seed-only)`;
}

/** Most sources a Figure may cite: the publication and edition that give the value, and a few reports of it. */
export const MAX_FIGURE_SOURCES = 4;

/**
 * A Figure citing more than the publication that gives its value (rule `figure-citation`): more than
 * MAX_FIGURE_SOURCES sources, or a seed text next to publications — the marks of a country's whole
 * source list copied onto each of its figures. Null when fine.
 */
export function figureCitationProblem(sources: readonly string[]): string | null {
  if (sources.length > MAX_FIGURE_SOURCES) {
    return `a figure cites the publication and edition that give its value and at most ${MAX_FIGURE_SOURCES - 1} reports of it, not ${sources.length} sources (rule figure-citation)`;
  }
  const seedText = sources.find((s) => s.startsWith(SEED_TEXT_PREFIX));
  if (seedText && sources.some((s) => !s.startsWith(SEED_TEXT_PREFIX))) {
    return `a figure cites the publications that give its value; the seed text "${seedText}" next to them does not (rule figure-citation)`;
  }
  return null;
}

/** A share that is not a number from 0 to 100 (rule `share-number`; put the wording in `note`); null when fine. */
export function shareProblem(value: unknown): string | null {
  if (value === undefined || (typeof value === 'number' && value >= 0 && value <= 100)) return null;
  return `a percentage from 0 to 100, with any wording in "note" (got ${JSON.stringify(value)}) (rule share-number)`;
}

/** The key under which names and aliases must be unique (rule `alias-unique`): case and spacing folded. */
export function nameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}
