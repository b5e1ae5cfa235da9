// Runs a Federa command on Node 24. Plain JavaScript, so that any Node can read it: the commands are
// TypeScript, which needs Node's type stripping (Node 24). `npx <command>` puts the repository's
// node_modules/.bin first on PATH, where the `node` devDependency is Node 24; run another way on an
// older Node, this hands over to that Node 24 if it finds one.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @param {string} name the command's name, for messages
 * @param {string} binUrl `import.meta.url` of the bin file (re-run as is on Node 24)
 * @param {() => Promise<{ main(argv: string[]): Promise<number> }>} load imports the command
 */
export async function runOnNode24(name, binUrl, load) {
  if (Number(process.versions.node.split('.')[0]) >= 24) {
    const { main } = await load();
    process.exitCode = await main(process.argv.slice(2));
    return;
  }
  // FEDERA_REEXEC guards against a loop should the node found there be old as well.
  const node = process.env.FEDERA_REEXEC ? null : findNode24(dirname(realpathSync(fileURLToPath(binUrl))));
  if (!node) {
    process.stderr.write(
      `${name} needs Node.js 24 or later (this is ${process.version}). Run it with \`npx ${name}\` from the repository, after \`npm install\`.\n`,
    );
    process.exit(2);
  }
  const result = spawnSync(node, [fileURLToPath(binUrl), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, FEDERA_REEXEC: '1' },
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
