import fc from 'fast-check';
import { channelPatternMatches, maySubscribe, normalizeOrigin, parseChannelPermissions, tokenFromSubprotocols } from '../../../shared/auth';

describe('shared/auth', () => {
  test.each([
    ['private-team-42-*', 'private-team-42-builds', true],
    ['private-team-42-*', 'private-team-42-', true],
    ['private-team-42-*', 'private-team-421-x', false],
    ['private-team-42', 'private-team-42', true],
    ['private-team-42', 'private-team-42x', false],
    ['private-*-ops', 'private-team-ops', true],
    ['private-*-ops', 'private-ops', false],
    ['private-.*', 'private-x', false],
    ['*', 'private-anything', true],
  ])('pattern %s vs %s: %s', (pattern, channel, expected) => {
    expect(channelPatternMatches(pattern, channel)).toBe(expected);
  });

  test('a pattern without * is an exact match, and public channels need no permission', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => {
      fc.pre(!a.includes('*'));
      expect(channelPatternMatches(a, b)).toBe(a === b);
    }));
    expect(maySubscribe('scores', [])).toBe(true);
    expect(maySubscribe('private-x', [])).toBe(false);
  });

  test('permissions come from an array or a space-separated string; invalid entries are dropped', () => {
    expect(parseChannelPermissions(['private-a-*', 'bad channel', 42, 'private-b'])).toEqual(['private-a-*', 'private-b']);
    expect(parseChannelPermissions('private-a-*  private-b')).toEqual(['private-a-*', 'private-b']);
    expect(parseChannelPermissions({ x: 1 })).toEqual([]);
  });

  test('the token is the subprotocol after websocket-push', () => {
    expect(tokenFromSubprotocols('websocket-push, a.b.c')).toBe('a.b.c');
    expect(tokenFromSubprotocols('a.b.c, websocket-push')).toBeUndefined();
    expect(tokenFromSubprotocols('websocket-push')).toBeUndefined();
    expect(tokenFromSubprotocols(undefined)).toBeUndefined();
  });

  test.each([
    ['https://app.example.com', 'https://app.example.com'],
    ['HTTPS://App.Example.com:443', 'https://app.example.com'],
    ['http://localhost:5173', 'http://localhost:5173'],
    ['https://app.example.com/', undefined],
    ['https://app.example.com/x', undefined],
    ['https://user@app.example.com', undefined],
    ['ws://app.example.com', undefined],
    ['null', undefined],
    ['', undefined],
  ])('origin %j normalizes to %j', (text, expected) => {
    expect(normalizeOrigin(text)).toBe(expected);
  });
});
