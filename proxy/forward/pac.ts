// The proxy auto-config file the forward proxy serves at /proxy.pac: browsers send the protected
// hosts to the proxy and everything else DIRECT, so the proxy sees only the portal's traffic.
// There is no "; DIRECT" fallback: when the proxy is down the portal is unreachable rather than
// reached unchecked.
export const PAC_PATH = '/proxy.pac';
export const PAC_TYPE = 'application/x-ns-proxy-autoconfig';

/** `proxy` is HOST:PORT as the browsers reach the proxy; `hosts` are lower case, as hostKey() makes them. */
export function pacFile(hosts: readonly string[], proxy: string): string {
  return [
    '// export-guard forward proxy: the protected hosts go through it, everything else DIRECT.',
    'function FindProxyForURL(url, host) {',
    // The host a browser passes may carry a trailing dot or, for IPv6, brackets.
    '  var name = host.toLowerCase().replace(/\\.$/, "").replace(/^\\[(.*)\\]$/, "$1");',
    `  var hosts = ${JSON.stringify(hosts)};`,
    '  for (var i = 0; i < hosts.length; i++) {',
    `    if (name === hosts[i]) return ${JSON.stringify(`PROXY ${proxy}`)};`,
    '  }',
    '  return "DIRECT";',
    '}',
    '',
  ].join('\n');
}

/**
 * The proxy's address for the PAC file: the Host the browser fetched it from (the name it already
 * reaches the proxy by), with the proxy's port when the Host has none; `fallback` without a Host.
 */
export function pacProxyAddress(hostHeader: string | undefined, port: number, fallback: string): string {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(hostHeader ?? '');
  return match ? `${match[1]}:${match[2] ?? port}` : fallback;
}
