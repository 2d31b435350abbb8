// The package side of xlsx: parts read through xml-canonical.ts, relationships, attributes of
// the plain tags that canonical parts consist of.
import { RELATIONSHIPS, SPREADSHEET_ML, xmlPart } from './xml-canonical.js';
import { xmlText } from './xml-text.js';
import { join, type ZipContainer } from './zip.js';

/** A SpreadsheetML part in plain shape; a missing part is damage ('corrupt'). */
export function spreadsheetPart(zip: ZipContainer, name: string): string {
  return xmlPart(zip.read(name), SPREADSHEET_ML, join(zip.path, name));
}

export interface Relationship {
  type: string;
  target: string;
}

/** The internal relationships of `part` ('' for the package), by id; none when it has no relationship part. */
export function relationships(zip: ZipContainer, part: string): Map<string, Relationship> {
  const slash = part.lastIndexOf('/') + 1;
  const base = part.slice(0, slash);
  const path = `${base}_rels/${part.slice(slash)}.rels`;
  const result = new Map<string, Relationship>();
  if (!zip.entries.has(path)) return result;
  for (const tag of xmlPart(zip.read(path), RELATIONSHIPS, join(zip.path, path)).match(/<Relationship\b[^>]*>/g) ?? []) {
    const id = attribute(tag, 'Id');
    const target = attribute(tag, 'Target');
    if (!id || !target || attribute(tag, 'TargetMode') === 'External') continue;
    result.set(id, { type: attribute(tag, 'Type') ?? '', target: resolve(base, target) });
  }
  return result;
}

/** Transitional and Strict OOXML name relationship types under different namespaces; the last segment is the same. */
export function isType(relationship: Relationship, type: string): boolean {
  return relationship.type.endsWith(`/${type}`);
}

/** Targets of the relationships of one type. */
export function targetsOfType(rels: Map<string, Relationship>, type: string): string[] {
  return [...rels.values()].filter((r) => isType(r, type)).map((r) => r.target);
}

function resolve(base: string, target: string): string {
  const parts = (target.startsWith('/') ? target.slice(1) : base + target).split('/');
  const resolved: string[] = [];
  for (const part of parts) {
    if (part === '..') resolved.pop();
    else if (part !== '.' && part !== '') resolved.push(part);
  }
  return resolved.join('/');
}

/** An attribute's value, references decoded, from a tag of a plain part (double quotes, no space around '='). */
export function attribute(tag: string, name: string): string | undefined {
  const key = `${name}="`;
  for (let at = tag.indexOf(key); at > 0; at = tag.indexOf(key, at + 1)) {
    if (/\s/.test(tag.charAt(at - 1))) return xmlText(tag.slice(at + key.length, tag.indexOf('"', at + key.length)));
  }
  return undefined;
}
