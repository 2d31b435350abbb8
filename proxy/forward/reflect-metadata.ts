// @peculiar/x509 (proxy/forward/mint.ts) registers its algorithms through tsyringe, which refuses
// to load without a Reflect metadata polyfill (the reflect-metadata package, not a dependency
// here). Every class it registers takes no constructor arguments, so the metadata tsyringe asks
// for is always empty; this stand-in answers that, and keeps what tsyringe itself stores. It is
// installed only where no polyfill is, and must be imported before @peculiar/x509.
type Metadata = Map<unknown, unknown>;
const store = new WeakMap<object, Metadata>();
const table = (target: object): Metadata => store.get(target) ?? store.set(target, new Map()).get(target)!;
const reflect = Reflect as typeof Reflect & Record<string, unknown>;

if (typeof reflect.getMetadata !== 'function') {
  reflect.defineMetadata = (key: unknown, value: unknown, target: object) => void table(target).set(key, value);
  reflect.getOwnMetadata = (key: unknown, target: object) => store.get(target)?.get(key);
  reflect.getMetadata = (key: unknown, target: object): unknown => {
    for (let at: object | null = target; at; at = Object.getPrototypeOf(at) as object | null) {
      const value = store.get(at)?.get(key);
      if (value !== undefined) return value;
    }
    return undefined;
  };
}
