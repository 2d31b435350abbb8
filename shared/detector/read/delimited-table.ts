// The table of a delimited text: each field is where it lies in the decoded text, so a cell's
// string is built only when the analysis asks for it. Building every cell of a 100,000-row csv
// (1.4 million strings) cost more than reading and splitting the text itself.
import { isEmpty, type Table, type Tally } from '../table.js';
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

  /** Replaces the value of the last field read by what `revise` makes of it. */
  reviseLast(revise: (value: string) => string): void {
    const field = this.count - 1;
    if (field < this.rowFirst[this.rows]!) return;
    const start = this.starts[field]!;
    const value = start < 0 ? this.values[-1 - start]! : this.text.slice(start, this.ends[field]!);
    const revised = revise(value);
    if (revised === value) return;
    this.count--;
    this.value(revised);
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

  tally(limit: number): Tally {
    return new SpanTally(this, limit);
  }
}

/** Slots of a new tally: most columns repeat a few values, and small files are the common case. */
const FIRST_SLOTS = 64;

/**
 * A hash table keyed by cell text that is probed with a field's span: a repeated value is found
 * by comparing characters in place, without building its string again. Open addressing, kept at
 * most half full so that every search ends at a free slot.
 */
class SpanTally implements Tally {
  readonly values: string[] = [];
  private counts = new Int32Array(FIRST_SLOTS >> 1);
  /** Per slot: 1 + the index of its value, or 0 while free. */
  private slots = new Int32Array(FIRST_SLOTS);

  constructor(
    private readonly table: DelimitedTable,
    private readonly limit: number,
  ) {}

  add(r: number, c: number): boolean {
    const table = this.table;
    const field = table.rowFirst[r]! + c;
    const start = table.starts[field]!;
    let slot: number;
    if (start >= 0) slot = this.slotOf(table.text, start, table.ends[field]!);
    else {
      const value = table.values[-1 - start]!;
      slot = this.slotOf(value, 0, value.length);
    }
    const known = this.slots[slot]!;
    if (known !== 0) {
      this.counts[known - 1]!++;
      return true;
    }
    if (this.values.length >= this.limit) return false;
    this.values.push(this.table.cell(r, c) as string);
    this.slots[slot] = this.values.length;
    if (this.values.length > this.counts.length) this.grow();
    this.counts[this.values.length - 1] = 1;
    return true;
  }

  count(index: number): number {
    return this.counts[index]!;
  }

  /** Twice the slots, so that the table stays at most half full. */
  private grow(): void {
    const counts = new Int32Array(this.counts.length * 2);
    counts.set(this.counts);
    this.counts = counts;
    this.slots = new Int32Array(this.slots.length * 2);
    this.values.forEach((value, index) => (this.slots[this.slotOf(value, 0, value.length)] = index + 1));
  }

  /** The slot holding source[start, end), or the free slot where it belongs. Needs end > start. */
  private slotOf(source: string, start: number, end: number): number {
    const length = end - start;
    // A few characters suffice to spread the values of one column; reading them all costs more.
    // Each lies inside the field, whatever its length: what stands around it must not count.
    let hash = Math.imul(length, 0x9e3779b1) ^ source.charCodeAt(start);
    hash = Math.imul(hash ^ source.charCodeAt(start + (length >> 1)), 0x01000193);
    hash = Math.imul(hash ^ source.charCodeAt(end - 1), 0x01000193);
    hash = Math.imul(hash ^ source.charCodeAt(start + (length >> 2)), 0x01000193);
    hash = Math.imul(hash ^ source.charCodeAt(end - 1 - (length >> 2)), 0x01000193);
    const mask = this.slots.length - 1;
    const { values } = this;
    for (let slot = (hash ^ (hash >>> 15)) & mask; ; slot = (slot + 1) & mask) {
      const known = this.slots[slot]!;
      if (known === 0) return slot;
      const value = values[known - 1]!;
      if (value.length === length && source.startsWith(value, start)) return slot;
    }
  }
}
