#!/usr/bin/env node
// `npx durable-jobs …`: the command-line client, run from its TypeScript source through tsx.
require('tsx/cjs');
require('../src/cli/main.ts').main();
