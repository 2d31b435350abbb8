// Page world: hands every shadow root the page creates (open or closed) to `onRoot`, at creation,
// so listeners on it are in place before anything inside can fire. Roots declared in HTML
// (<template shadowrootmode>) are not created through attachShadow and are not seen here.
import { uncurry } from './intrinsics.js';

export function watchShadowRoots(onRoot: (root: ShadowRoot) => void): void {
  const attachShadow = uncurry(Element.prototype.attachShadow);
  Element.prototype.attachShadow = function attachShadowWatched(this: Element, init: ShadowRootInit): ShadowRoot {
    const root = attachShadow(this, init);
    onRoot(root);
    return root;
  };
}
