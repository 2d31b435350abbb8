// JSON records, as web systems export lists and as Excel's and LibreOffice's data import reads
// them: an array of objects (their keys the header), an array of arrays (rows), an array of
// values (one column), any of those wrapped in objects ({"data": [...]}), an object of objects
// keyed by an id, and NDJSON (one object or array a line). Nested objects in a record are its
// fields by dotted name ('adres.postcode'); a nested list is one cell of JSON text.
import { RowsTable, type Table } from '../table.js';
import type { CellValue } from '../types.js';
import { MAX_COLUMNS, MAX_ROWS } from './grid.js';
import { stop } from './session.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** How deep wrapping objects are searched for the lists they hold. */
const MAX_WRAPPING = 8;
const ROWS_PER_CHECKPOINT = 2000;

export interface NamedTable {
  /** Where the list was found: '' for the top level, 'data' or 'export.rows' inside objects. */
  name: string;
  table: Table;
}

export function looksLikeJson(head: string): boolean {
  return /^\s*[[{]/.test(head);
}

/** The tables of a JSON or NDJSON text, or undefined when it is neither (it is then read as plain text). */
export function readJsonRecords(text: string, path: string, checkpoint: () => void): NamedTable[] | undefined {
  const documents = parseJson(text) ?? parseNdjson(text);
  if (!documents) return undefined;
  const tables: NamedTable[] = [];
  if (documents.ndjson) tables.push({ name: '', table: listTable(documents.values, path, checkpoint) });
  else collectLists(documents.values[0]!, '', 0, tables, path, checkpoint);
  // One object without lists is one record, as Excel's import shows it: a row under its header.
  if (tables.length === 0 && isObject(documents.values[0]!)) tables.push({ name: '', table: listTable(documents.values, path, checkpoint) });
  return tables;
}

function parseJson(text: string): { values: Json[]; ndjson: false } | undefined {
  try {
    return { values: [JSON.parse(text) as Json], ndjson: false };
  } catch {
    return undefined;
  }
}

function parseNdjson(text: string): { values: Json[]; ndjson: true } | undefined {
  const values: Json[] = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (line.trim() === '') continue;
    try {
      values.push(JSON.parse(line) as Json);
    } catch {
      return undefined;
    }
  }
  return values.length > 1 ? { values, ndjson: true } : undefined;
}

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every list reachable through objects from the top: each is a table. */
function collectLists(value: Json, name: string, depth: number, tables: NamedTable[], path: string, checkpoint: () => void): void {
  if (Array.isArray(value)) {
    tables.push({ name, table: listTable(value, path, checkpoint) });
    return;
  }
  if (!isObject(value) || depth > MAX_WRAPPING) return;
  const entries = Object.entries(value);
  // An object of records keyed by an id ({"123456782": {"naam": ...}, ...}): a table with the key first.
  if (entries.length > 1 && entries.every(([, v]) => isObject(v))) {
    tables.push({ name, table: listTable(entries.map(([key, v]) => ({ '': key, ...(v as JsonObject) })), path, checkpoint) });
  }
  for (const [key, inner] of entries) collectLists(inner, name ? `${name}.${key}` : key, depth + 1, tables, path, checkpoint);
}

/** A list as rows: records under a header of their fields, lists as they are, values as one column. */
function listTable(list: Json[], path: string, checkpoint: () => void): Table {
  if (list.length > MAX_ROWS) stop('too-large', path, `a list of more than ${MAX_ROWS} items`);
  const header = new Map<string, number>();
  const records: CellValue[][] = [];
  const rows: CellValue[][] = [];
  for (let i = 0; i < list.length; i++) {
    if (i % ROWS_PER_CHECKPOINT === 0) checkpoint();
    const item = list[i]!;
    if (isObject(item)) records.push(recordRow(item, header, path));
    else if (Array.isArray(item)) rows.push(item.map(cell));
    else rows.push([cell(item)]);
  }
  if (records.length === 0) return new RowsTable(rows);
  return new RowsTable([[...header.keys()], ...records, ...rows]);
}

function recordRow(record: JsonObject, header: Map<string, number>, path: string): CellValue[] {
  const row: CellValue[] = [];
  const visit = (object: JsonObject, prefix: string) => {
    for (const [key, value] of Object.entries(object)) {
      const name = prefix + key;
      if (isObject(value)) {
        visit(value, `${name}.`);
        continue;
      }
      let column = header.get(name);
      if (column === undefined) {
        if (header.size >= MAX_COLUMNS) stop('too-large', path, `records of more than ${MAX_COLUMNS} fields`);
        header.set(name, (column = header.size));
      }
      row[column] = cell(value);
    }
  };
  visit(record, '');
  for (let c = 0; c < row.length; c++) row[c] ??= null;
  return row;
}

function cell(value: Json): CellValue {
  if (value === null || typeof value !== 'object') return value;
  return JSON.stringify(value);
}
