// A generator of multipart request variants, from what browsers send to what the RFCs leave loose
// and parsers read apart, and the judge that holds the proxy to the portal's parsers: whatever
// busboy, formidable or undici extract from a forwarded body (file or field) must be bytes the
// proxy scanned. Used by test/proxy/multipart-oracles.test.ts with a fixed seed and by
// bench/multipart-differential.bench.ts for a longer run.
import { createHash } from 'node:crypto';
import type { Random } from '../../scripts/fixtures/random.js';
import { readWithAll, type OracleName } from './form-oracles.js';
import type { TestProxy } from './start.js';
import type { Upstream } from './upstream.js';

export interface Variant {
  /** What was varied, for the failure message. */
  traits: string[];
  contentType: string;
  body: Buffer;
}

const BOUNDARIES = ['B', 'xYz123', '----WebKitFormBoundary7MA4YWxkTrZu0gW', 'a b', "q'(x)+_,-./:=?", 'boundary'];
const NAMES = ['file', 'subject', 'bijlage', 'naïef', 'a"b', '_method'];
const CONTENTS: Array<[string, () => Buffer]> = [
  ['text', () => Buffer.from('Beste werkzoekende, graag tot ziens op de banenmarkt.')],
  ['lines', () => Buffer.from('Vacature\r\nMonteur\r\nUtrecht\r\n')],
  ['binary', () => Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff))],
  ['boundary-like', () => Buffer.from('x\r\n--not-it\r\n--B-\r\n-- B\r\n')],
  ['empty', () => Buffer.alloc(0)],
];
const TRANSFER = ['', '7bit', '8bit', 'binary', 'base64', 'BASE64', 'quoted-printable', 'base64-raw', 'x-uuencode'];

export function generateVariant(random: Random): Variant {
  const traits: string[] = [];
  const trait = <T>(label: string, value: T): T => (traits.push(`${label}=${JSON.stringify(value)}`), value);
  const boundary = trait('boundary', random.pick(BOUNDARIES));
  const quoted = trait('quoted', random.chance(0.3) || boundary.includes(' '));
  const params = trait('params', random.pick(['plain', 'charset-before', 'charset-after', 'decoy', 'twice', 'escaped', 'space-before-semicolon', 'upper']));
  const value = quoted ? `"${boundary}"` : boundary;
  const contentType = {
    plain: `multipart/form-data; boundary=${value}`,
    'charset-before': `multipart/form-data; charset=utf-8; boundary=${value}`,
    'charset-after': `multipart/form-data; boundary=${value}; charset=utf-8`,
    decoy: `multipart/form-data; xboundary=F; boundary=${value}`,
    twice: `multipart/form-data; boundary=F; boundary=${value}`,
    escaped: `multipart/form-data; boundary="${boundary}\\"F"`,
    'space-before-semicolon': `multipart/form-data; boundary=${boundary} ; charset=utf-8`,
    upper: `Multipart/Form-Data; BOUNDARY=${value}`,
  }[params]!;

  const eol = trait('eol', random.chance(0.85) ? '\r\n' : random.pick(['\n', '\r']));
  const parts: Buffer[] = [];
  const count = random.int(1, 4);
  for (let i = 0; i < count; i += 1) {
    const name = random.pick(NAMES);
    const [contentName, content] = random.pick(CONTENTS);
    const file = random.chance(0.5);
    const filename = file ? random.pick(['"a.csv"', '"lijst (1).xlsx"', "*=UTF-8''na%C3%AFef.csv", '""', '"x.bin"; filename*=UTF-8\'\'y.csv']) : undefined;
    const transfer = random.chance(0.7) ? '' : random.pick(TRANSFER);
    const headerCase = random.pick(['canonical', 'lower', 'upper']);
    const fold = random.chance(0.05);
    traits.push(`part${i}=${contentName}${file ? `/file ${filename}` : '/field'}${transfer ? `/cte ${transfer}` : ''}/${headerCase}${fold ? '/folded' : ''}`);
    const header = (h: string) => (headerCase === 'lower' ? h.toLowerCase() : headerCase === 'upper' ? h.toUpperCase() : h);
    const lines = [`${header('Content-Disposition')}: form-data; name="${name}"${filename ? `; filename${filename.startsWith('*') ? filename : `=${filename}`}` : ''}`];
    if (file || random.chance(0.2)) lines.push(fold ? `${header('Content-Type')}: text/plain;${eol} charset=utf-8` : `${header('Content-Type')}: ${random.pick(['text/plain', 'text/csv', 'application/octet-stream'])}`);
    if (transfer) lines.push(`${header('Content-Transfer-Encoding')}: ${transfer === 'base64-raw' ? 'base64' : transfer}`);
    const bytes = content();
    const encoded = transfer.toLowerCase() === 'base64' ? Buffer.from(bytes.toString('base64').replace(/(.{76})/g, '$1\r\n')) : bytes;
    parts.push(Buffer.concat([Buffer.from(`--${boundary}${random.chance(0.05) ? trait('padding', '  ') : ''}${eol}${lines.join(eol)}${eol}${eol}`, 'utf8'), encoded, Buffer.from(eol)]));
  }
  const preamble = random.chance(0.08) ? trait('preamble', random.pick([`junk${eol}`, `x--${boundary}${eol}`])) : '';
  const close = random.chance(0.06) ? trait('close', random.pick(['', `--${boundary}${eol}`])) : `--${boundary}--${eol}`;
  const epilogue = random.chance(0.06) ? trait('epilogue', `--${boundary}${eol}Content-Disposition: form-data; name="late"${eol}${eol}hidden${eol}--${boundary}--`) : '';
  return { traits, contentType, body: Buffer.concat([Buffer.from(preamble), ...parts, Buffer.from(close + epilogue)]) };
}

