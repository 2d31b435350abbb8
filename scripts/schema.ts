// `npm run schema`: writes the recognizers' entity ids into the policy schema, so a new
// recognizer is added in one place. Only the generated list is rewritten: the rest of the schema
// is edited by hand. test/detector/conventions.test.ts fails when the list is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RECOGNIZERS } from '../shared/detector/recognizers/index.js';

export const SCHEMA_PATH = fileURLToPath(new URL('../shared/policy/policy.schema.json', import.meta.url));
/** The generated list: the enum of $defs.entity, right after its "generated" comment. */
const GENERATED = /("entity": \{\s*"\$comment": "Generated from the recognizers[^"]*",\s*"enum": )\[[^\]]*\]/;

export function withEntities(schema: string, ids: readonly string[]): string {
  if (!GENERATED.test(schema)) throw new Error('policy.schema.json has no generated $defs.entity list');
  const list = `[\n${ids.map((id) => `        ${JSON.stringify(id)}`).join(',\n')}\n      ]`;
  return schema.replace(GENERATED, (_, head: string) => head + list);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const schema = readFileSync(SCHEMA_PATH, 'utf8');
  const generated = withEntities(schema, RECOGNIZERS.map((recognizer) => recognizer.id));
  if (generated !== schema) writeFileSync(SCHEMA_PATH, generated);
  console.log(`${SCHEMA_PATH}: ${RECOGNIZERS.length} entities${generated === schema ? ', unchanged' : ''}`);
}
