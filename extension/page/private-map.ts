// Page world: a WeakMap a page script cannot lie to. What we know about the page's blobs (their
// verdicts, where they were cut from, the entries of a replayed drop) is read and written with
// WeakMap methods taken at document_start, before any page script runs: a page that later replaces
// WeakMap.prototype.get or .set changes its own maps, never ours.
const call = Function.prototype.call;
const get = call.bind(WeakMap.prototype.get) as (map: WeakMap<object, unknown>, key: object) => unknown;
const set = call.bind(WeakMap.prototype.set) as (map: WeakMap<object, unknown>, key: object, value: unknown) => void;
const remove = call.bind(WeakMap.prototype.delete) as (map: WeakMap<object, unknown>, key: object) => boolean;

export interface PrivateWeakMap<K extends object, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  delete(key: K): void;
}

export function privateWeakMap<K extends object, V>(): PrivateWeakMap<K, V> {
  const map = new WeakMap<K, V>();
  return {
    get: (key) => get(map, key) as V | undefined,
    set: (key, value) => set(map, key, value),
    delete: (key) => void remove(map, key),
  };
}
