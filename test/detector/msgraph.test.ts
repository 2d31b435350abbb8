// A chart's data sheet (Microsoft Graph, embedded by Office) is a table a person sees when they
// open the chart. SheetJS does not read it; the detector does, so people in it are found and a
// real chart (the Apache POI workbook of the SheetJS corpus) is no longer 'corrupt'.
import * as XLSX from '@e965/xlsx';
import { describe, expect, it } from 'vitest';
import { detect } from '../../shared/detector/index.js';
import { makeJobSeekers } from '../../scripts/fixtures/people.js';

type Cell = string | number;

/** BIFF records as Graph writes them: BOF with version 0x0680, BIFF2-style LABEL and NUMBER cells, EOF. */
function graphWorkbookStream(rows: Cell[][]): Uint8Array {
  const records: number[] = [];
  const record = (type: number, body: number[]) => records.push(type & 0xff, type >> 8, body.length & 0xff, body.length >> 8, ...body);
  const u16 = (n: number) => [n & 0xff, n >> 8];
  record(0x0809, [...u16(0x0680), ...u16(0x0005), 0, 0, 0, 0]);
  rows.forEach((row, r) =>
    row.forEach((value, c) => {
      const at = [...u16(r), ...u16(c), 0, 0, 0];
      if (typeof value === 'number') record(0x0003, [...at, ...new Uint8Array(new Float64Array([value]).buffer)]);
      else record(0x0004, [...at, value.length, 0, ...Array.from(value, (ch) => ch.charCodeAt(0) & 0xff)]);
    }),
  );
  record(0x000a, []);
  return Uint8Array.from(records);
}

function graphObject(rows: Cell[][]): Uint8Array {
  const cfb = XLSX.CFB.utils.cfb_new();
  XLSX.CFB.utils.cfb_add(cfb, 'Workbook', graphWorkbookStream(rows));
  return new Uint8Array(XLSX.CFB.write(cfb, { type: 'array' }) as ArrayLike<number>);
}

describe('a Microsoft Graph chart data sheet', () => {
  it('is read: people in it are blocked', async () => {
    const people = makeJobSeekers(40, 9);
    const verdict = await detect(graphObject([['BSN', 'Achternaam'], ...people.map((p) => [Number(p.bsn), p.surname])]));
    expect(verdict).toMatchObject({ verdict: 'block', kind: 'xls' });
    expect(verdict.reasons.map((r) => r.code)).toContain('bsn-column');
  });

  it('with a chart\'s figures passes', async () => {
    const verdict = await detect(graphObject([['', '1st Qtr', '2nd Qtr'], ['East', 20.4, 27.4], ['West', 30.6, 38.6]]));
    expect(verdict).toMatchObject({ verdict: 'allow', kind: 'xls', rows: expect.any(Number) });
    expect(verdict.rows).toBeGreaterThan(0);
  });
});
