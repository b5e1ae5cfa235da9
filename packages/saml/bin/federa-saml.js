#!/usr/bin/env node
// The federa-saml command (packages/saml/src/cli), on Node 24.
import { runOnNode24 } from './node24.js';

await runOnNode24('federa-saml', import.meta.url, () => import('../src/cli/main.ts'));
