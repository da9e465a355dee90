import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';

export interface TextFacts {
  kind: 'text';
  lines: number;
  words: number;
  characters: number;
}

export interface ImageFacts {
  kind: 'image';
  width: number;
  height: number;
}

export interface BinaryFacts {
  kind: 'binary';
}

export type ContentFacts = TextFacts | ImageFacts | BinaryFacts;

export interface ContentAnalysis {
  size: number;
  sha256: string;
  mimeType: string;
  facts: ContentFacts;
}

export class UnreadableContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableContentError';
  }
}

// Enough of the file's start to identify it and to find image dimensions (JPEG headers can be long).
const HEAD_BYTES = 256 * 1024;

const MAGIC_NUMBERS: { mimeType: string; matches(head: Buffer): boolean }[] = [
  {
    mimeType: 'image/png',
    matches: (head) => head.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')),
  },
  { mimeType: 'image/jpeg', matches: (head) => head.subarray(0, 3).equals(Buffer.from('ffd8ff', 'hex')) },
  { mimeType: 'image/gif', matches: (head) => /^GIF8[79]a/.test(head.subarray(0, 6).toString('latin1')) },
  {
    mimeType: 'image/webp',
    matches: (head) =>
      head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  { mimeType: 'application/pdf', matches: (head) => head.subarray(0, 5).toString('latin1') === '%PDF-' },
  {
    mimeType: 'application/zip',
    matches: (head) => head.subarray(0, 4).equals(Buffer.from('504b0304', 'hex')),
  },
  { mimeType: 'application/gzip', matches: (head) => head.subarray(0, 2).equals(Buffer.from('1f8b', 'hex')) },
];

function pngDimensions(head: Buffer): ImageFacts | undefined {
  if (head.length < 24 || head.subarray(12, 16).toString('latin1') !== 'IHDR') return undefined;
  return { kind: 'image', width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

function gifDimensions(head: Buffer): ImageFacts | undefined {
  if (head.length < 10) return undefined;
  return { kind: 'image', width: head.readUInt16LE(6), height: head.readUInt16LE(8) };
}

const JPEG_FRAME_MARKERS = new Set([
  0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf,
]);

function jpegDimensions(head: Buffer): ImageFacts | undefined {
  let offset = 2;
  while (offset + 9 < head.length) {
    if (head[offset] !== 0xff) return undefined;
    const marker = head[offset + 1] ?? 0;
    if (JPEG_FRAME_MARKERS.has(marker)) {
      return { kind: 'image', height: head.readUInt16BE(offset + 5), width: head.readUInt16BE(offset + 7) };
    }
    offset += 2 + head.readUInt16BE(offset + 2);
  }
  return undefined;
}

const IMAGE_DIMENSIONS: Record<string, (head: Buffer) => ImageFacts | undefined> = {
  'image/png': pngDimensions,
  'image/gif': gifDimensions,
  'image/jpeg': jpegDimensions,
};

// Byte classes as lookup tables: the counting loop runs once per byte of every text file.
const WHITESPACE = new Uint8Array(256);
for (const byte of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]) WHITESPACE[byte] = 1;
const CONTINUATION = new Uint8Array(256);
for (let byte = 0x80; byte < 0xc0; byte += 1) CONTINUATION[byte] = 1;

function utf8SequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if ((lead & 0xe0) === 0xc0) return 2;
  if ((lead & 0xf0) === 0xe0) return 3;
  if ((lead & 0xf8) === 0xf0) return 4;
  return 1; // not a lead byte: isUtf8 rejects it
}

/** How many bytes at the end start a UTF-8 sequence that the next chunk completes. */
function incompleteTail(data: Buffer): number {
  for (let back = 1; back <= Math.min(3, data.length); back += 1) {
    const byte = data[data.length - back]!;
    if (!CONTINUATION[byte]) return utf8SequenceLength(byte) > back ? back : 0;
  }
  return 0;
}

/** Validates UTF-8 chunk by chunk with the native `isUtf8`, carrying sequences split between chunks. */
class Utf8Validator {
  private carry = Buffer.alloc(0);
  valid = true;

  update(chunk: Buffer): void {
    if (!this.valid) return;
    let data = chunk;
    if (this.carry.length > 0) {
      const missing = utf8SequenceLength(this.carry[0]!) - this.carry.length;
      if (chunk.length < missing) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      this.valid = isUtf8(Buffer.concat([this.carry, chunk.subarray(0, missing)]));
      data = chunk.subarray(missing);
    }
    const tail = incompleteTail(data);
    this.valid &&= isUtf8(data.subarray(0, data.length - tail));
    this.carry = Buffer.from(data.subarray(data.length - tail));
  }

  finish(): boolean {
    return this.valid && this.carry.length === 0;
  }
}

/** Counts text facts chunk by chunk, and notices when the content cannot be UTF-8 text. */
class TextCounter {
  private readonly utf8 = new Utf8Validator();
  lines = 0;
  words = 0;
  characters = 0;
  isText = true;
  private previousWasSpace = 1;
  private lastByte = 0x0a;

  update(chunk: Buffer): void {
    if (!this.isText || chunk.length === 0) return;
    this.utf8.update(chunk);
    if (!this.utf8.valid || chunk.indexOf(0) !== -1) {
      this.isText = false;
      return;
    }
    let continuations = 0;
    let words = 0;
    let previousWasSpace = this.previousWasSpace;
    for (let index = 0; index < chunk.length; index += 1) {
      const byte = chunk[index]!;
      const space = WHITESPACE[byte]!;
      continuations += CONTINUATION[byte]!;
      words += previousWasSpace & (space ^ 1);
      previousWasSpace = space;
    }
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) this.lines += 1;
    this.previousWasSpace = previousWasSpace;
    this.words += words;
    this.characters += chunk.length - continuations;
    this.lastByte = chunk[chunk.length - 1]!;
  }

  finish(): void {
    if (!this.utf8.finish()) this.isText = false;
    if (this.lastByte !== 0x0a) this.lines += 1;
  }
}

/** Streaming analysis: feed chunks in order, then `finish()`. Memory stays bounded by HEAD_BYTES. */
export class ContentAnalyser {
  private readonly hash = createHash('sha256');
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;
  private readonly text = new TextCounter();
  size = 0;

  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    if (this.headLength < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.headLength);
      this.headChunks.push(part);
      this.headLength += part.length;
    }
    this.text.update(chunk);
  }

  finish(): ContentAnalysis {
    this.text.finish();
    const head = Buffer.concat(this.headChunks);
    const sha256 = this.hash.digest('hex');
    const magic = MAGIC_NUMBERS.find((candidate) => candidate.matches(head));
    if (magic)
      return {
        size: this.size,
        sha256,
        mimeType: magic.mimeType,
        facts: this.binaryFacts(magic.mimeType, head),
      };
    if (this.text.isText) {
      const { lines, words, characters } = this.text;
      return {
        size: this.size,
        sha256,
        mimeType: 'text/plain',
        facts: { kind: 'text', lines, words, characters },
      };
    }
    return { size: this.size, sha256, mimeType: 'application/octet-stream', facts: { kind: 'binary' } };
  }

  private binaryFacts(mimeType: string, head: Buffer): ContentFacts {
    const dimensions = IMAGE_DIMENSIONS[mimeType];
    if (!dimensions) return { kind: 'binary' };
    const facts = dimensions(head);
    if (!facts) throw new UnreadableContentError(`Looks like ${mimeType} but its header cannot be read`);
    return facts;
  }
}
