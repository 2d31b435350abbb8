// An adversary uploads a 300-person export in every shape that once got through: each is refused
// (4xx) and the upstream receives nothing, while a harmless request of the same shapes passes byte
// for byte. The upstream is the recording one; what it receives is also read by busboy,
// formidable and undici, so a forwarded body is checked in the readings the portal would make.
import { beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { exportTable, leak4Export } from '../../scripts/fixtures/catalogue.js';
import { delimited } from '../../scripts/fixtures/formats.js';
import { detect } from '../../shared/detector/index.js';
import { fixtureBytes } from '../helpers/fixtures.js';
import { readWithAll } from './form-oracles.js';
import { proxyBeforeAll } from './start.js';

interface Shape {
  headers: Record<string, string>;
  body: Buffer | Buffer[];
}

const rows = exportTable(300, 4).map((row) => row.map((cell) => (typeof cell === 'object' && cell !== null && 'date' in cell ? cell.date : cell)));
const csv = Buffer.from(delimited(exportTable(300, 4), ';'));
const csvText = csv.toString('utf8');
const xlsx = Buffer.from(leak4Export(300, 'xlsx'));
const header = rows[0]!.map(String);
const records = rows.slice(1).map((row) => Object.fromEntries(row.map((cell, i) => [header[i]!, cell])));

const stack = proxyBeforeAll();

const part = (headers: string, content: Buffer | string, eol = '\r\n') => Buffer.concat([Buffer.from(`${headers.replace(/\r\n/g, eol)}${eol}${eol}`), Buffer.from(content), Buffer.from(eol)]);
const multipart = (contentType: string, ...pieces: Array<Buffer | string>): Shape => ({ headers: { 'content-type': contentType }, body: Buffer.concat(pieces.map((p) => Buffer.from(p))) });
const disposition = (name: string, filename?: string) => `Content-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}`;
const json = (value: unknown, contentType = 'application/json'): Shape => ({ headers: { 'content-type': contentType }, body: Buffer.from(JSON.stringify(value)) });
const form = (body: string): Shape => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(body) });
const base64 = (bytes: Buffer) => bytes.toString('base64');

