import { type Builder, bases } from './bases.ts';
import { CONDITION_DOCUMENTS } from './conditions.ts';
import { LIMIT_DOCUMENTS } from './limits.ts';
import { ID_DOCUMENTS, NAMESPACE_DOCUMENTS, PARSER_DOCUMENTS } from './parser.ts';
import { COMMENT_DOCUMENTS, SIGNATURE_DOCUMENTS, SIGNATURE_POLICY_DOCUMENTS } from './signature.ts';
import { VALID_DOCUMENTS } from './valid.ts';
import { HIDDEN_COPY_DOCUMENTS, XSW_DOCUMENTS } from './xsw.ts';

/** Every attack document, by its fixture name (test/fixtures/attacks/<name>.xml). */
export const ATTACK_DOCUMENTS: Record<string, Builder> = {
  ...XSW_DOCUMENTS,
  ...HIDDEN_COPY_DOCUMENTS,
  ...SIGNATURE_DOCUMENTS,
  ...SIGNATURE_POLICY_DOCUMENTS,
  ...COMMENT_DOCUMENTS,
  ...PARSER_DOCUMENTS,
  ...NAMESPACE_DOCUMENTS,
  ...ID_DOCUMENTS,
  ...CONDITION_DOCUMENTS,
  ...LIMIT_DOCUMENTS,
};

export { VALID_DOCUMENTS };

/**
 * Builds every fixture document, deterministically (fixed clock, fixed IDs, committed keys, and
 * RSA PKCS#1 v1.5 signatures, which are deterministic).
 *
 * @example
 * const { attacks } = await buildDocuments();
 * attacks.get('xsw-01');
 */
export async function buildDocuments(): Promise<{
  attacks: Map<string, string>;
  valid: Map<string, string>;
}> {
  const genuine = await bases();
  const build = async (builders: Record<string, Builder>) => {
    const built = new Map<string, string>();
    for (const [name, builder] of Object.entries(builders)) built.set(name, await builder(genuine));
    return built;
  };
  return { attacks: await build(ATTACK_DOCUMENTS), valid: await build(VALID_DOCUMENTS) };
}
