#!/usr/bin/env node
// The federa-idp command (apps/idp/src/cli), on Node 24.
import { runOnNode24 } from '@federa/saml/node24';

await runOnNode24('federa-idp', import.meta.url, () => import('../src/cli/main.ts'));
