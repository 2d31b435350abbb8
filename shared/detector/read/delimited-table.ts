// The table of a delimited text: each field is where it lies in the decoded text, so a cell's
// string is built only when the analysis asks for it. Building every cell of a 100,000-row csv
// (1.4 million strings) cost more than reading and splitting the text itself.
import { isEmpty, type CellMemo, type Table } from '../table.js';
import type { CellValue } from '../types.js';
import { MAX_COLUMNS } from './grid.js';
import { stop } from './session.js';

/** Collects fields and rows while the text is split. */
export class FieldList {
  /** A field's span in the text; a negative start -1-k points at values[k] instead. */
  private starts: Int32Array;
  private ends: Int32Array;
  private count = 0;
  /** rowFirst[r] is row r's first field; the last entry is where the row being read begins. */
  private rowFirst: Int32Array = new Int32Array(256);
  private rows = 0;
  /** Fields whose value differs from their text: quoted ones with doubled quotes or a tail. */
  private readonly values: string[] = [];

  constructor(
    private readonly text: string,
    private readonly path: string,
  ) {
    // Exports average about ten characters a field: room for most without growing.
    const capacity = Math.max(1024, text.length >> 3);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }

  span(start: number, end: number): void {
    this.reserve();
    this.starts[this.count] = start;
    this.ends[this.count++] = end;
  }

  value(value: string): void {
    if (value === '') return this.span(0, 0);
    this.reserve();
    this.starts[this.count] = -1 - this.values.length;
    this.ends[this.count++] = 0;
    this.values.push(value);
  }

  /** Ends the row being read; a line holding one empty field is no row. Returns the rows so far. */
  endRow(): number {
    const first = this.rowFirst[this.rows]!;
    const fields = this.count - first;
    if (fields === 0 || (fields === 1 && this.starts[first] === this.ends[first])) {
      this.count = first;
      return this.rows;
    }
    if (this.rows + 2 > this.rowFirst.length) this.rowFirst = grown(this.rowFirst);
    this.rowFirst[++this.rows] = this.count;
    return this.rows;
  }

  table(): Table {
    return new DelimitedTable(this.text, this.starts, this.ends, this.rowFirst, this.rows, this.values);
  }

  /** Room for one more field in the row being read. */
  private reserve(): void {
    if (this.count - this.rowFirst[this.rows]! >= MAX_COLUMNS) stop('too-large', this.path, `a row of more than ${MAX_COLUMNS} fields`);
    if (this.count < this.starts.length) return;
    this.starts = grown(this.starts);
    this.ends = grown(this.ends);
  }
}

function grown(array: Int32Array): Int32Array {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

class DelimitedTable implements Table {
  constructor(
    readonly text: string,
    readonly starts: Int32Array,
    readonly ends: Int32Array,
    readonly rowFirst: Int32Array,
    readonly rowCount: number,
    readonly values: readonly string[],
  ) {}

  rowLength(r: number): number {
    return r >= 0 && r < this.rowCount ? this.rowFirst[r + 1]! - this.rowFirst[r]! : 0;
  }

  cell(r: number, c: number): CellValue {
    if (c >= this.rowLength(r)) return null;
    const field = this.rowFirst[r]! + c;
    const start = this.starts[field]!;
    if (start < 0) return this.values[-1 - start]!;
    const end = this.ends[field]!;
    return start === end ? null : this.text.slice(start, end);
  }

  isBlank(r: number, c: number): boolean {
    const field = this.rowFirst[r]! + c;
    const start = this.starts[field]!;
    if (start < 0) return isEmpty(this.values[-1 - start]);
    const end = this.ends[field]!;
    return start === end || (this.text.charCodeAt(start) <= 32 && this.text.slice(start, end).trim() === '');
  }

  memo(): CellMemo {
    return new SpanMemo(this);
  }
}

/** Slots of a new memo: most columns repeat a few values, and small files are the common case. */
const FIRST_SLOTS = 64;
/** Past this many values the memo stops learning: the analysis gives up on it long before. */
const MAX_KEYS = 4096;

/**
 * A hash table keyed by cell text that is probed with a field's span: a repeated value is found
 * by comparing characters in place, without building its string again. Open addressing, kept at
 * most half full so that every search ends at a free slot.
 */
class SpanMemo implements CellMemo {
  private keys: (string | undefined)[] = new Array<string | undefined>(FIRST_SLOTS).fill(undefined);
  private remembered = new Int32Array(FIRST_SLOTS);
  size = 0;

  constructor(private readonly table: DelimitedTable) {}

  get(r: number, c: number): number | undefined {
    const { text, starts, ends, rowFirst, values } = this.table;
    const field = rowFirst[r]! + c;
    const start = starts[field]!;
    const slot = start < 0 ? this.slotOf(values[-1 - start]!, 0, values[-1 - start]!.length) : this.slotOf(text, start, ends[field]!);
    return this.keys[slot] === undefined ? undefined : this.remembered[slot];
  }

  set(value: CellValue, remembered: number): void {
    if (typeof value !== 'string' || this.size >= MAX_KEYS) return;
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    this.put(value, remembered);
  }

  private put(key: string, remembered: number): void {
    const slot = this.slotOf(key, 0, key.length);
    if (this.keys[slot] === undefined) {
      this.keys[slot] = key;
      this.size++;
    }
    this.remembered[slot] = remembered;
  }

  private grow(): void {
    const { keys, remembered } = this;
    this.keys = new Array<string | undefined>(keys.length * 2).fill(undefined);
    this.remembered = new Int32Array(keys.length * 2);
    this.size = 0;
    keys.forEach((key, slot) => key !== undefined && this.put(key, remembered[slot]!));
  }

  /** The slot holding source[start, end), or the free slot where it belongs. Needs end > start. */
  private slotOf(source: string, start: number, end: number): number {
    const length = end - start;
    const mix = length * 0x3b + source.charCodeAt(start) * 0x3b3 + source.charCodeAt(start + (length >> 1)) * 0x1f + source.charCodeAt(end - 1);
    const mask = this.keys.length - 1;
    let slot = (Math.imul(mix, 0x9e3779b1) >>> 16) & mask;
    for (;;) {
      const key = this.keys[slot];
      if (key === undefined || (key.length === length && sameText(key, source, start))) return slot;
      slot = (slot + 1) & mask;
    }
  }
}

/** Whether source holds key at start. Faster than startsWith on the short values of a cell. */
function sameText(key: string, source: string, start: number): boolean {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) !== source.charCodeAt(start + i)) return false;
  return true;
}
