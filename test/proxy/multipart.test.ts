// The proxy's own multipart parser against bodies made by the platform's FormData encoder, and
// the embedded-file decoder against what JSON uploaders send.
import { describe, expect, it } from 'vitest';
import { MalformedBody, parseMultipart } from '../../proxy/body/multipart.js';
import { embeddedFiles } from '../../proxy/body/embedded-file.js';
import { filesInJson } from '../../proxy/body/structured-files.js';
import { patternBytes } from './upstream.js';

async function encode(form: FormData): Promise<{ body: Buffer; contentType: string }> {
  const request = new Request('http://x.invalid/', { method: 'POST', body: form });
  return { body: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type')! };
}

describe('parseMultipart', () => {
  it('returns fields and files exactly, including bytes that look like boundaries', async () => {
    const tricky = Buffer.concat([patternBytes(5000), Buffer.from('\r\n--not-the-boundary\r\n'), patternBytes(3000, 2)]);
    const form = new FormData();
    form.append('subject', 'Banenmarkt – uitnodiging');
    form.append('file', new Blob([tricky], { type: 'application/vnd.ms-excel' }), 'lijst "maart".xlsx');
    form.append('empty', new Blob([]), '');
    const { body, contentType } = await encode(form);
    const parts = parseMultipart(body, contentType);
    expect(parts.map((p) => p.name)).toEqual(['subject', 'file', 'empty']);
    expect(parts[0]!.filename).toBeUndefined();
    expect(parts[0]!.data.toString('utf8')).toBe('Banenmarkt – uitnodiging');
    expect(parts[1]).toMatchObject({ filename: 'lijst "maart".xlsx', contentType: 'application/vnd.ms-excel' });
    expect(parts[1]!.data.equals(tricky)).toBe(true);
    expect(parts[2]!.data.byteLength).toBe(0);
  });

  it('reads a quoted boundary and RFC 5987 file names', () => {
    const body = Buffer.from('--a b\r\nContent-Disposition: form-data; name="f"; filename*=UTF-8\'\'na%C3%AFef.csv\r\n\r\nx;y\r\n--a b--\r\n');
    const [part] = parseMultipart(body, 'multipart/form-data; boundary="a b"');
    expect(part).toMatchObject({ name: 'f', filename: 'naïef.csv' });
    expect(part!.data.toString()).toBe('x;y');
  });

  it('reads other multipart types too, their parts named by position', () => {
    const body = Buffer.from('--m\r\nContent-Type: text/csv\r\n\r\nNaam;BSN\r\n--m\r\ncontent-transfer-encoding: 8BIT\r\n\r\nBSN;123\r\n--m--');
    const parts = parseMultipart(body, 'multipart/related; boundary=m');
    expect(parts.map((p) => p.name)).toEqual(['part-1', 'part-2']);
    expect(parts.map((p) => p.data.toString('utf8'))).toEqual(['Naam;BSN', 'BSN;123']);
    expect(() => parseMultipart(body, 'multipart/form-data; boundary=m')).toThrow(/Content-Disposition: form-data/);
  });

  const field = (headers: string, content = 'x') => `--B\r\nContent-Disposition: form-data; name="f"${headers}\r\n\r\n${content}\r\n--B--\r\n`;
  const refusals: Array<[string, string, string, RegExp]> = [
    ['a preamble', 'multipart/form-data; boundary=B', `preamble\r\n${field('')}`, /preamble/],
    ['an epilogue', 'multipart/form-data; boundary=B', `${field('')}--B\r\nContent-Disposition: form-data; name="g"\r\n\r\ny\r\n--B--`, /epilogue/],
    ['two boundaries', 'multipart/form-data; boundary=B; boundary=C', field(''), /boundary/],
    ['a look-alike boundary parameter', 'multipart/form-data; xboundary=F; boundary=B', field(''), /boundary/],
    ['a boundary inside another parameter', 'multipart/form-data; note="boundary=F"; boundary=B', field(''), /boundary/],
    ['an escaped quote in the boundary', 'multipart/form-data; boundary="AAA\\"BBB"', field(''), /boundary/],
    ['a space after the boundary', 'multipart/form-data; boundary=B ;charset=utf-8', field(''), /name=value/],
    ['a space around =', 'multipart/form-data; boundary = B', field(''), /name=value/],
    ['an unknown transfer encoding', 'multipart/form-data; boundary=B', field('\r\nContent-Transfer-Encoding: x-uuencode'), /Content-Transfer-Encoding 'x-uuencode'/],
    ['a base64 transfer encoding (busboy keeps the bytes, undici and formidable decode them apart)', 'multipart/mixed; boundary=B', field('\r\nContent-Transfer-Encoding: Base64', 'QlNOOzEyMw=='), /Content-Transfer-Encoding 'Base64'/],
    ['a quoted-printable transfer encoding', 'multipart/form-data; boundary=B', field('\r\nContent-Transfer-Encoding: quoted-printable', 'a=3Db'), /Content-Transfer-Encoding/],
    ['a folded header', 'multipart/form-data; boundary=B', field('\r\nContent-Type: text/plain;\r\n charset=utf-8'), /folded/],
    ['a bare CR in the headers', 'multipart/form-data; boundary=B', field('\rContent-Type: text/plain'), /bare CR/],
    ['a bare LF in the headers', 'multipart/form-data; boundary=B', field('\nContent-Type: text/plain'), /bare CR/],
    ['LF-only line ends', 'multipart/form-data; boundary=B', field('').replace(/\r\n/g, '\n'), /line break|end of headers/],
    ['CR-only line ends', 'multipart/form-data; boundary=B', field('').replace(/\r\n/g, '\r'), /line break|end of headers/],
    ['a field named twice in one part', 'multipart/form-data; boundary=B', field('; name="g"'), /twice/],
    ['a header given twice', 'multipart/form-data; boundary=B', field('\r\nContent-Type: text/plain\r\ncontent-type: text/csv'), /twice/],
    ['padding after the boundary', 'multipart/form-data; boundary=B', field('').replace('--B\r\n', '--B  \r\n'), /line break/],
    ['no final boundary', 'multipart/form-data; boundary=B', field('').replace('\r\n--B--\r\n', ''), /not closed/],
  ];
  for (const [what, contentType, body, reason] of refusals) {
    it(`refuses ${what}, which parsers read apart`, () => {
      expect(() => parseMultipart(Buffer.from(body, 'latin1'), contentType)).toThrow(reason);
    });
  }

  it('refuses a body whose last part is cut off', async () => {
    const form = new FormData();
    form.append('file', new Blob([patternBytes(1000)]), 'a.bin');
    const { body, contentType } = await encode(form);
    expect(() => parseMultipart(body.subarray(0, 600), contentType)).toThrow(MalformedBody);
  });
});

describe('embedded files', () => {
  const bytes = patternBytes(300);
  it('decodes data: URLs and long base64 in both alphabets, wrapped or not', () => {
    expect(embeddedFiles(`data:text/csv;base64,${bytes.toString('base64')}`)).toEqual([bytes]);
    expect(embeddedFiles('data:text/csv,BSN%3B123').map(String)).toEqual(['BSN;123']);
    expect(embeddedFiles(bytes.toString('base64'))).toEqual([bytes]);
    expect(embeddedFiles(bytes.toString('base64url'))).toEqual([bytes]);
    expect(embeddedFiles(bytes.toString('base64').replace(/(.{76})/g, '$1\r\n'))[0]).toEqual(bytes);
  });

  it('takes a multi-line text as a possible pasted table, also when it reads as base64', () => {
    const bsns = Array.from({ length: 20 }, (_, i) => String(100000000 + i * 7919)).join('\n');
    expect(embeddedFiles(bsns).map(String)).toContain(bsns);
    const table = 'Naam\tBSN\nJansen\t123456782\nBakker\t111222333';
    expect(embeddedFiles(table).map(String)).toEqual([table]);
    expect(embeddedFiles('Naam\tBSN\nJansen\t123456782')).toEqual([]);
  });

  it('leaves one-line text, ids and short tokens alone', () => {
    expect(embeddedFiles('Beste werkzoekende, graag tot ziens op de banenmarkt van 3 oktober.')).toEqual([]);
    expect(embeddedFiles('att-0f3c2a9e-55b1-4c1e-9d1a-7e2b1c3d4e5f')).toEqual([]);
    expect(embeddedFiles(`https://werkportaal.example/vacatures?${'sector=zorg&'.repeat(20)}`)).toEqual([]);
  });

  it('names a file in JSON after its sibling name field and says where it was', () => {
    const files = filesInJson({ message: { subject: 'x', attachments: [{ fileName: 'export.csv', data: bytes.toString('base64') }] } });
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ name: 'export.csv', location: 'json:$.message.attachments[0].data' });
  });
});
