// Reads the README's code blocks, so that tests and scripts run what a reader runs.
import fs from 'node:fs';
import path from 'node:path';

export const README = path.join(__dirname, '..', 'README.md');

export interface CodeBlock {
  language: string;
  code: string;
  /** The `##` heading the block sits under. */
  section: string;
}

export function readmeBlocks(file = README): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let section = '';
  let open: { language: string; lines: string[] } | undefined;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (open) {
      if (line.startsWith('```')) {
        blocks.push({ language: open.language, code: `${open.lines.join('\n')}\n`, section });
        open = undefined;
      } else open.lines.push(line);
    } else if (line.startsWith('```')) open = { language: line.slice(3).trim(), lines: [] };
    else if (line.startsWith('## ')) section = line.slice(3).trim();
  }
  if (open) throw new Error(`${file}: a code block is never closed`);
  return blocks;
}
