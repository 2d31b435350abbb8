// The largest grid Excel and LibreOffice open: 1,048,576 rows by 16,384 columns. A workbook cell
// beyond it is damage; a delimited row wider than it is no table a person could open, and every
// column costs the analysis memory of its own.
export const MAX_ROWS = 1_048_576;
export const MAX_COLUMNS = 16_384;
