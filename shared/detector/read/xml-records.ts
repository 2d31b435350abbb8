// XML records files, as Excel's XML import ("as an XML table") and LibreOffice's XML source read
// them: elements that repeat under one parent (<people><person>...) are the rows, and their
// attributes and descendant text elements the columns ('bsn', 'adres.postcode'). A repeated text
// element (<bsns><bsn>..</bsn><bsn>..</bsn>) is a column of its own. The parse recovers as a
// forgiving reader does: what was read before damage or a cut-off end still counts.
import { RowsTable, type Table } from '../table.js';
import type { CellValue } from '../types.js';
import { MAX_COLUMNS, MAX_ROWS } from './grid.js';
import { stop } from './session.js';
import type { NamedTable } from './json-records.js';

const TAGS_PER_CHECKPOINT = 20_000;
const MAX_ENTITY_CHARS = 1 << 16;

export function looksLikeXml(head: string): boolean {
  return /^\s*</.test(head) && !/^\s*<(?:!doctype\s+html|html)[\s>]/i.test(head);
}

type Field = readonly [name: string, value: string];

interface Open {
  qualified: string;
  name: string;
  path: string;
  text: string;
  fields: Field[];
  leaf: boolean;
  /** Child names seen once, and those seen again (their fields are no part of this element's row); made with the first child. */
  once?: Set<string>;
  repeated?: Set<string>;
}

/** The elements found at one path: rows of fields, or the texts of a text-only element. */
interface Bucket {
  name: string;
  records: Field[][];
  texts: string[];
  repeats: boolean;
}

