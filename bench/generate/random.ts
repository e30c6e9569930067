/**
 * Deterministic randomness for the synthetic graph: a 32-bit hash (mix), a tiny PRNG (mulberry32),
 * one independent stream per purpose, and the draws built on them (uniform ints and picks, a Zipf
 * law, a permutation spreading hub ranks, the "band" mapping between layers).
 */

/** The murmur3 finaliser: a well-mixed 32-bit hash of a 32-bit value. */
export function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: a tiny, fast PRNG with a 32-bit state; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;

/** Independent random streams, one per purpose, so that each entity's draws never depend on another's. */
export enum Stream {
  Source = 1,
  Element,
  Country,
  Subject,
  District,
  Company,
  CompanyRels,
  Deposit,
  DepositRels,
  Facility,
  FacilityPlace,
  FacilityRels,
  Product,
  ProductRels,
}

export function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/**
 * A rank in [0, n) drawn from a (continuous approximation of a) Zipf law P(k) ∝ (k+1)^-s:
 * rank 0 gets the largest share; s > 1 makes a few ranks take most of the draws.
 */
export function zipf(rng: Rng, n: number, s: number): number {
  const u = rng();
  let x: number;
  if (Math.abs(s - 1) < 1e-9) x = Math.pow(n + 1, u);
  else {
    const a = 1 - s;
    x = Math.pow((Math.pow(n + 1, a) - 1) * u + 1, 1 / a);
  }
  return Math.min(n - 1, Math.max(0, Math.floor(x) - 1));
}

/** A permutation of [0, n) (multiplication by a prime coprime to n), so hub ranks land anywhere in a layer. */
export function spread(rank: number, n: number, salt: number): number {
  const prime = n % 7919 !== 0 ? 7919 : 104_729;
  return (rank * prime + salt) % n;
}

/**
 * The targets in [0, nb) of source j in [0, na) under the "band" mapping: sources and targets are
 * laid side by side, so every source has at least one target and every target at least one source.
 */
export function band(j: number, na: number, nb: number, out: number[]): void {
  const m = Math.max(na, nb);
  const k0 = Math.ceil((j * m) / na);
  const k1 = Math.ceil(((j + 1) * m) / na);
  let last = -1;
  for (let k = k0; k < k1; k++) {
    const t = Math.floor((k * nb) / m);
    if (t !== last && t < nb) {
      out.push(t);
      last = t;
    }
  }
}
