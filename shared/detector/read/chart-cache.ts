// A chart's series caches: the values a chart shows, kept in the chart part whatever became of
// the cells they came from (LibreOffice opens them as the chart's data table, Excel redraws from
// them while the source is gone). Read as one table per chart: each series' category and value
// caches as columns headed by the series name, by point index as rows.
import type { CellValue, Sheet } from '../types.js';
import { RowsTable } from '../table.js';
import { fillGaps, GridBudget, MAX_ROWS } from './grid.js';
import { attribute } from './opc.js';
import { stop } from './session.js';
import { xmlPart, type Vocabulary } from './xml-canonical.js';
import { xmlText } from './xml-text.js';
import { join, type ZipContainer } from './zip.js';

/** DrawingML charts (Transitional and Strict), under the prefix Excel writes. */
const CHART: Vocabulary = new Map([
  ['http://schemas.openxmlformats.org/drawingml/2006/chart', 'c'],
  ['http://purl.oclc.org/ooxml/drawingml/chart', 'c'],
]);

/** The series' data: categories and values (bar, line, pie...), x, y and bubble sizes (scatter, bubble). */
const DIMENSIONS = ['cat', 'val', 'xVal', 'yVal', 'bubbleSize'];

export function chartCacheSheet(zip: ZipContainer, path: string): Sheet {
  const where = join(zip.path, path);
  const xml = xmlPart(zip.read(path), CHART, where);
  const columns: CellValue[][] = [];
  const seen = new Set<string>();
  for (const [, series = ''] of xml.matchAll(/<c:ser\b[^>]*>([\s\S]*?)<\/c:ser>/g)) {
    const name = firstValue(element(series, 'tx'));
    for (const dimension of DIMENSIONS) {
      const body = element(series, dimension);
      // A multi-level category axis keeps one cache level per <c:lvl>.
      const levels = body.includes('<c:lvl') ? [...body.matchAll(/<c:lvl\b[^>]*>([\s\S]*?)<\/c:lvl>/g)].map(([, level = '']) => level) : [body];
      for (const level of levels) {
        const column = [name, ...points(level, /<c:num(?:Cache|Lit)\b/.test(body), where)];
        // Series of one chart share their categories: one column each.
        const key = JSON.stringify(column.slice(1));
        if (column.length === 1 || (dimension === 'cat' && seen.has(key))) continue;
        if (dimension === 'cat') seen.add(key);
        columns.push(column);
      }
    }
  }
  return { name: `chart cache ${path}`, visibility: 'very-hidden', table: new RowsTable(rowsOf(columns, where)) };
}

/** The body of the first child element of that local name ('' when there is none). */
function element(xml: string, name: string): string {
  return new RegExp(`<c:${name}\\b[^>]*?(?:/>|>([\\s\\S]*?)</c:${name}>)`).exec(xml)?.[1] ?? '';
}

function firstValue(xml: string): CellValue {
  const raw = /<c:v\b[^>]*>([^<]*)<\/c:v>/.exec(xml)?.[1];
  return raw === undefined || raw === '' ? null : xmlText(raw);
}

/** The cached points by index; a number cache's points are numbers, a string cache's texts (leading zeros kept). */
function points(xml: string, numeric: boolean, where: string): CellValue[] {
  const values: CellValue[] = [];
  for (const [, tag = '', body = ''] of xml.matchAll(/<c:pt\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c:pt>)/g)) {
    const index = Number(attribute(tag, 'idx'));
    if (!Number.isInteger(index) || index < 0 || index >= MAX_ROWS) stop('corrupt', where, 'a chart point with an invalid index');
    const value = firstValue(body);
    const number = typeof value === 'string' ? Number(value) : NaN;
    values[index] = numeric && value !== null && !Number.isNaN(number) ? number : value;
  }
  return values;
}

function rowsOf(columns: CellValue[][], where: string): CellValue[][] {
  const rows: CellValue[][] = [];
  let positions = 0;
  let cells = 0;
  columns.forEach((column, c) => {
    column.forEach((value, r) => {
      const row = (rows[r] ??= []);
      positions += Math.max(0, c + 1 - row.length);
      row[c] = value;
      cells++;
    });
  });
  new GridBudget(where).add(positions, cells);
  for (let r = 0; r < rows.length; r++) fillGaps((rows[r] ??= []));
  return rows;
}
