import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

export const PROJECT_ROOT = path.join(__dirname, '..', '..');

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(path.join(PROJECT_ROOT, 'tsconfig.json'), ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config.config, ts.sys, PROJECT_ROOT).options;
}

/**
 * For tests of what tsc accepts: a scratch folder for the enclosing `describe`, and a function that
 * compiles a source there with the project's options (importing the real sources by absolute path)
 * and returns that source's diagnostics.
 */
export function useTypeChecker(name: string): (source: string) => string[] {
  let folder: string | undefined;
  beforeAll(() => (folder = fs.mkdtempSync(path.join(os.tmpdir(), `durable-jobs-${name}-`))));
  afterAll(() => folder && fs.rmSync(folder, { recursive: true, force: true }));
  return (source) => {
    if (!folder) throw new Error('useTypeChecker: compile inside a test');
    const file = path.join(folder, `${name}.ts`);
    fs.writeFileSync(file, source);
    const program = ts.createProgram([file], { ...compilerOptions(), noEmit: true });
    return ts
      .getPreEmitDiagnostics(program)
      .filter((diagnostic) => diagnostic.file?.fileName === file)
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
  };
}
