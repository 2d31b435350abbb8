// The upload widgets portals use (issue 12), from npm, in real Chromium, behind the real proxy:
// an export is stopped with no byte of it at the portal, a harmless workbook arrives byte-exact.
// This is a seeded sample that stays quick: each widget chunked (when it can chunk) once with the
// extension and once with the proxy alone, one by its file input and the other by a drop, and one
// widget picked by the seed in Firefox ESR with the add-on, by its file input.
// `npm run bench widgets` runs the whole matrix; WIDGETS_SEED picks another sample.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../scripts/fixtures/random.js';
import { caseName, EXPECTED, startWidgetStack, type Case, type Via, type WidgetStack } from './matrix.js';
import { WIDGETS, type Mode, type Widget } from './widgets.js';

const SEED = Number(process.env.WIDGETS_SEED ?? 12);
const random = seededRandom(SEED);
/** The widget's small-chunk mode, or its only one (Uppy's XHR upload cannot chunk). */
const chunkedMode = (widget: Widget): Mode => (widget.modes.includes('chunked') ? 'chunked' : widget.modes[0]!);
const SAMPLE: Case[] = WIDGETS.flatMap((widget) => {
  const mode = chunkedMode(widget);
  const via: Via = random.int(0, 1) === 0 ? 'input' : 'drop';
  const other: Via = via === 'input' ? 'drop' : 'input';
  return [
    { widget, mode, via, guard: 'extension' as const },
    { widget, mode, via: other, guard: 'proxy' as const },
  ];
});
const inFirefox = WIDGETS[random.int(0, WIDGETS.length - 1)]!;
SAMPLE.push({ widget: inFirefox, mode: chunkedMode(inFirefox), via: 'input', guard: 'firefox' });

let stack: WidgetStack | undefined;

beforeAll(async () => {
  stack = await startWidgetStack(['extension', 'proxy', 'firefox']);
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

describe.each(SAMPLE.map((test) => [caseName(test), test] as const))(`%s (seed ${SEED})`, (_name, test) => {
  it('stops the export with no byte of it at the portal', { timeout: 150_000 }, async () => {
    const outcome = await stack!.run(test, 'export');
    expect({ result: outcome.result, bytesAtUpstream: outcome.bytesAtUpstream }, outcome.detail).toEqual({ result: EXPECTED.export, bytesAtUpstream: 0 });
  });

  it('lets the harmless workbook arrive with the same SHA-256', { timeout: 150_000 }, async () => {
    const outcome = await stack!.run(test, 'harmless');
    expect(outcome.result, outcome.detail).toBe(EXPECTED.harmless);
  });
});
