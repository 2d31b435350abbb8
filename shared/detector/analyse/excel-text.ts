// '="012345678"' is how many export tools write an id so that Excel keeps its leading zero: Excel
// shows the text inside. The csv reader already reads it so; a string cell in any other format
// that holds one is read the same way here.

const EQUALS = 61;
const QUOTE = 34;

/** The text inside '="..."' (doubled quotes undone), or the value itself. */
export function innerText<T>(value: T): T | string {
  if (typeof value !== 'string' || value.charCodeAt(0) !== EQUALS || value.charCodeAt(1) !== QUOTE) return value;
  const inner = /^="((?:[^"]|"")*)"$/.exec(value.trim());
  return inner ? inner[1]!.replace(/""/g, '"') : value;
}
