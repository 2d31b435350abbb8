// Tables as text: delimited files the many ways programs write them, and the other text formats a
// spreadsheet application opens (SYLK, DIF, fixed width, HTML, Excel 2003 XML, JSON and XML records).
import type { Cell } from './tables.js';

export interface DelimitedOptions {
  delimiter: string;
  eol?: '\r\n' | '\n' | '\r';
  /** Appended to every line before its end (a VT or NUL some exporters leave). */
  lineEnd?: string;
  /** Every value written as Excel's `="..."`, as exporters do to keep leading zeros. */
  excelText?: boolean;
  /** Excel's `sep=` first line naming the delimiter. */
  sepLine?: boolean;
}

function quoted(value: string, delimiter: string): string {
  return /["\r\n]/.test(value) || value.includes(delimiter) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function delimitedText(rows: Cell[][], options: DelimitedOptions): string {
  const eol = options.eol ?? '\r\n';
  const field = (value: Cell) => (options.excelText && value !== '' ? `="${String(value).replace(/"/g, '""')}"` : quoted(String(value), options.delimiter));
  const lines = rows.map((row) => row.map(field).join(options.delimiter) + (options.lineEnd ?? ''));
  return (options.sepLine ? `sep=${options.delimiter}${eol}` : '') + lines.join(eol) + eol;
}

/** Columns padded with spaces to a fixed width (a .prn as Excel writes "Formatted Text (Space delimited)"). */
export function fixedWidth(rows: Cell[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => String(r[c] ?? '').length)) + 2);
  return rows.map((row) => row.map((v, c) => String(v).padEnd(widths[c]!)).join('').trimEnd()).join('\r\n') + '\r\n';
}

export function sylk(rows: Cell[][]): string {
  const cells = rows.flatMap((row, r) =>
    row.flatMap((v, c) => (v === '' ? [] : [`C;Y${r + 1};X${c + 1};K${typeof v === 'number' ? v : `"${v.replace(/;/g, ';;')}"`}`])));
  return ['ID;PWXL;N;E', `B;Y${rows.length};X${rows[0]!.length}`, ...cells, 'E', ''].join('\r\n');
}

export function dif(rows: Cell[][]): string {
  const lines = ['TABLE', '0,1', '""', 'VECTORS', `0,${rows[0]!.length}`, '""', 'TUPLES', `0,${rows.length}`, '""', 'DATA', '0,0', '""'];
  for (const row of rows) {
    lines.push('-1,0', 'BOT');
    for (const v of row) lines.push(...(typeof v === 'number' ? [`0,${v}`, 'V'] : ['1,0', `"${v.replace(/"/g, '""')}"`]));
  }
  lines.push('-1,0', 'EOD', '');
  return lines.join('\r\n');
}

function escape(value: Cell): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function htmlTable(rows: Cell[][]): string {
  const [header = [], ...body] = rows;
  return '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Export</title></head><body>\n<table border="1">\n' +
    `<thead><tr>${header.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead>\n<tbody>\n` +
    body.map((row) => `<tr>${row.map((v) => `<td>${escape(v)}</td>`).join('')}</tr>`).join('\n') + '\n</tbody></table></body></html>\n';
}

export function spreadsheetMl2003(rows: Cell[][], sheet = 'Blad1'): string {
  const cell = (v: Cell) => `<Cell><Data ss:Type="${typeof v === 'number' ? 'Number' : 'String'}">${escape(v)}</Data></Cell>`;
  return '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n' +
    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:o="urn:schemas-microsoft-com:office:office" ' +
    'xmlns:x="urn:schemas-microsoft-com:office:excel" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n' +
    `<Worksheet ss:Name="${escape(sheet)}"><Table>\n${rows.map((row) => `<Row>${row.map(cell).join('')}</Row>`).join('\n')}\n</Table></Worksheet></Workbook>\n`;
}

function records(rows: Cell[][]): Record<string, Cell>[] {
  const [header = [], ...body] = rows;
  return body.map((row) => Object.fromEntries(header.map((h, c) => [String(h), row[c] ?? ''])));
}

export function jsonRecords(rows: Cell[][]): string {
  return `${JSON.stringify(records(rows), null, 2)}\n`;
}

export function xmlRecords(rows: Cell[][]): string {
  const tag = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, '_');
  return '<?xml version="1.0" encoding="UTF-8"?>\n<records>\n' +
    records(rows).map((record) => `  <record>${Object.entries(record).map(([k, v]) => `<${tag(k)}>${escape(v)}</${tag(k)}>`).join('')}</record>`).join('\n') +
    '\n</records>\n';
}
