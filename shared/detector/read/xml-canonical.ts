// XML parts as a conforming parser reads them, in the one plain shape the fast readers scan.
//
// The fast readers find tags with indexOf and expect what Excel and LibreOffice write: UTF-8,
// double-quoted attributes, no comments, CDATA or processing instructions, each namespace under
// its usual prefix. Everything else XML allows means the same to a conforming parser (Excel's,
// LibreOffice's), so a part that is not plain is first rewritten by a small conforming
// tokenizer: comments and PIs dropped, CDATA turned into escaped text, attribute values
// normalised and double-quoted, elements and attributes renamed to a canonical prefix per
// namespace (a foreign namespace gets 'nsN:', so it can never pass for ours). What it cannot read
// with certainty (entity declarations, an undeclared prefix, unbalanced tags, an unknown
// encoding) stops the read as corrupt.
import { stop } from './session.js';

/** Canonical prefix per namespace URI; '' is written without a prefix. */
export type Vocabulary = ReadonlyMap<string, string>;

const SPREADSHEETML = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const STRICT_SPREADSHEETML = 'http://purl.oclc.org/ooxml/spreadsheetml/main';

/** SpreadsheetML parts (Transitional and Strict) with the relationship attributes they refer by (r:id). */
export const SPREADSHEET_ML: Vocabulary = new Map([
  [SPREADSHEETML, ''],
  [STRICT_SPREADSHEETML, ''],
  ['http://schemas.openxmlformats.org/officeDocument/2006/relationships', 'r'],
  ['http://purl.oclc.org/ooxml/officeDocument/relationships', 'r'],
]);

/** OPC relationship parts (_rels/*.rels). */
export const RELATIONSHIPS: Vocabulary = new Map([['http://schemas.openxmlformats.org/package/2006/relationships', '']]);

const odf = (name: string) => `urn:oasis:names:tc:opendocument:xmlns:${name}:1.0`;
/** OpenDocument content, styles and manifest, under the prefixes LibreOffice writes. */
export const OPEN_DOCUMENT: Vocabulary = new Map([
  [odf('office'), 'office'],
  [odf('table'), 'table'],
  [odf('text'), 'text'],
  [odf('style'), 'style'],
  [odf('datastyle'), 'number'],
  [odf('manifest'), 'manifest'],
  [odf('drawing'), 'draw'],
]);

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

/** The text of an XML part in plain shape, ready for the fast readers. */
export function xmlPart(bytes: Uint8Array, vocabulary: Vocabulary, where: string): string {
  return plainXml(decodeXml(bytes, where), vocabulary, where);
}

/** Decoded XML in plain shape: as it is when it passes the plainness test, else canonicalised. */
export function plainXml(xml: string, vocabulary: Vocabulary, where: string): string {
  return isPlain(xml, vocabulary) ? xml : canonicalXml(xml, vocabulary, where);
}

/** Decodes as XML says: a BOM, else UTF-16 by its first '<', else the declared encoding, else UTF-8. Invalid bytes are damage. */
export function decodeXml(bytes: Uint8Array, where: string): string {
  let encoding = 'utf-8';
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) [encoding, start] = ['utf-16le', 2];
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) [encoding, start] = ['utf-16be', 2];
  else if (bytes[0] === 0x3c && bytes[1] === 0) encoding = 'utf-16le';
  else if (bytes[0] === 0 && bytes[1] === 0x3c) encoding = 'utf-16be';
  else encoding = declaredEncoding(bytes) ?? 'utf-8';
  // '<?xml' in single bytes labelled UTF-16 (what .NET writes through a StringWriter): libxml2,
  // and so LibreOffice, reads it as UTF-8.
  if (start === 0 && bytes[1] !== 0 && /^(?:utf-16|ucs-2)/.test(encoding)) encoding = 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    return stop('corrupt', where, `XML in an encoding no reader knows: ${encoding.slice(0, 40)}`);
  }
  try {
    return decoder.decode(bytes.subarray(start));
  } catch {
    return stop('corrupt', where, `bytes that are not ${decoder.encoding}`);
  }
}

