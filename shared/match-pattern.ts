// WebExtension match patterns (`scheme://host/path` with `*` wildcards), the form in which the
// policy names protected sites, turned into the regular expressions declarativeNetRequest takes.

/** http(s) only: a protected site is a web portal, and `<all_urls>` or file:// are never one. */
const SITE_PATTERN = /^(\*|https?):\/\/(\*|(?:\*\.)?[^/*]+)(\/.*)$/;

export function isSupportedSitePattern(pattern: string): boolean {
  return SITE_PATTERN.test(pattern);
}

/**
 * A WebExtension match pattern (`scheme://host/path`, `*` wildcards) as a DNR regexFilter. As in
 * match patterns, a host without a port matches every port.
 */
export function matchPatternToRegex(pattern: string): string {
  const parsed = SITE_PATTERN.exec(pattern);
  if (!parsed) throw new Error(`Not a supported match pattern: "${pattern}"`);
  const [, scheme = '', host = '', path = ''] = parsed;
  const schemeRe = scheme === '*' ? 'https?' : scheme;
  const hostRe =
    host === '*' ? '[^/:]+' : host.startsWith('*.') ? `(?:[^/:]+\\.)?${escapeRegex(host.slice(2))}` : escapeRegex(host);
  const portRe = host.includes(':') ? '' : '(?::\\d+)?';
  const pathRe = path.split('*').map(escapeRegex).join('.*');
  return `^${schemeRe}://${hostRe}${portRe}${pathRe}`;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
