// Text inside OOXML: entities, the _xHHHH_ escapes of characters XML cannot hold, and runs, in
// parts already in plain shape (xml-canonical.ts: SpreadsheetML unprefixed).
const ENTITY = /&(?:#x([0-9a-fA-F]+)|#(\d+)|(amp|lt|gt|quot|apos));|_x([0-9a-fA-F]{4})_/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function xmlText(text: string): string {
  if (!text.includes('&') && !text.includes('_x')) return text;
  return text.replace(ENTITY, (_, hex?: string, dec?: string, named?: string, ooxml?: string) => {
    if (named) return NAMED[named] ?? '';
    const code = parseInt(hex ?? ooxml ?? dec ?? '', hex || ooxml ? 16 : 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

const PHONETIC_RUN = /<rPh\b[\s\S]*?<\/rPh>/g;
const TEXT_RUN = /<t\b[^>]*?(?:\/>|>([^<]*)<\/t>)/g;

/** The visible text of a string item (<si>, <is>): all <t> runs, without phonetic (furigana) runs. */
export function runsText(xml: string): string {
  const plain = singleRun(xml);
  if (plain !== undefined) return xmlText(plain);
  const body = xml.includes('rPh') ? xml.replace(PHONETIC_RUN, '') : xml;
  let text = '';
  for (const match of body.matchAll(TEXT_RUN)) text += match[1] ?? '';
  return xmlText(text);
}

/**
 * The text of the usual string item, one unprefixed run ('<t>Jansen</t>', '<t xml:space="preserve">
 * ...</t>'), found with indexOf; undefined for anything else. matchAll per item costs a regular
 * expression copy each, on 100,000 shared strings.
 */
function singleRun(xml: string): string | undefined {
  const afterName = xml.charCodeAt(2);
  if (!xml.startsWith('<t') || !(afterName === 62 /* > */ || afterName === 32 /* space */) || !xml.endsWith('</t>')) return undefined;
  const open = xml.indexOf('>');
  const close = xml.length - 4;
  if (xml.charCodeAt(open - 1) === 47 /* / */ || xml.indexOf('<', open) !== close) return undefined;
  return xml.slice(open + 1, close);
}
