import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
const HistoryMessage = temporal.api.history.v1.History;

export const HISTORIES_DIR = path.join(__dirname, '..', 'fixtures', 'histories');

// The SDK's historyToJSON trips over two nested protobufjs copies in this dependency tree, so
// histories are kept as protobufjs' own object form (longs and bytes as strings), still JSON.
export function saveHistory(name: string, history: History): void {
  const plain = HistoryMessage.toObject(HistoryMessage.fromObject(history), {
    longs: String,
    bytes: String,
    enums: String,
  });
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  fs.writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), `${JSON.stringify(plain, null, 1)}\n`);
}

export function loadHistory(name: string): temporal.api.history.v1.History {
  return HistoryMessage.fromObject(
    JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, `${name}.json`), 'utf8')),
  );
}
