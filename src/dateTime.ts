/**
 * ISO 8601 date-times as Neo4j's `datetime()` accepts them: `YYYY-MM-DD`, optionally `Thh:mm[:ss[.f…]]`
 * and a zone (`Z` or `±hh:mm`). Checked field by field, with real month lengths: `Date.parse` accepts
 * 30 February, which Neo4j refuses (an internal error instead of a clear one).
 */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))?)?$/;

export function isIsoDateTime(text: string, options: { requireUtcTime?: boolean } = {}): boolean {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return false;
  const [, year, month, day, hour, minute, second, zone, zoneHours, zoneMinutes] = match;
  if (options.requireUtcTime && zone !== 'Z') return false;
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  const within = (value: string | undefined, max: number): boolean => value === undefined || Number(value) <= max;
  return (
    Number(month) >= 1 &&
    Number(month) <= 12 &&
    Number(day) >= 1 &&
    Number(day) <= daysInMonth &&
    within(hour, 23) &&
    within(minute, 59) &&
    within(second, 59) &&
    within(zoneHours, 18) &&
    within(zoneMinutes, 59)
  );
}