function declaredEncoding(bytes: Uint8Array): string | undefined {
  const head = String.fromCharCode(...bytes.subarray(0, 200));
  return /^<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']/.exec(head)?.[1]?.toLowerCase();
}

/**
 * Whether the fast readers see this part as a conforming parser does: nothing but the XML
 * declaration starts with '<!' or '<?'; tags hold no white space but ' ', and none before '='
 * or '>'; every '=' in a tag is followed by a double-quoted value free of '<', '>', '&' and '='
 * (so no attribute hides in another's value); and namespaces are declared only on the root element, each known one under
 * its canonical prefix. A few native passes over the text (about 7 ms on a 5 MB sheet): a match
 * in text ('A1 = B1' in a formula) is told from one in a tag by whether a '<' or a '>' came last.
 */
export function isPlain(xml: string, vocabulary: Vocabulary): boolean {
  const declaration = xml.startsWith('<?xml') ? xml.indexOf('?>') + 2 : 0;
  if (declaration === 1) return false;
  for (const mark of ['!', '?']) {
    for (let at = xml.indexOf(mark, declaration); at >= 0; at = xml.indexOf(mark, at + 1)) if (xml.charCodeAt(at - 1) === 60 /* < */) return false;
  }
  // One pass: a '=' without a plain double-quoted value, a space before '=' or '>'.
  const unsure = /=(?!"[^"<>&=]*")| [=>]/g;
  unsure.lastIndex = declaration;
  for (let match = unsure.exec(xml); match; match = unsure.exec(xml)) if (inTag(xml, match.index)) return false;
  // A tab or line break before a name, where the readers expect a space; line breaks between tags
  // are fine. Found with indexOf, since parts hold few of them: in the one expression above they
  // cost 3 ms of a 5 MB sheet's 10.
  for (const space of ['\t', '\n', '\r']) {
    for (let at = xml.indexOf(space, declaration); at >= 0; at = xml.indexOf(space, at + 1)) {
      if (!SPACE_OR_TAG.test(xml.charAt(at + 1)) && inTag(xml, at)) return false;
    }
  }
  const rootStart = xml.indexOf('<', declaration);
  const rootEnd = xml.indexOf('>', rootStart);
  if (rootStart < 0 || rootEnd < 0 || xml.includes('xmlns', rootEnd)) return false;
  const root = xml.slice(rootStart, rootEnd);
  const canonical = new Set(vocabulary.values());
  const declared = new Set<string>();
  for (const [, prefix = '', uri = ''] of root.matchAll(/\sxmlns(?::([^=\s]+))?="([^"]*)"/g)) {
    const wanted = vocabulary.get(uri);
    if (wanted === undefined ? canonical.has(prefix) : wanted !== prefix) return false;
    declared.add(prefix);
  }
  // A root without its namespace (<x:worksheet> with x declared nowhere) is no document Excel or LibreOffice opens.
  const rootPrefix = /^<([^\s>/:]+):/.exec(root)?.[1];
  return rootPrefix === undefined || declared.has(rootPrefix);
}

const SPACE_OR_TAG = /^[\s<]$/;

/** Whether position `at` lies inside a tag (as the fast readers find tags: from '<' to the next '>'). */
function inTag(xml: string, at: number): boolean {
  return xml.lastIndexOf('<', at) > xml.lastIndexOf('>', at - 1);
}

interface Scope {
  /** The element's name as written, to match its end tag. */
  name: string;
  /** Prefix -> namespace URI in force inside the element. */
  bindings: Map<string, string>;
}

const NAMED_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const REFERENCE = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([A-Za-z_][\w.-]*));/y;

/** The part rewritten in plain shape (see the file comment). */
export function canonicalXml(xml: string, vocabulary: Vocabulary, where: string): string {
  return new Canonicaliser(xml, vocabulary, where).run();
}

