// '="012345678"' is how many export tools write an id so that Excel keeps its leading zero: Excel
// shows the text inside. The csv reader already reads it so; a string cell in any other format
// that holds one is read the same way here.

import type { CellValue } from '../types.js';

/** '=': a cell starting with it may be '="..."'. */
export const EQUALS = 61;
const QUOTE = 34;

/** The text inside '="..."' (doubled quotes undone), or the value itself. */
export function innerText(value: CellValue): CellValue {
  return typeof value === 'string' && value.charCodeAt(0) === EQUALS ? unwrapped(value) : value;
}

/** '="0123"' -> '0123'; any other text starting with '=' stays as it is. */
export function unwrapped(text: string): string {
  if (text.charCodeAt(1) !== QUOTE) return text;
  const inner = /^="((?:[^"]|"")*)"$/.exec(text.trim());
  return inner ? inner[1]!.replace(/""/g, '"') : text;
}
