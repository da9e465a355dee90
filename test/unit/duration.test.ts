import { parseDuration } from '../../src/duration';

describe('parseDuration', () => {
  it.each([
    ['7d', 7 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['30m', 30 * 60_000],
    ['45s', 45_000],
    ['3600', 3_600_000],
    [' 2D ', 2 * 86_400_000],
    ['0', 0],
  ])('reads %p as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'd', '7 days', '1.5h', '-1d', '7w', '1e3', '9'.repeat(30)])('refuses %p', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