type Corrupt = (detail: string, at: number) => never;

/**
 * Rewrites only what differs from the plain shape: the output is the source's own slices between
 * the rewritten pieces, joined once at the end (a string grown by += from a million tags is a
 * rope the garbage collector copies again and again).
 */
class Canonicaliser {
  private readonly pieces: string[] = [];
  /** Up to here the source is settled: copied into pieces or replaced. */
  private copied = 0;
  /** Canonical names by name as written, for the bindings they were made under. */
  private names = new Map<string, string>();
  private namesFor: Map<string, string> | undefined;
  private readonly stack: Scope[] = [];
  private readonly outside = new Map<string, string>([['xml', XML_NAMESPACE]]);
  private bindings = this.outside;
  /** Canonical prefixes of foreign namespaces: 'ns1', 'ns2'... */
  private readonly foreign = new Map<string, string>();
  /** The attributes of the current start tag, reused from tag to tag. */
  private readonly attributes: string[] = [];
  private readonly values: string[] = [];
  readonly corrupt: Corrupt;

  constructor(
    private readonly xml: string,
    private readonly vocabulary: Vocabulary,
    where: string,
  ) {
    this.corrupt = (detail, at) => stop('corrupt', where, `${detail} at character ${at}`);
  }

  run(): string {
    const { xml, corrupt } = this;
    let rootSeen = false;
    let pos = 0;
    while (pos < xml.length) {
      const lt = xml.indexOf('<', pos);
      if (lt !== pos) {
        const text = xml.slice(pos, lt < 0 ? xml.length : lt);
        if (this.stack.length > 0) this.keepOrReplace(pos, pos + text.length, escapedText(text, corrupt, pos));
        else if (text.trim() !== '') corrupt('text outside the root element', pos);
      }
      if (lt < 0) break;
      const next = xml.charCodeAt(lt + 1);
      if (next === 33 /* ! */) {
        if (xml.startsWith('<!--', lt)) pos = after(xml, '-->', lt + 4, 'an unclosed comment', corrupt);
        else if (xml.startsWith('<![CDATA[', lt)) {
          pos = after(xml, ']]>', lt + 9, 'an unclosed CDATA section', corrupt);
          if (this.stack.length === 0) corrupt('CDATA outside the root element', lt);
        } else if (xml.startsWith('<!DOCTYPE', lt)) pos = skipDoctype(xml, lt, corrupt);
        else corrupt('markup XML does not allow here', lt);
        this.replace(lt, pos, xml.startsWith('<![CDATA[', lt) ? escapeText(xml.slice(lt + 9, pos - 3)) : '');
      } else if (next === 63 /* ? */) {
        pos = after(xml, '?>', lt + 2, 'an unclosed processing instruction', corrupt);
        this.replace(lt, pos, '');
      } else if (next === 47 /* / */) {
        pos = this.endTag(lt);
      } else {
        if (this.stack.length === 0 && rootSeen) corrupt('a second root element', lt);
        rootSeen = true;
        pos = this.startTag(lt);
      }
    }
    if (this.stack.length > 0) corrupt(`<${this.stack.at(-1)?.name.slice(0, 40)}> is not closed`, xml.length);
    if (!rootSeen) corrupt('no root element', 0);
    this.pieces.push(xml.slice(this.copied));
    return this.pieces.join('');
  }

  private replace(from: number, to: number, text: string): void {
    if (from > this.copied) this.pieces.push(this.xml.slice(this.copied, from));
    if (text !== '') this.pieces.push(text);
    this.copied = to;
  }

  private keepOrReplace(from: number, to: number, text: string): void {
    if (to - from !== text.length || !this.xml.startsWith(text, from)) this.replace(from, to, text);
  }

