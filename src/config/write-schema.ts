/**
 * Regenerates environments/schema.json from src/config/schema.ts:
 *   npx tsx src/config/write-schema.ts
 * test/config/json-schema.test.ts fails while the committed file is stale.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { environmentJsonSchemaText } from './json-schema.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('../../environments/schema.json', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(SCHEMA_FILE, environmentJsonSchemaText());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
