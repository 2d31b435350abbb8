// `npm run bench widgets`: the whole widget matrix of issue 12 (every widget x mode x input/drop x
// with the extension/proxy only, an export and a harmless workbook each), as a table of what
// reached the portal. npm test runs a sample of it (test/widgets/widgets.e2e.test.ts).
// Firefox ESR with the add-on too, by file input only. WIDGETS=uppy-tus,flow and GUARDS=proxy narrow it down;
// EXTENSION_DIR=path/dist/chromium runs another build of the extension (an earlier commit's, to compare).
import { caseName, EXPECTED, startWidgetStack, viasFor, type Case, type Guard, type Outcome, type Payload } from '../test/widgets/matrix.js';
import { WIDGETS } from '../test/widgets/widgets.js';

function cell(outcome: Outcome): string {
  const bytes = outcome.bytesAtUpstream > 0 ? ` ${outcome.bytesAtUpstream} B` : '';
  return `${outcome.result}${bytes}`;
}

export async function run(): Promise<void> {
  const only = process.env.WIDGETS?.split(',');
  const guards = (process.env.GUARDS?.split(',') ?? ['extension', 'proxy', 'firefox']) as Guard[];
  const cases: Case[] = WIDGETS.filter((widget) => !only || only.includes(widget.name)).flatMap((widget) =>
    widget.modes.flatMap((mode) => guards.flatMap((guard) => viasFor(guard).map((via) => ({ widget, mode, via, guard })))),
  );
  const stack = await startWidgetStack(guards, { extensionDir: process.env.EXTENSION_DIR });
  const rows: string[][] = [];
  const misses: string[] = [];
  try {
    for (const test of cases) {
      const row = [test.widget.name, test.mode, test.via, test.guard];
      const details: string[] = [];
      for (const payload of ['export', 'harmless'] as Payload[]) {
        const outcome = await stack.run(test, payload);
        row.push(cell(outcome));
        details.push(`${payload}: ${outcome.detail}`);
        if (outcome.result !== EXPECTED[payload]) misses.push(`${caseName(test)}, ${payload}: ${outcome.result}: ${outcome.detail}`);
      }
      rows.push(row);
      console.log(row.join('  '));
      for (const detail of details) console.log(`    ${detail}`);
    }
  } finally {
    await stack.close();
  }
  const header = ['widget', 'mode', 'via', 'guard', 'export (stopped)', 'harmless (arrived)'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((text, i) => text.padEnd(widths[i]!)).join(' | ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n${rows.map(line).join('\n')}`);
  const held = rows.length * 2 - misses.length;
  console.log(`\n${held} of ${rows.length * 2} hold as issue 12 demands${misses.length ? ':\n' : ''}${misses.map((miss) => `  ${miss}`).join('\n')}`);
}
