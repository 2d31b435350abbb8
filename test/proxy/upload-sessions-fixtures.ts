// A harmless workbook of a given size for chunked-upload tests: meter readings (random decimals
// compress badly, so a few MB of xlsx stay a few MB), with nothing about people in it.
import { workbook, type CellInput } from '../../scripts/fixtures/formats.js';

export function harmlessWorkbook(minBytes: number): Buffer {
  let rows = Math.ceil(minBytes / 95);
  for (;;) {
    const bytes = Buffer.from(workbook([{ name: 'Meterstanden', rows: readings(rows) }], 'xlsx'));
    if (bytes.byteLength >= minBytes) return bytes;
    rows = Math.ceil((rows * minBytes * 1.1) / bytes.byteLength);
  }
}

function readings(count: number): CellInput[][] {
  let state = 12345;
  const next = () => (state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const rows: CellInput[][] = [['Meting', 'Temperatuur (°C)', 'Druk (hPa)', 'Debiet (m³/u)']];
  for (let i = 1; i <= count; i++) rows.push([i, 15 + next() * 10, 990 + next() * 40, next() * 100]);
  return rows;
}
