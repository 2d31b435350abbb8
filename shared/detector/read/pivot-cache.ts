// A pivot table's cache: a copy of every row of its source, kept in the workbook whatever the
// sheets show (how Islington council leaked 2,375 people in 2012: the visible sheet was a count
// per area). Read as one table: the cache's field names as header row, then each record; a cache
// saved without its records still lists each field's distinct values, read as columns.
import type { CellValue, Sheet } from '../types.js';
import { RowsTable } from '../table.js';
import { attribute, relationships, spreadsheetPart, targetsOfType } from './opc.js';
import { stop, type ReadSession } from './session.js';
import { join, type ZipContainer } from './zip.js';

const RECORDS_PER_CHECKPOINT = 1000;

interface Field {
  name: string;
  /** The field's shared items, which records refer to by index (<x v="3"/>). */
  items: CellValue[];
}

/** The cache of one pivotCacheDefinition part as a very hidden sheet named after the part. */
export function pivotCacheSheet(zip: ZipContainer, definitionPath: string, session: ReadSession): Sheet {
  const where = join(zip.path, definitionPath);
  const fields = [...spreadsheetPart(zip, definitionPath).matchAll(/<cacheField\b([^>]*?)(?:\/>|>([\s\S]*?)<\/cacheField>)/g)].map(
    ([, tag = '', body = '']): Field => ({ name: attribute(tag, 'name') ?? '', items: items(/<sharedItems\b[^>]*>([\s\S]*?)<\/sharedItems>/.exec(body)?.[1] ?? '', where) }),
  );
  const recordsPath = targetsOfType(relationships(zip, definitionPath), 'pivotCacheRecords')[0];
  const body = recordsPath ? records(spreadsheetPart(zip, recordsPath), fields, where, () => session.checkpoint(where)) : itemColumns(fields);
  return { name: `pivot cache ${definitionPath}`, visibility: 'very-hidden', table: new RowsTable([fields.map((f) => f.name), ...body]) };
}

/** Item elements: <s v="Jansen"/>, <n v="12"/>, <d v="1980-02-01T00:00:00"/>, <b v="1"/>, <e v="#N/A"/>, <m/>. */
const ITEM = /<([snbdem])\b([^>]*?)(\/?)>/g;

function items(xml: string, where: string): CellValue[] {
  return [...xml.matchAll(ITEM)].map(([, kind = '', tag = '']) => itemValue(kind, attribute(tag, 'v'), where));
}

function itemValue(kind: string, value: string | undefined, where: string): CellValue {
  switch (kind) {
    case 's':
      return value === undefined || value === '' ? null : value;
    case 'n': {
      const number = Number(value);
      if (value === undefined || Number.isNaN(number)) stop('corrupt', where, 'a pivot cache number that is no number');
      return number;
    }
    case 'd':
      return value === undefined ? null : value.endsWith('T00:00:00') ? value.slice(0, 10) : value.slice(0, 19);
    case 'b':
      return value === '1' || value === 'true';
    default:
      return null;
  }
}

/** Each <r> of the records part: per field an index into its shared items (<x v="2"/>) or a value of its own. */
function records(xml: string, fields: Field[], where: string, checkpoint: () => void): CellValue[][] {
  const rows: CellValue[][] = [];
  let row: CellValue[] | undefined;
  // The children of an item (member properties, tuples) are no cells of the record.
  let inside: string | undefined;
  for (const [, close = '', name = '', tag = '', selfClosing = ''] of xml.matchAll(/<(\/?)([a-z]+)\b([^>]*?)(\/?)>/g)) {
    if (inside !== undefined) {
      if (close && name === inside) inside = undefined;
      continue;
    }
    if (name === 'r') {
      if (close) row = undefined;
      else {
        rows.push((row = []));
        if (rows.length % RECORDS_PER_CHECKPOINT === 0) checkpoint();
      }
      continue;
    }
    if (!row || close) continue;
    if (name === 'x') {
      const field = fields[row.length];
      const index = Number(attribute(tag, 'v') ?? 0);
      const value = field?.items[index];
      if (value === undefined) stop('corrupt', where, 'a pivot cache record refers to an item that does not exist');
      row.push(value);
    } else if ('snbdem'.includes(name) && name.length === 1) {
      row.push(itemValue(name, attribute(tag, 'v'), where));
      if (!selfClosing) inside = name;
    }
  }
  return rows;
}

/** Without records: row i holds the i-th shared item of every field. */
function itemColumns(fields: Field[]): CellValue[][] {
  const length = Math.max(0, ...fields.map((f) => f.items.length));
  return Array.from({ length }, (_, i) => fields.map((f) => f.items[i] ?? null));
}