export interface Judgement {
  outcome: 'refused' | 'forwarded';
  /** Each value an oracle extracted from a forwarded body that the proxy did not scan. */
  unscanned: Array<{ oracle: OracleName; name: string; size: number }>;
  /** A refused request that reached the upstream anyway, or a forwarded one that changed on the way. */
  leaked: boolean;
}

const REPLACEMENT = Buffer.from('\uFFFD');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Sends the variant through the proxy and compares what the portal's parsers read with what was scanned. */
export async function judge(proxy: TestProxy, upstream: Upstream, variant: Variant): Promise<Judgement> {
  const scanned = new Set<string>();
  let fieldsTogether = false;
  const onScanned = (event: { sha256: string; location: string }) => {
    scanned.add(event.sha256);
    fieldsTogether ||= event.location.endsWith(':*');
  };
  proxy.events.on('upload-passed', onScanned);
  proxy.events.on('upload-blocked', onScanned);
  const seen = upstream.received.length;
  try {
    const response = await fetch(`${proxy.url}/api/attachments`, { method: 'POST', headers: { 'content-type': variant.contentType }, body: new Uint8Array(variant.body) });
    await response.arrayBuffer();
    const arrived = upstream.received.slice(seen);
    if (response.status >= 400 && response.status < 500) return { outcome: 'refused', unscanned: [], leaked: arrived.length > 0 };
    const received = arrived[0];
    if (!received) throw new Error(`the proxy answered ${response.status} without forwarding`);
    const unscanned: Judgement['unscanned'] = [];
    for (const [oracle, reading] of Object.entries(await readWithAll(received.headers, received.body)) as Array<[OracleName, Awaited<ReturnType<typeof readWithAll>>[OracleName]]>) {
      if ('error' in reading) continue;
      for (const part of reading.parts) {
        // busboy and undici decode every field as UTF-8; a binary file sent as a field (it has a NUL)
        // is scanned as the bytes it is, and its mangled text cannot hold more than those.
        const mangledBinary = part.filename === undefined && part.bytes.includes(0) && part.bytes.includes(REPLACEMENT);
        // A one-line field is no table by itself: the proxy reads it as a row of all fields together.
        const oneLineField = part.filename === undefined && !/[\r\n\v\f\u0085\u2028\u2029]|^\s*[[{]/.test(part.bytes.toString('utf8')) && fieldsTogether;
        if (part.bytes.byteLength > 0 && !mangledBinary && !oneLineField && !scanned.has(sha256(part.bytes))) unscanned.push({ oracle, name: part.name, size: part.bytes.byteLength });
      }
    }
    return { outcome: 'forwarded', unscanned, leaked: !received.body.equals(variant.body) };
  } finally {
    proxy.events.off('upload-passed', onScanned);
    proxy.events.off('upload-blocked', onScanned);
  }
}