const ATTACKS: Record<string, () => Shape> = {
  'multipart: Content-Transfer-Encoding base64 over the raw xlsx': () => multipart('multipart/form-data; boundary=B', '--B\r\n', part(`${disposition('file', 'a.xlsx')}\r\nContent-Transfer-Encoding: bAsE64`, xlsx), '--B--\r\n'),
  'multipart: quoted-printable over the raw csv': () => multipart('multipart/form-data; boundary=B', '--B\r\n', part(`${disposition('file', 'a.csv')}\r\nContent-Transfer-Encoding: quoted-printable`, csv), '--B--\r\n'),
  'multipart: escaped quote in the boundary': () => multipart('multipart/form-data; boundary="AAA\\"BBB"', '--AAA"BBB\r\n', part(disposition('file', 'a.csv'), csv), '--AAA"BBB--\r\n'),
  'multipart: xboundary before boundary': () => multipart('multipart/form-data; xboundary=F; boundary=B', '--F\r\n', part(disposition('file', 'a.csv'), csv), '--F--\r\n--B\r\n', part(disposition('s'), 'x'), '--B--\r\n'),
  'multipart: folded part header with a colon': () => multipart('multipart/form-data; boundary=B', '--B\r\n', part(`Content-Disposition: form-data; name="s"\r\n X-Note: filename="a.csv"`, csv), '--B--\r\n'),
  'multipart: CR-only line ends': () => multipart('multipart/form-data; boundary=B', '--B\r', part(disposition('file', 'a.csv'), csv, '\r'), '--B--\r'),
  'multipart: LF-only line ends': () => multipart('multipart/form-data; boundary=B', '--B\n', part(disposition('file', 'a.csv'), csv, '\n'), '--B--\n'),
  'multipart: no final boundary': () => multipart('multipart/form-data; boundary=B', '--B\r\n', part(disposition('file', 'a.csv'), csv)),
  'multipart: the export in the preamble': () => multipart('multipart/form-data; boundary=B', `x--B\r\n`, part(disposition('file', 'a.csv'), csv), '--B\r\n', part(disposition('s'), 'x'), '--B--\r\n'),
  'multipart: the export in the epilogue': () => multipart('multipart/form-data; boundary=B', '--B\r\n', part(disposition('s'), 'x'), '--B--\r\n--B\r\n', part(disposition('file', 'a.csv'), csv), '--B--\r\n'),
  "multipart: filename*= only": () => multipart('multipart/form-data; boundary=B', '--B\r\n', part(`Content-Disposition: form-data; name="file"; filename*=UTF-8''lijst%20maart.xlsx`, xlsx), '--B--\r\n'),
  'multipart: the csv as a field': () => multipart('multipart/form-data; boundary=B', '--B\r\n', part(disposition('body'), csv), '--B--\r\n'),
  'multipart: the xlsx as a field': () => multipart('multipart/form-data; boundary=B', '--B\r\n', part(disposition('body'), xlsx), '--B--\r\n'),
  'multipart: 300 fields of one row each': () => multipart('multipart/form-data; boundary=B', ...csvText.trim().split('\r\n').flatMap((line, i) => ['--B\r\n', part(disposition(`r${i}`), line)]), '--B--\r\n'),
  'multipart: a field with CR-only rows': () => multipart('multipart/form-data; boundary=B', '--B\r\n', part(disposition('body'), csvText.replace(/\r\n/g, '\r')), '--B--\r\n'),
  'multipart: a field with U+2028 rows': () => multipart('multipart/form-data; boundary=B', '--B\r\n', part(disposition('body'), csvText.replace(/\r\n/g, '\u2028')), '--B--\r\n'),
  'multipart: upper-case headers in multipart/mixed': () => multipart('multipart/mixed; boundary=B', '--B\r\n', part('CONTENT-TYPE: APPLICATION/OCTET-STREAM', xlsx), '--B--\r\n'),
  'multipart body under a JSON type that mentions multipart': () => multipart('application/json; note=multipart; boundary=B', '--B\r\n', part(disposition('file', 'a.xlsx'), xlsx), '--B--\r\n'),
  'multipart: a field named twice': () => multipart('multipart/form-data; boundary=B', '--B\r\n', part('Content-Disposition: form-data; name="s"; name="file"; filename="a.csv"', csv), '--B--\r\n'),
  'JSON: rows as an array of arrays': () => json(rows),
  'JSON: rows as an array of records': () => json(records),
  'JSON: records with a byte order mark': () => ({ headers: { 'content-type': 'application/json' }, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(records))]) }),
  'JSON: records in UTF-16': () => ({ headers: { 'content-type': 'application/json; charset=utf-16le' }, body: Buffer.from(JSON.stringify({ body: csvText }), 'utf16le') }),
  'JSON: a trailing comma': () => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from(`{"body": ${JSON.stringify(csvText)},}`) }),
  'JSON: a duplicate key hides the first value': () => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from(`{"body": ${JSON.stringify(csvText)}, "body": "hallo"}`) }),
  'JSON: text/json': () => json({ body: csvText }, 'text/json'),
  'JSON: CR-only rows in a string': () => json({ body: csvText.replace(/\r\n/g, '\r') }),
  'JSON: U+2028 rows in a string': () => json({ body: csvText.replace(/\r\n/g, '\u2028') }),
  'JSON: the csv as a key': () => json({ [csvText]: true }),
  'JSON: hex of the csv': () => json({ data: csv.toString('hex') }),
  'JSON: base64 wrapped at 76 columns': () => json({ data: base64(xlsx).replace(/(.{76})/g, '$1\n') }),
  'XML: base64 with spaces': () => ({ headers: { 'content-type': 'application/xml' }, body: Buffer.from(`<upload><data>${base64(xlsx).replace(/(.{64})/g, '$1 ')}</data></upload>`) }),
  'XML: hex': () => ({ headers: { 'content-type': 'application/xml' }, body: Buffer.from(`<upload><data>${csv.toString('hex')}</data></upload>`) }),
  'form: a raw csv declared urlencoded': () => form(csvText),
  'form: 300 fields of one row each': () => form(csvText.trim().split('\r\n').map((line, i) => `r${i}=${encodeURIComponent(line)}`).join('&')),
  'form: CR-only rows in a field': () => form(`body=${encodeURIComponent(csvText.replace(/\r\n/g, '\r'))}`),
  'form: base64 split across fields': () => form(base64(xlsx).match(/.{1,4000}/g)!.map((piece, i) => `p${i}=${encodeURIComponent(piece)}`).join('&')),
  'gzip: multipart': () => ({ headers: { 'content-type': 'multipart/form-data; boundary=B', 'content-encoding': 'gzip' }, body: gzipSync(Buffer.concat([Buffer.from('--B\r\n'), part(disposition('file', 'a.xlsx'), xlsx), Buffer.from('--B--\r\n')])) }),
  'br: JSON records': () => ({ headers: { 'content-type': 'application/json', 'content-encoding': 'br' }, body: brotliCompressSync(Buffer.from(JSON.stringify(records))) }),
  'deflate: a raw csv': () => ({ headers: { 'content-type': 'text/csv', 'content-encoding': 'deflate' }, body: deflateSync(csv) }),
  'chunked: a raw csv in pieces': () => ({ headers: { 'content-type': 'text/csv' }, body: [csv.subarray(0, 1000), csv.subarray(1000, 5000), csv.subarray(5000)] }),
  'text: U+2028 rows in text/plain': () => ({ headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(csvText.replace(/\r\n/g, '\u2028')) }),
};

