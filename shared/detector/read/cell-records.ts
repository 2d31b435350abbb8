// How many cells with a value the raw records of a binary workbook hold, counted without
// SheetJS: a workbook whose records hold values while SheetJS shows none (or far fewer) was not
// read, whatever its declared ranges say. Ranges alone cannot tell: Excel declares ranges over
// formatted blanks, and LibreOffice shows those sheets empty too.

/** xlsb cell records that carry a value or an error: BrtCellRk..BrtFmlaError, BrtShortRk..BrtShortIsst. */
const XLSB_VALUE_RECORDS = new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18]);

export function xlsbValueRecords(part: Uint8Array): number {
  let count = 0;
  for (let at = 0; at < part.length; ) {
    const first = part[at++] ?? 0;
    const type = first & 0x80 ? (first & 0x7f) | (((part[at++] ?? 0) & 0x7f) << 7) : first;
    let size = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const byte = part[at++] ?? 0;
      size |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
    }
    if (XLSB_VALUE_RECORDS.has(type)) count++;
    at += size;
  }
  return count;
}

/**
 * BIFF2-8 records that carry a cell value or error: NUMBER, RK, MULRK (one per cell), LABELSST,
 * LABEL, RSTRING, BOOLERR, FORMULA and their BIFF2-4 forms.
 */
const BIFF_VALUE_RECORDS = new Set([0x0203, 0x027e, 0x00fd, 0x0204, 0x00d6, 0x0205, 0x0006, 0x0206, 0x0406, 0x0002, 0x0003, 0x0004, 0x0005, 0x007e]);
const BIFF_MULRK = 0x00bd;

/** BIFF5/8 substreams start with a BOF record that says what they are; chart data is no cells. */
const BIFF8_BOF = 0x0809;
const WORKSHEET_SUBSTREAM = 0x0010;

export function biffValueRecords(stream: Uint8Array): number {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  let count = 0;
  // Bare BIFF2-4 files have no BIFF5/8 BOF: every record is the one worksheet's.
  let inWorksheet = true;
  for (let at = 0; at + 4 <= stream.length; ) {
    const type = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (type === BIFF8_BOF && at + 8 <= stream.length) inWorksheet = view.getUint16(at + 6, true) === WORKSHEET_SUBSTREAM;
    else if (!inWorksheet) {
      // Globals, charts, macro and module substreams hold no cells a sheet shows.
    } else if (BIFF_VALUE_RECORDS.has(type)) count++;
    // MULRK: row, first column, 6 bytes per cell, last column.
    else if (type === BIFF_MULRK && size >= 6) count += Math.floor((size - 6) / 6);
    at += 4 + size;
  }
  return count;
}
