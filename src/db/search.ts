/**
 * Turns a user's words into a Lucene query for the full-text index. Lucene syntax is a language of its
 * own, so the words are reduced to letters and digits first: no user character reaches the parser as an
 * operator. Each word matches exactly (boosted), as a prefix, or with one typo.
 */
export function toLuceneQuery(text: string): string | null {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 10);
  if (words.length === 0) return null;
  return words
    .map((w) => (w.length >= 4 ? `(${w}^3 OR ${w}*^2 OR ${w}~1)` : `(${w}^3 OR ${w}*)`))
    .join(' AND ');
}
