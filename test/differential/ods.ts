// OpenDocument spreadsheets written by hand: packaged or flat, with the prefixes a writer chooses,
// with repeated rows and columns as LibreOffice writes them, or with content.xml encrypted.
import { createCipheriv, createHash, pbkdf2Sync } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import type { Entry } from './containers.js';
import type { Cell } from './tables.js';

export interface OdsOptions {
  /** Prefixes for the office, table and text namespaces. */
  prefixes?: { office: string; table: string; text: string };
  /** Runs of equal cells and empty rows written with number-*-repeated, and LibreOffice's trailing blank block. */
  repeated?: boolean;
  /** Text cut into a span and spaces written as <text:s/>, as a formatted cell is written. */
  spans?: boolean;
  /** Digit strings stored as numbers whose shown text is '#####' (the value is what a reader shows). */
  masked?: boolean;
}

const NS = {
  office: 'urn:oasis:names:tc:opendocument:xmlns:office:1.0',
  table: 'urn:oasis:names:tc:opendocument:xmlns:table:1.0',
  text: 'urn:oasis:names:tc:opendocument:xmlns:text:1.0',
};
const MIMETYPE = 'application/vnd.oasis.opendocument.spreadsheet';
const encoder = new TextEncoder();

function escape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function spanned(value: string, x: string): string {
  const half = Math.ceil(value.length / 2);
  const spaced = (part: string) => escape(part).replace(/ /g, `<${x}:s/>`);
  return `${spaced(value.slice(0, half))}<${x}:span>${spaced(value.slice(half))}</${x}:span>`;
}

function body(sheets: { name: string; rows: Cell[][] }[], options: OdsOptions): { declarations: string; spreadsheet: string; o: string } {
  const { office: o, table: t, text: x } = options.prefixes ?? { office: 'office', table: 'table', text: 'text' };
  const declarations = `xmlns:${o}="${NS.office}" xmlns:${t}="${NS.table}" xmlns:${x}="${NS.text}"`;
  const cell = (value: Cell, repeat: number) => {
    const times = repeat > 1 ? ` ${t}:number-columns-repeated="${repeat}"` : '';
    if (value === '') return `<${t}:table-cell${times}/>`;
    if (options.masked && /^\d{6,}$/.test(String(value))) return `<${t}:table-cell${times} ${o}:value-type="float" ${o}:value="${Number(value)}"><${x}:p>#####</${x}:p></${t}:table-cell>`;
    const type = typeof value === 'number' ? `${o}:value-type="float" ${o}:value="${value}"` : `${o}:value-type="string"`;
    return `<${t}:table-cell${times} ${type}><${x}:p>${options.spans ? spanned(String(value), x) : escape(String(value))}</${x}:p></${t}:table-cell>`;
  };
  const row = (cells: Cell[]) => {
    if (!options.repeated) return `<${t}:table-row>${cells.map((v) => cell(v, 1)).join('')}</${t}:table-row>`;
    // Equal neighbours become one cell with a repeat count, and a blank column separates each value.
    const spaced = cells.flatMap((v) => [v, v, '']);
    const runs: [Cell, number][] = [];
    for (const value of spaced) {
      const last = runs[runs.length - 1];
      if (last && last[0] === value) last[1]++;
      else runs.push([value, 1]);
    }
    return `<${t}:table-row>${runs.map(([v, n]) => cell(v, n)).join('')}</${t}:table-row>`;
  };
  const blank = (count: number) => `<${t}:table-row ${t}:number-rows-repeated="${count}"><${t}:table-cell ${t}:number-columns-repeated="1024"/></${t}:table-row>`;
  const table = (name: string, rows: Cell[][]) =>
    `<${t}:table ${t}:name="${escape(name)}">${rows.map((r, i) => row(r) + (options.repeated && i % 5 === 4 ? blank(3) : '')).join('')}${options.repeated ? blank(1_048_000) : ''}</${t}:table>`;
  return { declarations, o, spreadsheet: `<${o}:body><${o}:spreadsheet>${sheets.map((s) => table(s.name, s.rows)).join('')}</${o}:spreadsheet></${o}:body>` };
}

export function fods(sheets: { name: string; rows: Cell[][] }[], options: OdsOptions = {}): Uint8Array {
  const { declarations, o, spreadsheet } = body(sheets, options);
  return encoder.encode(`<?xml version="1.0" encoding="UTF-8"?>\n<${o}:document ${declarations} ${o}:version="1.2" ${o}:mimetype="${MIMETYPE}">${spreadsheet}</${o}:document>`);
}

/** The entries of an .ods; with `password`, content.xml is encrypted as ODF 1.2 prescribes (AES-256-CBC, PBKDF2). */
export function odsEntries(sheets: { name: string; rows: Cell[][] }[], options: OdsOptions = {}, password?: string): Entry[] {
  const { declarations, o, spreadsheet } = body(sheets, options);
  const content = encoder.encode(`<?xml version="1.0" encoding="UTF-8"?>\n<${o}:document-content ${declarations} ${o}:version="1.2">${spreadsheet}</${o}:document-content>`);
  let stored: Entry = { name: 'content.xml', data: content };
  let encryption = '';
  if (password !== undefined) {
    // Fixed salt and IV: the variant must be byte-identical on every run.
    const salt = Buffer.alloc(16, 7);
    const iv = Buffer.alloc(16, 9);
    const compressed = deflateRawSync(content);
    const key = pbkdf2Sync(createHash('sha256').update(password).digest(), salt, 100_000, 32, 'sha1');
    const cipher = createCipheriv('aes-256-cbc', key, iv);
    const encrypted = Buffer.concat([cipher.update(compressed), cipher.final()]);
    const checksum = createHash('sha256').update(compressed.subarray(0, 1024)).digest('base64');
    stored = { name: 'content.xml', data: new Uint8Array(encrypted), method: 'store' };
    encryption = ` manifest:size="${content.length}"><manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" manifest:checksum="${checksum}">` +
      `<manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" manifest:initialisation-vector="${iv.toString('base64')}"/>` +
      '<manifest:start-key-generation manifest:start-key-generation-name="http://www.w3.org/2000/09/xmldsig#sha256" manifest:key-size="32"/>' +
      `<manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:key-size="32" manifest:iteration-count="100000" manifest:salt="${salt.toString('base64')}"/>` +
      '</manifest:encryption-data></manifest:file-entry>';
  }
  const manifest = '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">' +
    `<manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="${MIMETYPE}"/>` +
    '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>' +
    `<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"${encryption || '/>'}` +
    '</manifest:manifest>';
  return [
    { name: 'mimetype', data: encoder.encode(MIMETYPE), method: 'store' },
    { name: 'META-INF/manifest.xml', data: encoder.encode(manifest) },
    // Every writer adds styles; SheetJS will not open a package without them.
    { name: 'styles.xml', data: encoder.encode(`<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles xmlns:office="${NS.office}" office:version="1.2"/>`) },
    stored,
  ];
}
