// A new scan worker scans a few made-up files before its first real one (issue 17): the first
// upload after a start or a worker replacement then pays neither the loading of the readers and
// SheetJS nor the compiling of the hot loops. The files are written here by SheetJS, from made-up
// people, in each format a caseworker exports; their verdicts are thrown away.
import { detect } from '../../shared/detector/index.js';
import { loadSheetJs } from '../../shared/detector/read/lazy-modules.js';
import type { Policy } from '../../shared/policy/types.js';

/** Made up: no real person, no BSN that passes the elfproef. */
const ROWS = [
  ['Klantnummer', 'Voornaam', 'Achternaam', 'Geboortedatum', 'Postcode', 'E-mailadres'],
  ['K-0001', 'Test', 'Voorbeeld', new Date(Date.UTC(1980, 0, 2)), '1234 AB', 'test@voorbeeld.invalid'],
  ['K-0002', 'Proef', 'Monster', new Date(Date.UTC(1991, 5, 30)), '9876 ZY', 'proef@voorbeeld.invalid'],
];
const FORMATS = ['xlsx', 'ods', 'xls', 'csv'] as const;

/** Scans one made-up file of each format; resolves with the milliseconds it took. */
export async function warmUp(policy: Policy): Promise<number> {
  const started = performance.now();
  const XLSX = await loadSheetJs();
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(ROWS, { cellDates: true }), 'Export');
  for (const bookType of FORMATS) {
    const bytes = new Uint8Array(XLSX.write(book, { type: 'buffer', bookType }) as Buffer);
    await detect(bytes, { policy });
  }
  return performance.now() - started;
}