const START_TAG = /<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ENTITY_DECLARATION = /<!ENTITY\s+([^\s%]+)\s+(?:"([^"]*)"|'([^']*)')\s*>/g;
const REFERENCE = /&(?:#x([0-9a-fA-F]+)|#(\d+)|([^\s&;#]+));/g;

export function readXmlRecords(text: string, path: string, checkpoint: () => void): NamedTable[] | undefined {
  const entities = new Map<string, string>([['lt', '<'], ['gt', '>'], ['amp', '&'], ['quot', '"'], ['apos', "'"]]);
  const decode = (raw: string) => (raw.includes('&') ? raw.replace(REFERENCE, (whole, hex?: string, dec?: string, named?: string) => (named ? entities.get(named) ?? whole : codePoint(hex, dec))) : raw);
  const buckets = new Map<string, Bucket>();
  const stack: Open[] = [];
  let root: Open | undefined;
  let tags = 0;

  const close = () => {
    const element = stack.pop()!;
    const parent = stack[stack.length - 1];
    let bucket = buckets.get(element.path);
    if (!bucket) buckets.set(element.path, (bucket = { name: element.name, records: [], texts: [], repeats: false }));
    const text = element.text.trim();
    const textOnly = element.leaf && element.fields.length === 0;
    if (!textOnly) bucket.records.push(element.leaf ? [...element.fields, [element.name, text]] : element.fields);
    const once = parent ? (parent.once ??= new Set()) : undefined;
    const again = once?.has(element.name) ?? false;
    if (again && !parent!.repeated?.has(element.name)) {
      (parent!.repeated ??= new Set()).add(element.name);
      // The first of these siblings went into the parent's row; its text now starts the column.
      if (textOnly && !bucket.repeats) bucket.texts.push(parent!.fields.find(([name]) => name === element.name)?.[1] ?? '');
      parent!.fields = parent!.fields.filter(([name]) => name !== element.name && !name.startsWith(`${element.name}.`));
    }
    bucket.repeats ||= again;
    // A text element's value is kept for a column only once its name repeats: most are fields of a row.
    if (textOnly && bucket.repeats) bucket.texts.push(text);
    if (!parent || again) return;
    once!.add(element.name);
    if (element.leaf) parent.fields.push([element.name, text]);
    for (const [name, value] of element.fields) parent.fields.push([`${element.name}.${name}`, value]);
  };

  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const end = lt === -1 ? text.length : lt;
    // Only a text element's own text is a value: the white space between records is not kept.
    const top = stack[stack.length - 1];
    if (top?.leaf && end > i) top.text += decode(text.slice(i, end));
    if (lt === -1) break;
    if (++tags % TAGS_PER_CHECKPOINT === 0) checkpoint();
    if (text.startsWith('<!--', lt)) i = after(text, '-->', lt);
    else if (text.startsWith('<![CDATA[', lt)) {
      const cdataEnd = text.indexOf(']]>', lt);
      const top = stack[stack.length - 1];
      if (top?.leaf) top.text += text.slice(lt + 9, cdataEnd === -1 ? text.length : cdataEnd);
      i = cdataEnd === -1 ? text.length : cdataEnd + 3;
    } else if (text.startsWith('<?', lt)) i = after(text, '?>', lt);
    else if (text.startsWith('<!DOCTYPE', lt)) {
      const subsetEnd = text.indexOf(']>', lt);
      const declarationEnd = text.indexOf('>', lt);
      const internal = text.indexOf('[', lt);
      const stopAt = internal !== -1 && internal < declarationEnd && subsetEnd !== -1 ? subsetEnd + 2 : declarationEnd + 1;
      for (const m of text.slice(lt, stopAt).matchAll(ENTITY_DECLARATION)) {
        const value = decode(m[2] ?? m[3] ?? '');
        // Entities built of entities grow exponentially ('billion laughs'): no record needs that.
        if (value.length > MAX_ENTITY_CHARS) stop('too-large', path, `an XML entity of more than ${MAX_ENTITY_CHARS} characters`);
        if (!entities.has(m[1]!)) entities.set(m[1]!, value);
      }
      i = stopAt > 0 ? stopAt : text.length;
    } else if (text.startsWith('</', lt)) {
      const gt = text.indexOf('>', lt);
      const qualified = text.slice(lt + 2, gt === -1 ? text.length : gt).trim();
      // A forgiving reader closes what was left open inside; a stray end tag is skipped.
      if (stack.some((open) => open.qualified === qualified)) while (stack.length > 0 && stack[stack.length - 1]!.qualified !== qualified) close();
      if (stack.length > 0 && stack[stack.length - 1]!.qualified === qualified) close();
      i = gt === -1 ? text.length : gt + 1;
    } else {
      START_TAG.lastIndex = lt;
      const m = START_TAG.exec(text);
      if (!m) {
        // Not a tag: a '<' in text, as a forgiving reader keeps it.
        const top = stack[stack.length - 1];
        if (top?.leaf) top.text += '<';
        i = lt + 1;
        continue;
      }
      const qualified = m[1]!;
      const name = qualified.slice(qualified.indexOf(':') + 1);
      const parent = stack[stack.length - 1];
      if (parent) parent.leaf = false;
      else if (root) break; // Content after the root element is no part of the document.
      const fields: Field[] = [];
      if (m[2]) for (const a of m[2].matchAll(ATTRIBUTE)) {
        const attribute = a[1]!;
        if (attribute === 'xmlns' || attribute.startsWith('xmlns:')) continue;
        fields.push([attribute.slice(attribute.indexOf(':') + 1), decode(a[2] ?? a[3] ?? '')]);
      }
      const open: Open = { qualified, name, path: parent ? `${parent.path}/${name}` : name, text: '', fields, leaf: true };
      root ??= open;
      stack.push(open);
      if (m[3] === '/') close();
      i = START_TAG.lastIndex;
    }
  }
  if (!root) return undefined;
  while (stack.length > 0) close();
  const tables: NamedTable[] = [];
  for (const [elementPath, bucket] of buckets) {
    if (!bucket.repeats) continue;
    if (bucket.records.length > 0) tables.push({ name: elementPath, table: recordsTable(bucket.records, path) });
    if (bucket.texts.length > 0) tables.push({ name: elementPath, table: new RowsTable([[bucket.name], ...bucket.texts.map((t) => [t === '' ? null : t])]) });
  }
  // A document without repeated elements is one record, as the XML import shows it.
  if (tables.length === 0) tables.push({ name: root.path, table: recordsTable(buckets.get(root.path)!.records, path) });
  return tables;
}

function after(text: string, terminator: string, from: number): number {
  const at = text.indexOf(terminator, from);
  return at === -1 ? text.length : at + terminator.length;
}

function codePoint(hex: string | undefined, dec: string | undefined): string {
  const code = hex ? parseInt(hex, 16) : Number(dec);
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
}

function recordsTable(records: Field[][], path: string): Table {
  if (records.length > MAX_ROWS) stop('too-large', path, `more than ${MAX_ROWS} records`);
  const header = new Map<string, number>();
  const rows: CellValue[][] = records.map((fields) => {
    const row: CellValue[] = [];
    for (const [name, value] of fields) {
      let column = header.get(name);
      if (column === undefined) {
        if (header.size >= MAX_COLUMNS) stop('too-large', path, `records of more than ${MAX_COLUMNS} fields`);
        header.set(name, (column = header.size));
      }
      row[column] ??= value === '' ? null : value;
    }
    for (let c = 0; c < row.length; c++) row[c] ??= null;
    return row;
  });
  return new RowsTable([[...header.keys()], ...rows]);
}
