import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildDocuments } from '../support/documents/index.ts';
import { FIXTURES_DIR } from '../support/response-fixture.ts';

/**
 * The committed fixtures are exactly what the builders make (test/fixtures/generate.ts writes them):
 * a fixture cannot drift from the code that documents how it was made, and the generation is
 * deterministic (fixed clock, fixed IDs, committed test-only keys, deterministic RSA signatures).
 */
test('the committed attack and control fixtures are what test/fixtures/generate.ts writes', async () => {
  const built = await buildDocuments();
  for (const [dir, documents] of [
    ['attacks', built.attacks],
    ['valid', built.valid],
  ] as const) {
    const committed = readdirSync(`${FIXTURES_DIR}${dir}`)
      .filter((file) => file.endsWith('.xml'))
      .map((file) => file.slice(0, -4))
      .sort();
    assert.deepEqual(committed, [...documents.keys()].sort(), `fixtures/${dir} lists exactly the builders`);
    for (const [name, xml] of documents) {
      const onDisk = readFileSync(`${FIXTURES_DIR}${dir}/${name}.xml`, 'utf8');
      assert.ok(onDisk === xml, `fixtures/${dir}/${name}.xml is stale: run test/fixtures/generate.ts`);
    }
  }
});
