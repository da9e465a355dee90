// The closing line of `.ci/run`: what every test runner it called counted, added up, printed in
// jest's own summary shape ("Tests: 2 failed, 872 passed, 874 total") so that a reader of the log
// who looks for the test runner's summary finds one that counts every suite. Without it the last
// summary printed is schemathesis's, whose closing line has the shape of pytest's and counts no test.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface Count {
  source: string;
  passed: number;
  failed: number;
}

const ARTIFACTS = path.join(__dirname, '..', 'test-artifacts');

function jestCount(file: string): Count {
  const report = JSON.parse(readFileSync(path.join(ARTIFACTS, file), 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
  };
  return { source: file, passed: report.numPassedTests, failed: report.numFailedTests };
}

/** schemathesis's JUnit report: one test case per operation, failures as <failure> elements. */
function junitCount(folder: string): Count[] {
  const dir = path.join(ARTIFACTS, folder);
  if (!existsSync(dir)) return [];
  const newest = readdirSync(dir)
    .filter((name) => name.endsWith('.xml'))
    .sort()
    .at(-1);
  if (!newest) return [];
  const xml = readFileSync(path.join(dir, newest), 'utf8');
  const cases = xml.match(/<testcase\b/g)?.length ?? 0;
  const failedCases = xml.split(/<testcase\b/).filter((chunk) => /<(failure|error)\b/.test(chunk)).length;
  return [{ source: `${folder}/${newest}`, passed: cases - failedCases, failed: failedCases }];
}

function main(): void {
  const jestFiles = existsSync(ARTIFACTS)
    ? readdirSync(ARTIFACTS).filter((name) => /^jest-.*\.json$/.test(name))
    : [];
  const counts = [...jestFiles.map(jestCount), ...junitCount('fuzz')];
  if (counts.length === 0) {
    console.error('ci summary: no test report found in test-artifacts/');
    process.exit(1);
  }
  for (const count of counts)
    console.log(`  ${count.source}: ${count.passed} of ${count.passed + count.failed} passed`);
  const passed = counts.reduce((sum, count) => sum + count.passed, 0);
  const failed = counts.reduce((sum, count) => sum + count.failed, 0);
  console.log(
    `Tests:       ${failed > 0 ? `${failed} failed, ` : ''}${passed} passed, ${passed + failed} total`,
  );
  if (failed > 0 || passed === 0) process.exit(1);
}

main();
