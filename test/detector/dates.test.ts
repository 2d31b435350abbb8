// The date formats: dates.ts decides which number formats show a date without loading SheetJS,
// and must decide as SheetJS does (the fast readers are cross-checked against SheetJS).
import * as XLSX from '@e965/xlsx';
import { describe, expect, it } from 'vitest';
import { builtinFormat, isDateFormat } from '../../shared/detector/read/dates.js';

/** Formats real workbooks use, and the corners of SheetJS's scanner (quotes, escapes, brackets, runs). */
const FORMATS = [
  'General', 'general', 'GENERAL', 'Generalx', 'G/Standaard', '0', '0.00', '#,##0', '0%', '0.00E+00', '# ?/?', '@', ';;;',
  'm/d/yy', 'd-mmm-yy', 'dd/mm/yyyy', 'yyyy-mm-dd', 'h:mm AM/PM', 'h:mm:ss', '[h]:mm:ss', '[mm]:ss', '[ss]', '[Red]0.00',
  '[$-413]d mmmm yyyy', '[$-F800]dddd\\, mmmm dd\\, yyyy', '[$€-413] #,##0.00', '"Datum: "0', '"d"0', '\\d0', '_d0', '* 0', '**0',
  '0" dagen"', '#,##0 ;[Red](#,##0)', '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)', 'A/P', 'am/pm', 'AM/PM h', 'a', 'B1yyyy', 'B2', 'b',
  'e', 'E+00', '0E+00', '0.0\\-0', '00000', '000-00-0000', '[<=9999999]###-####;(###) ###-####', '0.00;[Red]-0.00', 'mmss.0',
  '"上午/下午 "hh"時"mm"分"ss"秒 "', '上午/下午', '[$-404]e/m/d', '[DBNum1][$-804]yyyy"年"m"月"d"日"', 'ge.m.d', '"unterminated', '[',
  '[h', '?? ?/??', '(0)', ' 0', '12345', '9x', '0.0%x', '', 'x', '\\', '_',
];

/** The characters that steer SheetJS's scanner, for random formats. */
const ALPHABET = 'GgeneralMmDdYyHhSsEeBbAaP/上午下[]"\\_*@0#?.,+-%()123456789 ;:x$€';

function randomFormats(count: number): string[] {
  let seed = 17;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(next() * 12) }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join(''));
}

describe('isDateFormat', () => {
  it('answers as SheetJS does on real and awkward formats', () => {
    for (const format of FORMATS) expect(isDateFormat(format), format).toBe(XLSX.SSF.is_date(format));
  });

  it('answers as SheetJS does on 20,000 random formats', () => {
    const differ = randomFormats(20_000).filter((format) => isDateFormat(format) !== XLSX.SSF.is_date(format));
    expect(differ).toEqual([]);
  });

  it('says no to a missing format', () => {
    expect(isDateFormat(undefined)).toBe(false);
  });
});

describe('builtinFormat', () => {
  it('is SheetJS\'s table as it is before any workbook is read', () => {
    // This file reads no workbook before this test, so SheetJS's table is still its initial one.
    const table = XLSX.SSF.get_table() as Record<number, string | undefined>;
    for (let id = 0; id < 0x188; id++) expect(builtinFormat(id), `format ${id}`).toBe(table[id]);
  });
});
