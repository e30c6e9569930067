import { isIsoDateTime } from '../../src/dateTime';

describe('isIsoDateTime', () => {
  it.each(['2026-11-23', '2026-11-23T00:00', '2026-11-23T12:34:56Z', '2024-02-29T23:59:59.123456789Z', '2026-11-23T01:00:00+03:00'])('accepts %s', (text) => {
    expect(isIsoDateTime(text)).toBe(true);
  });

  it.each(['2026-02-30', '2025-02-29', '2026-04-31T00:00Z', '2026-13-01', '2026-00-10', '2026-11-23T24:00Z', '2026-11-23T12:60Z', 'yesterday', '2026-11-23 12:00', ''])(
    'refuses %s',
    (text) => {
      expect(isIsoDateTime(text)).toBe(false);
    },
  );

  it('can require a UTC time', () => {
    expect(isIsoDateTime('2026-11-23T12:00:00.5Z', { requireUtcTime: true })).toBe(true);
    expect(isIsoDateTime('2026-11-23', { requireUtcTime: true })).toBe(false);
    expect(isIsoDateTime('2026-11-23T12:00+01:00', { requireUtcTime: true })).toBe(false);
  });
});
