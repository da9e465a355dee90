'use strict';
// Where the project keeps its Temporal binaries; shared by the setup script and the TypeScript code.
const path = require('node:path');

const projectRoot = path.resolve(__dirname, '..');
const temporalBinDir = path.join(projectRoot, '.temporal', 'bin');

const binaryPaths = {
  cli: process.env.TEMPORAL_CLI_PATH || path.join(temporalBinDir, 'temporal'),
  testServer: process.env.TEMPORAL_TEST_SERVER_PATH || path.join(temporalBinDir, 'temporal-test-server'),
};

module.exports = { projectRoot, temporalBinDir, binaryPaths };
