// Page world: values that arrive later (a verdict, a folder read from disk), handed to callbacks
// of ours rather than through Promises. Whatever Promise a page script can reach, it can make lie:
// `await` and resolving with a promise call its then when Promise.prototype.constructor or .then
// is replaced, and Promise.all calls Promise.resolve and then. A callback is called by us alone.
import { append, queueTask, setAt } from './intrinsics.js';

/** Hands the value to `listener` once it is there (at once, as a microtask, when it already is). */
export type When<T> = (listener: (value: T) => void) => void;

export interface Later<T> {
  when: When<T>;
  /** The first value settles it; later ones are ignored. */
  settle(value: T): void;
}

export function later<T>(): Later<T> {
  let settled = false;
  let value: T;
  let listeners: ((value: T) => void)[] = [];
  return {
    when: (listener) => (settled ? queueTask(() => listener(value)) : append(listeners, listener)),
    settle(given) {
      if (settled) return;
      settled = true;
      value = given;
      const waiting = listeners;
      listeners = [];
      for (let i = 0; i < waiting.length; i++) waiting[i]!(value);
    },
  };
}

/**
 * Starts `count` pieces of work; `onAll` gets their values in order once all have given one,
 * `onError` the first failure (and `onAll` is then never called).
 */
export function gather<T>(
  count: number,
  start: (index: number, give: (value: T) => void, fail: (error: unknown) => void) => void,
  onAll: (values: T[]) => void,
  onError: (error: unknown) => void,
): void {
  const values: T[] = [];
  let left = count;
  let failed = false;
  const fail = (error: unknown) => {
    if (failed) return;
    failed = true;
    onError(error);
  };
  if (count === 0) return queueTask(() => onAll(values));
  for (let index = 0; index < count && !failed; index++) {
    let given = false;
    const give = (value: T) => {
      if (given || failed) return;
      given = true;
      setAt(values, index, value);
      if (--left === 0) onAll(values);
    };
    try {
      start(index, give, fail);
    } catch (error) {
      fail(error);
    }
  }
}