  private endTag(lt: number): number {
    const end = this.xml.indexOf('>', lt);
    const name = end < 0 ? '' : this.xml.slice(lt + 2, end).trimEnd();
    const scope = this.stack.pop();
    if (!scope || scope.name !== name) this.corrupt('an end tag that closes no open element', lt);
    this.keepOrReplace(lt, end + 1, `</${this.qualified(name, false, lt)}>`);
    this.bindings = this.stack.at(-1)?.bindings ?? this.outside;
    return end + 1;
  }

  private startTag(lt: number): number {
    const { xml, corrupt, attributes, values } = this;
    attributes.length = 0;
    values.length = 0;
    let at = lt + 1;
    while (!endsName(xml.charCodeAt(at))) at++;
    const name = xml.slice(lt + 1, at);
    if (name === '' || /[<&"']/.test(name)) corrupt('a tag without a name', lt);
    const inherited = this.bindings;
    let selfClosing = false;
    for (;;) {
      const before = at;
      while (isSpace(xml.charCodeAt(at))) at++;
      const code = xml.charCodeAt(at);
      if (code === 62 /* > */) break;
      if (code === 47 /* / */ && xml.charCodeAt(at + 1) === 62) {
        selfClosing = true;
        at++;
        break;
      }
      if (at === before) corrupt(`<${name.slice(0, 40)}>: attributes not separated by space`, at);
      const nameStart = at;
      while (!endsName(xml.charCodeAt(at))) at++;
      const attribute = xml.slice(nameStart, at);
      while (isSpace(xml.charCodeAt(at))) at++;
      if (attribute === '' || xml.charCodeAt(at) !== 61 /* = */) corrupt(`<${name.slice(0, 40)}>: an attribute without a value`, at);
      at++;
      while (isSpace(xml.charCodeAt(at))) at++;
      const quote = xml.charCodeAt(at);
      if (quote !== 34 && quote !== 39) corrupt(`<${name.slice(0, 40)}>: an attribute value without quotes`, at);
      const close = xml.indexOf(quote === 34 ? '"' : "'", at + 1);
      if (close < 0) corrupt(`<${name.slice(0, 40)}>: an unclosed attribute value`, at);
      const value = attributeValue(xml.slice(at + 1, close), corrupt, at);
      if (attribute === 'xmlns' || attribute.startsWith('xmlns:')) {
        // The element's own declarations hold for its name and attributes too.
        if (this.bindings === inherited) this.bindings = new Map(inherited);
        this.bindings.set(attribute.slice(6), value);
      } else {
        attributes.push(attribute);
        values.push(value);
      }
      at = close + 1;
    }
    let written = `<${this.qualified(name, false, lt)}`;
    for (let i = 0; i < attributes.length; i++) {
      const attribute = this.qualified(attributes[i] ?? '', true, lt);
      for (let j = 0; j < i; j++) if (this.qualified(attributes[j] ?? '', true, lt) === attribute) corrupt(`attribute ${attribute.slice(0, 40)} given twice`, lt);
      written += ` ${attribute}="${escapeAttribute(values[i] ?? '')}"`;
    }
    this.keepOrReplace(lt, at + 1, selfClosing ? `${written}/>` : `${written}>`);
    if (selfClosing) this.bindings = inherited;
    else this.stack.push({ name, bindings: this.bindings });
    return at + 1;
  }

  private qualified(name: string, isAttribute: boolean, at: number): string {
    if (this.namesFor !== this.bindings) {
      this.names = new Map();
      this.namesFor = this.bindings;
    }
    // Element and attribute names differ in whether the default namespace applies: keyed apart.
    const key = isAttribute ? `@${name}` : name;
    let canonical = this.names.get(key);
    if (canonical === undefined) this.names.set(key, (canonical = this.resolve(name, isAttribute, at)));
    return canonical;
  }

  private resolve(name: string, isAttribute: boolean, at: number): string {
    const colon = name.indexOf(':');
    if (colon < 0) return isAttribute ? name : withPrefix(this.prefixOf(this.bindings.get('') ?? ''), name);
    const uri = this.bindings.get(name.slice(0, colon));
    if (uri === undefined) this.corrupt(`undeclared namespace prefix in <${name.slice(0, 40)}>`, at);
    return withPrefix(this.prefixOf(uri ?? ''), name.slice(colon + 1));
  }

  private prefixOf(uri: string): string {
    const known = this.vocabulary.get(uri) ?? (uri === XML_NAMESPACE ? 'xml' : undefined);
    if (known !== undefined) return known;
    // No namespace at all: read as ours, as SheetJS (which ignores namespaces) does.
    if (uri === '') return '';
    let prefix = this.foreign.get(uri);
    if (prefix === undefined) this.foreign.set(uri, (prefix = `ns${this.foreign.size + 1}`));
    return prefix;
  }
}

function withPrefix(prefix: string, local: string): string {
  return prefix === '' ? local : `${prefix}:${local}`;
}

function after(xml: string, close: string, from: number, what: string, corrupt: Corrupt): number {
  const at = xml.indexOf(close, from);
  return at < 0 ? corrupt(what, from) : at + close.length;
}

/** A DTD may declare entities that expand to anything (Excel refuses DTDs altogether): only an empty one is skipped. */
function skipDoctype(xml: string, lt: number, corrupt: Corrupt): number {
  const end = xml.indexOf('>', lt);
  const subset = xml.indexOf('[', lt);
  if (end < 0) return corrupt('an unclosed DOCTYPE', lt);
  if (subset >= 0 && subset < end) corrupt('a DOCTYPE with declarations', lt);
  return end + 1;
}

const isSpace = (code: number) => code === 32 || code === 9 || code === 10 || code === 13;
/** Characters that end a name inside a tag. */
const endsName = (code: number) => isSpace(code) || code === 61 /* = */ || code === 62 /* > */ || code === 47 /* / */ || Number.isNaN(code);

/** Checks every reference in text and escapes what the fast readers could take for markup. */
function escapedText(text: string, corrupt: Corrupt, at: number): string {
  if (text.includes('&')) checkReferences(text, corrupt, at);
  return text.includes('>') ? text.replaceAll('>', '&gt;') : text;
}

function checkReferences(text: string, corrupt: Corrupt, at: number): void {
  for (let amp = text.indexOf('&'); amp >= 0; amp = text.indexOf('&', amp + 1)) {
    REFERENCE.lastIndex = amp;
    const match = REFERENCE.exec(text);
    if (!match) corrupt('a bare & in text', at + amp);
    const [, hex, decimal, named] = match ?? [];
    if (named !== undefined ? !NAMED_ENTITIES.has(named) : !isXmlChar(parseInt(hex ?? decimal ?? '', hex ? 16 : 10))) {
      corrupt('a reference to an undeclared entity or a character XML does not allow', at + amp);
    }
  }
}

function isXmlChar(code: number): boolean {
  return code === 9 || code === 10 || code === 13 || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

const NAMED_CHARACTERS: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** An attribute's value as XML defines it: literal tabs and line breaks become spaces, references their characters. */
function attributeValue(raw: string, corrupt: Corrupt, at: number): string {
  if (raw.includes('<')) corrupt('a < inside an attribute value', at);
  const spaced = /[\t\n\r]/.test(raw) ? raw.replace(/[\t\n\r]/g, ' ') : raw;
  if (!spaced.includes('&')) return spaced;
  checkReferences(spaced, corrupt, at);
  return spaced.replace(/&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(\w+));/g, (_, hex?: string, decimal?: string, named?: string) =>
    named ? (NAMED_CHARACTERS[named] ?? '') : String.fromCodePoint(parseInt(hex ?? decimal ?? '', hex ? 16 : 10)),
  );
}

function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** Tabs and line breaks that came from references stay references: written literally, a parser would read them as spaces. */
function escapeAttribute(value: string): string {
  if (!/[&<>"\t\n\r]/.test(value)) return value;
  return value.replace(/[&<>"\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}
