import { describe, test } from 'node:test';
import { DEFAULT_LIMITS } from '../../src/xml/parse.ts';
import { manyAttributes, manyElements, nested, oversized } from '../support/documents/limits.ts';
import { acceptsAsBSimon, fixture, rejectsWith, validate } from '../support/response-fixture.ts';

/**
 * DESIGN.md baseline 10: size, depth and node caps, enforced by the parser on the text it is given
 * (the bindings cap the base64 and inflated sizes before that). Each document is refused; how long
 * that takes is the benchmarks' business, not a test's.
 */

const valid = () => fixture('response.assertion-signed', 'valid');
/** Limits wide enough that only the one under test can trip. */
const generous = { maxChars: 16 * 1024 * 1024, maxDepth: DEFAULT_LIMITS.maxDepth, maxNodes: 2_000_000 };

describe('input limits', () => {
  test('accepts the genuine response well within the default limits', async () => {
    await acceptsAsBSimon(valid());
  });

  test('rejects a response larger than the size cap before parsing it', async () => {
    await rejectsWith(validate(oversized(valid(), DEFAULT_LIMITS.maxChars)), 'INPUT_TOO_LARGE');
  });

  test('rejects elements nested 40 deep (the cap is 32)', async () => {
    await rejectsWith(validate(fixture('response.nesting-40-deep')), 'XML_TOO_DEEP');
  });

  test('rejects 10,000-deep nesting before building a tree (its 20,000 tags exceed the node cap)', async () => {
    await rejectsWith(validate(nested(valid(), 10_000)), 'XML_TOO_MANY_NODES');
  });

  test('rejects 10,000-deep nesting by depth when the node cap is out of the way', async () => {
    await rejectsWith(validate(nested(valid(), 10_000), { limits: generous }), 'XML_TOO_DEEP');
  });

  test('rejects a million elements at the size cap with the default limits', async () => {
    await rejectsWith(validate(manyElements(valid(), 1_000_000)), 'INPUT_TOO_LARGE');
  });

  test('rejects a million elements by node count when the size cap is out of the way', async () => {
    const limits = { ...generous, maxNodes: DEFAULT_LIMITS.maxNodes };
    await rejectsWith(validate(manyElements(valid(), 1_000_000), { limits }), 'XML_TOO_MANY_NODES');
  });

  test('rejects 30,000 attributes on one element: few tags, but too many nodes', async () => {
    await rejectsWith(validate(manyAttributes(valid(), 30_000)), 'XML_TOO_MANY_NODES');
  });
});
