// Protected-site patterns become the regexFilter of the token-header rules: the token must reach
// exactly the protected sites, on any port unless the pattern names one, and nothing else.
import { describe, expect, it } from 'vitest';
import { matchPatternToRegex } from '../../shared/match-pattern.js';

const matches = (pattern: string, url: string) => new RegExp(matchPatternToRegex(pattern)).test(url);

describe('matchPatternToRegex', () => {
  it.each([
    ['http://localhost/*', 'http://localhost:8080/compose', true],
    ['http://localhost/*', 'http://localhost/', true],
    ['http://localhost/*', 'https://localhost/', false],
    ['http://localhost/*', 'http://localhost.evil.example/', false],
    ['http://localhost/*', 'http://evil.example/?http://localhost/', false],
    ['http://127.0.0.1/*', 'http://127.0.0.2/', false],
    ['*://portal.example.nl/*', 'https://portal.example.nl/werkmap', true],
    ['*://portal.example.nl/*', 'ftp://portal.example.nl/', false],
    ['https://*.werk.example/*', 'https://werkmap.werk.example/a', true],
    ['https://*.werk.example/*', 'https://werk.example/a', true],
    ['https://*.werk.example/*', 'https://werkxwerk.example/a', false],
    ['https://portal.example:8443/api/*', 'https://portal.example:8443/api/messages', true],
    ['https://portal.example:8443/api/*', 'https://portal.example:9443/api/messages', false],
    ['https://portal.example:8443/api/*', 'https://portal.example:8443/other', false],
  ])('%s against %s: %s', (pattern, url, expected) => {
    expect(matches(pattern, url)).toBe(expected);
  });

  it('refuses what is not a match pattern, with the pattern in the message', () => {
    expect(() => matchPatternToRegex('<all_urls>')).toThrow(/<all_urls>/);
    expect(() => matchPatternToRegex('localhost')).toThrow(/localhost/);
  });
});
