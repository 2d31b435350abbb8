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
  ['http://schemas.microsoft.com/office/drawing/2014/chartex', 'cx'],
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
        const column = [name, ...points(level, 'c', /<c:num(?:Cache|Lit)\b/.test(body), where)];
        // Series of one chart share their categories: one column each.
        const key = JSON.stringify(column.slice(1));
        if (column.length === 1 || (dimension === 'cat' && seen.has(key))) continue;
        if (dimension === 'cat') seen.add(key);
        columns.push(column);
      }
    }
  }
  columns.push(...chartExColumns(xml, where));
  return { name: `chart cache ${path}`, visibility: 'very-hidden', table: new RowsTable(rowsOf(columns, where)) };
}

/**
 * Excel 2016's chart types (treemap, waterfall, histogram...) keep their data apart from the
 * series, in <cx:data id> blocks of dimensions, one <cx:lvl> of points each; a series names the
 * data it shows by <cx:dataId>.
 */
function chartExColumns(xml: string, where: string): CellValue[][] {
  const names = new Map<string, CellValue>();
  for (const [, series = ''] of xml.matchAll(/<cx:series\b[^>]*>([\s\S]*?)<\/cx:series>/g)) {
    const id = /<cx:dataId\b([^>]*)>/.exec(series)?.[1];
    if (id !== undefined) names.set(attribute(id, 'val') ?? '', firstValue(/<cx:tx\b[^>]*>([\s\S]*?)<\/cx:tx>/.exec(series)?.[1] ?? '', 'cx'));
  }
  const columns: CellValue[][] = [];
  for (const [, tag = '', data = ''] of xml.matchAll(/<cx:data\b([^>]*)>([\s\S]*?)<\/cx:data>/g)) {
    const name = names.get(attribute(tag, 'id') ?? '') ?? null;
    for (const [, kind = '', dimension = ''] of data.matchAll(/<cx:(str|num)Dim\b[^>]*>([\s\S]*?)<\/cx:\1Dim>/g)) {
      for (const [, level = ''] of dimension.matchAll(/<cx:lvl\b[^>]*>([\s\S]*?)<\/cx:lvl>/g)) columns.push([name, ...points(level, 'cx', kind === 'num', where)]);
    }
  }
  return columns;
}

/** The body of the first child element of that local name ('' when there is none). */
function element(xml: string, name: string): string {
  return new RegExp(`<c:${name}\\b[^>]*?(?:/>|>([\\s\\S]*?)</c:${name}>)`).exec(xml)?.[1] ?? '';
}

function firstValue(xml: string, prefix = 'c'): CellValue {
  const raw = new RegExp(`<${prefix}:v\\b[^>]*>([^<]*)</${prefix}:v>`).exec(xml)?.[1];
  return raw === undefined || raw === '' ? null : xmlText(raw);
}

/** The cached points by index; a number cache's points are numbers, a string cache's texts (leading zeros kept). */
function points(xml: string, prefix: 'c' | 'cx', numeric: boolean, where: string): CellValue[] {
  const values: CellValue[] = [];
  for (const [, tag = '', body = ''] of xml.matchAll(new RegExp(`<${prefix}:pt\\b([^>]*?)(?:/>|>([\\s\\S]*?)</${prefix}:pt>)`, 'g'))) {
    const index = Number(attribute(tag, 'idx'));
    if (!Number.isInteger(index) || index < 0 || index >= MAX_ROWS) stop('corrupt', where, 'a chart point with an invalid index');
    // A chart's point holds its value in <c:v>; a ChartEx point is the value itself.
    const value = prefix === 'c' ? firstValue(body) : body === '' ? null : xmlText(body);
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
      // Points a cache skips are no cells.
      if (value === undefined) return;
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
