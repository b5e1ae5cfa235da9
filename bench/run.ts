import { benchLogin } from './login.ts';
import { benchSaml } from './saml.ts';
import { benchScim } from './scim.ts';

/**
 * `npm run bench [-- name]`: runs the named benchmark, or every one when no name is given. Each
 * prints one line per figure, `name: value unit (ratio to a peer measured in the same run)`.
 */
const BENCHES: Record<string, () => Promise<void>> = {
  saml: benchSaml,
  login: benchLogin,
  scim: benchScim,
};

async function main(names: readonly string[]): Promise<number> {
  const unknown = names.filter((name) => !Object.hasOwn(BENCHES, name));
  if (unknown.length > 0) {
    console.error(
      `Unknown bench ${unknown.map((n) => `'${n}'`).join(', ')}. Available: ${Object.keys(BENCHES).join(', ')}` +
        ' (run `npm run bench -- <name>`, or `npm run bench` for all).',
    );
    return 2;
  }
  for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
    try {
      await BENCHES[name]!();
    } catch (error) {
      console.error(`bench ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
