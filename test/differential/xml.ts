// A small XML writer whose every spelling choice is a switch: the same document written the ways
// that XML allows and that writers of spreadsheets (and people who want a file out) use.
export interface XmlStyle {
  quote: '"' | "'";
  /** What stands between an attribute's name and its value: '=', or with whitespace around it. */
  equals: string;
  /** The prefix of the part's main namespace ('' for a default namespace). */
  prefix: string;
  /** How text and attribute values are written. */
  text: 'escape' | 'cdata' | 'charref' | 'split-comment' | 'dtd-entity';
  /** Comments and processing instructions between elements. */
  misc: boolean;
  encoding: 'utf-8' | 'utf-8-bom' | 'utf-16';
}

export const PLAIN: XmlStyle = { quote: '"', equals: '=', prefix: '', text: 'escape', misc: false, encoding: 'utf-8' };

export interface XmlElement {
  name: string;
  attrs: Record<string, string | number | undefined>;
  children: (XmlElement | string)[];
}

export function el(name: string, attrs: XmlElement['attrs'] = {}, ...children: (XmlElement | string)[]): XmlElement {
  return { name, attrs, children };
}

/** Serialises `root` in namespace `ns` (its elements take the style's prefix); `others` are further prefixes. */
export function xml(root: XmlElement, ns: string, others: Record<string, string>, style: XmlStyle): Uint8Array {
  const declarations = { [style.prefix ? `xmlns:${style.prefix}` : 'xmlns']: ns, ...Object.fromEntries(Object.entries(others).map(([p, uri]) => [`xmlns:${p}`, uri])) };
  const entities = new Map<string, string>();
  const body = element({ ...root, attrs: { ...declarations, ...root.attrs } }, style, entities);
  // Internal entities: a conforming parser replaces each reference with the text declared here.
  const doctype = entities.size === 0 ? '' :
    `<!DOCTYPE ${style.prefix ? `${style.prefix}:` : ''}${root.name} [\r\n${[...entities].map(([value, name]) => `<!ENTITY ${name} "${escape(value).replace(/"/g, '&#34;').replace(/%/g, '&#37;')}">`).join('\r\n')}\r\n]>\r\n`;
  const text = `<?xml version="1.0" encoding="${style.encoding === 'utf-16' ? 'UTF-16' : 'UTF-8'}" standalone="yes"?>\r\n${doctype}${body}`;
  if (style.encoding === 'utf-16') return utf16le(`\ufeff${text}`);
  return new TextEncoder().encode(style.encoding === 'utf-8-bom' ? `\ufeff${text}` : text);
}

function element(node: XmlElement, style: XmlStyle, entities: Map<string, string>): string {
  const name = style.prefix && !node.name.includes(':') ? `${style.prefix}:${node.name}` : node.name;
  const attrs = Object.entries(node.attrs)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}${style.equals}${style.quote}${attribute(String(value), style)}${style.quote}`)
    .join('');
  const misc = style.misc ? '<!-- geen opmerking --><?export-guard variant?>' : '';
  if (node.children.length === 0) return `<${name}${attrs}/>${misc}`;
  const inner = node.children.map((child) => (typeof child === 'string' ? text(child, style, entities) : element(child, style, entities))).join('');
  return `<${name}${attrs}>${misc}${inner}</${name}>${misc}`;
}

function escape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function charrefs(value: string): string {
  return Array.from(value, (ch) => `&#x${ch.codePointAt(0)!.toString(16)};`).join('');
}

function attribute(value: string, style: XmlStyle): string {
  if (style.text === 'charref') return charrefs(value);
  return escape(value).replace(style.quote === '"' ? /"/g : /'/g, style.quote === '"' ? '&quot;' : '&apos;');
}

function text(value: string, style: XmlStyle, entities: Map<string, string>): string {
  switch (style.text) {
    case 'escape':
      return escape(value);
    case 'cdata':
      return `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
    case 'charref':
      return charrefs(value);
    case 'split-comment': {
      // A comment and a processing instruction inside the text: a conforming parser joins the halves.
      const half = Math.ceil(value.length / 2);
      return `${escape(value.slice(0, half))}<!--x--><?pi ?>${escape(value.slice(half))}`;
    }
    case 'dtd-entity': {
      if (!entities.has(value)) entities.set(value, `w${entities.size}`);
      return `&${entities.get(value)!};`;
    }
  }
}

export function utf16le(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < text.length; i++) view.setUint16(i * 2, text.charCodeAt(i), true);
  return bytes;
}
