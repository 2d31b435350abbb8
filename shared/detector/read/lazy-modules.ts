// Libraries that only some files need are loaded when a file first needs them, not when the
// detector is: SheetJS (xls, xlsb, Excel 2003 XML, HTML tables, OLE2 compound files) costs about
// 50 ms of every cold start (a CLI run, a new scan worker) and xz-decompress about 10 ms, while
// most files (xlsx, ods, csv) use neither.
//
// A host that cannot import() at run time hands the modules over at start instead: an MV3
// service worker may not use import() (extension/background/scan.ts), so it bundles them.
import type * as XLSX from '@e965/xlsx';
import type XzDecompress from 'xz-decompress';

export type SheetJs = typeof XLSX;
export type Xz = typeof XzDecompress;

export interface LazyModules {
  sheetJs: SheetJs;
  xz: Xz;
}

const provided: Partial<LazyModules> = {};
const loading: { [K in keyof LazyModules]?: Promise<LazyModules[K]> } = {};

/** SheetJS as loaded (or handed over); later calls get the same module. */
export function loadSheetJs(): Promise<SheetJs> {
  if (provided.sheetJs) return Promise.resolve(provided.sheetJs);
  return (loading.sheetJs ??= import('@e965/xlsx').then((module) => (provided.sheetJs = module)));
}

/**
 * xz-decompress, a CommonJS module: Node's ESM loader gives its exports only as the default
 * import, tsx (`npm start`, the benches) and bundlers as named exports; both shapes are taken.
 */
export function loadXz(): Promise<Xz> {
  if (provided.xz) return Promise.resolve(provided.xz);
  return (loading.xz ??= import('xz-decompress').then((module: Partial<Xz> & { default?: Xz }) => (provided.xz = module.XzReadableStream ? (module as Xz) : module.default!)));
}

/** For hosts that bundle these modules themselves (see above): no import() is needed after this. */
export function provideModules(modules: LazyModules): void {
  Object.assign(provided, modules);
}

/** Which of them this process has loaded so far: the cold-start test checks what an xlsx leaves out. */
export function loadedModules(): (keyof LazyModules)[] {
  return (Object.keys(provided) as (keyof LazyModules)[]).filter((name) => provided[name] !== undefined);
}
