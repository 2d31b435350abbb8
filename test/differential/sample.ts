// The variants `npm test` runs through the differential check (the full run is
// `npm run bench differential`). Data only: add, drop or move names here. A name is `shape/table`
// as test/differential/variants.ts makes it; the test fails on a name the generator does not make.
export const SAMPLE_SEED = 1;

/** Every oracle must read these as their table, or the oracles (not the detector) are broken. */
export const CONTROLS = [
  'xlsx/sheetjs/people',
  'csv/semicolon/people',
  'xlsx/sheetjs/catalogue',
  'csv/semicolon/catalogue',
  // The people on a second, hidden sheet: each oracle must export every sheet.
  'xlsx/hidden-sheet/people',
];

export const SAMPLE_VARIANTS = [
  ...CONTROLS,
  'ods/plain/people',
  'xlsx/sheetjs/people-no-bsn',
  'xls/sheetjs-biff8/people',
  // XML parts spelled as XML allows.
  'xlsx/cdata/people',
  'xlsx/cdata/catalogue',
  'xlsx/cdata-inline/people',
  'xlsx/comments-pis/people',
  'xlsx/charrefs/people',
  'xlsx/spaced-equals/people',
  'xlsx/ns-prefix/people',
  'xlsx/utf16-parts/people',
  'xlsx/strict/people',
  'xlsx/no-refs/people',
  'xlsx/rich-text-runs/people',
  'xlsx/upper-case-names/people',
  // The package around them, and what else it holds.
  'xlsx/data-descriptors/people',
  'xlsx/stored/catalogue',
  'xlsx/duplicate-entry-people-first/people',
  'xlsx/case-twin-entries/people',
  'xlsx/unlisted-local-entry/people',
  'xlsx/very-hidden-sheet/people',
  'xlsx/pivot-cache/people',
  'xlsx/chart-cache/people',
  'docx/embedded-xlsx/people',
  'xlsx/far-below-harmless/people-no-bsn',
  'ods/encrypted/people',
  'ods/repeated/people',
  'ods/flat/people',
  'ods/masked-values/people',
  'ods/prefixes/catalogue',
  // Text that starts or ends like something else, or bends the lines.
  'csv/vt-line-ends/people',
  'csv/nul-line-ends/people',
  'csv/excel-text-values/people',
  'csv/eocd-appended/people',
  'csv/utf16-eocd-appended/people-no-bsn',
  'csv/pdf-first-cell/people',
  'csv/gif-first-cell/people',
  'csv/binary-prefix/people',
  'csv/binary-prefix/catalogue',
  'csv/utf16le-bom-tab/people',
  'csv/transposed/people',
  'csv/one-line/people',
  'csv/one-line/people-no-bsn',
  // Other formats and archives.
  'text/sylk/people',
  'text/dif/people',
  'text/fixed-width/people',
  'html/table/people',
  'json/records/people',
  'xml/records/people',
  'bzip2/csv/people',
  'xz/csv/people',
  'tar/csv/people',
  '7z/csv/people',
  'gzip/csv/catalogue',
  // Harmless statistics per municipality (issue 10: a count of benefits is not a person's health).
  'csv/semicolon/municipalities',
  'xlsx/sheetjs/municipalities',
];