async function send(shape: Shape, path = '/api/attachments'): Promise<{ status: number; sent: Buffer }> {
  const pieces = Array.isArray(shape.body) ? shape.body : [shape.body];
  const chunked = Array.isArray(shape.body);
  const sent = Buffer.concat(pieces);
  return new Promise((resolve, reject) => {
    const req = request(`${stack.proxy.url}${path}`, { method: 'POST', headers: { ...shape.headers, ...(chunked ? {} : { 'content-length': String(sent.byteLength) }) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, sent }));
    });
    req.on('error', reject);
    for (const piece of pieces) req.write(piece);
    req.end();
  });
}

describe('a 300-person export in every adversarial shape is refused', () => {
  it('the export is an export', async () => {
    expect((await detect(csv)).verdict).toBe('block');
    expect((await detect(xlsx)).verdict).toBe('block');
  });

  for (const [name, shape] of Object.entries(ATTACKS)) {
    it(name, async () => {
      const seen = stack.upstream.received.length;
      const { status } = await send(shape());
      const arrived = stack.upstream.received.slice(seen);
      // Whatever went through, the readings the portal would make of it must hold no export.
      for (const received of arrived) {
        for (const reading of Object.values(await readWithAll(received.headers, received.body))) {
          if ('error' in reading) continue;
          for (const extracted of reading.parts) expect((await detect(extracted.bytes)).verdict, `${extracted.name} as a parser read it`).toBe('allow');
        }
      }
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(arrived).toHaveLength(0);
    }, 60_000);
  }
});

describe('harmless requests of the same shapes pass byte for byte', () => {
  let vacancies: Buffer;
  beforeAll(async () => {
    vacancies = Buffer.from(await fixtureBytes('vacancies.xlsx'));
  });
  const message = 'Beste werkzoekende,\r\nde banenmarkt is op 3 oktober.\r\nTot ziens!';
  const CONTROLS: Record<string, () => Shape> = {
    'multipart: a file and fields': () => multipart('multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW', '------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n', part(disposition('subject'), 'Banenmarkt'), '------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n', part(`${disposition('file', 'vacatures.xlsx')}\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`, vacancies), '------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n'),
    'multipart: a quoted boundary, filename*= and a multi-line field': () => multipart('multipart/form-data; boundary="a b"; charset=utf-8', '--a b\r\n', part("Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''vacatures%20maart.xlsx", vacancies), '--a b\r\n', part(disposition('body'), message), '--a b--\r\n'),
    'JSON: a message with a list of ids': () => json({ recipientIds: Array.from({ length: 40 }, (_, i) => `js-${i}`), subject: 'Banenmarkt', body: message }),
    'JSON: a list of vacancy records': () => json([{ titel: 'Monteur', plaats: 'Utrecht', uren: 32 }, { titel: 'Kok', plaats: 'Zwolle', uren: 24 }, { titel: 'Chauffeur', plaats: 'Ede', uren: 38 }]),
    'JSON: the file as base64 wrapped at 76 columns': () => json({ fileName: 'vacatures.xlsx', data: base64(vacancies).replace(/(.{76})/g, '$1\n') }),
    'form: a few fields': () => form(`subject=Banenmarkt&body=${encodeURIComponent(message)}&urgent=1`),
    'gzip: multipart': () => ({ headers: { 'content-type': 'multipart/form-data; boundary=B', 'content-encoding': 'gzip' }, body: gzipSync(Buffer.concat([Buffer.from('--B\r\n'), part(disposition('file', 'v.xlsx'), vacancies), Buffer.from('--B--\r\n')])) }),
    'chunked: a text body': () => ({ headers: { 'content-type': 'text/plain' }, body: [Buffer.from('Beste werkzoekende, '), Buffer.from(message)] }),
  };
  for (const [name, shape] of Object.entries(CONTROLS)) {
    it(name, async () => {
      const seen = stack.upstream.received.length;
      const { status, sent } = await send(shape());
      expect(status).toBe(200);
      expect(stack.upstream.received.length).toBe(seen + 1);
      expect(stack.upstream.received.at(-1)!.body.equals(sent)).toBe(true);
    }, 60_000);
  }
});
