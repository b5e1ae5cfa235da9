#!/usr/bin/env node
// The federa-idp command. Plain JavaScript, so that any Node can read it: the command itself is
// TypeScript (apps/idp/src/cli), which needs Node's type stripping (Node 24). `npx federa-idp` puts
// the repository's node_modules/.bin first on PATH, where the `node` devDependency is Node 24; run
// another way on an older Node, this file hands over to that Node 24 if it finds one.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);

if (major >= 24) {
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
} else {
  const node = process.env.FEDERA_IDP_REEXEC
    ? null
    : findNode24(dirname(realpathSync(fileURLToPath(import.meta.url))));
  if (!node) {
    process.stderr.write(
      `federa-idp needs Node.js 24 or later (this is ${process.version}). Run it with \`npx federa-idp\` from the repository, after \`npm install\`.\n`,
    );
    process.exit(2);
  }
  const result = spawnSync(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, FEDERA_IDP_REEXEC: '1' },
  });
  process.exit(result.status ?? 1);
}

/** The `node` npm package's binary in the nearest node_modules above `from` (the root devDependency). */
function findNode24(from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', 'node', 'bin', 'node');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}
