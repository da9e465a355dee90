import { ContentAnalyser, UnreadableContentError } from '../../src/files/content-analysis';
import { tinyPng } from '../fixtures/files';

/** Feeds the content in small chunks, as the streaming activity does, to exercise chunk boundaries. */
function analyse(content: Buffer | string, chunkSize = 3) {
  const buffer = Buffer.from(content);
  const analyser = new ContentAnalyser();
  for (let offset = 0; offset < buffer.length; offset += chunkSize)
    analyser.update(buffer.subarray(offset, offset + chunkSize));
  return analyser.finish();
}

function gif(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.write('GIF89a', 0, 'latin1');
  header.writeUInt16LE(width, 6);
  header.writeUInt16LE(height, 8);
  return Buffer.concat([header, Buffer.from([0x3b])]);
}

function jpeg(width: number, height: number): Buffer {
  const app0 = Buffer.from('ffe000104a46494600010100000100010000', 'hex');
  const sof0 = Buffer.alloc(19);
  sof0.writeUInt16BE(0xffc0, 0);
  sof0.writeUInt16BE(17, 2);
  sof0.writeUInt8(8, 4);
  sof0.writeUInt16BE(height, 5);
  sof0.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from('ffd8', 'hex'), app0, sof0, Buffer.from('ffd9', 'hex')]);
}

describe('ContentAnalyser', () => {
  it('counts lines, words and characters of UTF-8 text across chunk boundaries', () => {
    const result = analyse('héllo wörld\n  two   words\nlast line without newline');
    expect(result.mimeType).toBe('text/plain');
    expect(result.facts).toEqual({ kind: 'text', lines: 3, words: 8, characters: 51 });
  });

  it('reads multi-byte characters split across chunks of any size, and rejects a truncated one', () => {
    const text = 'emoji 😀 and 日本語\n';
    for (const chunkSize of [1, 2, 5, 4096]) {
      expect(analyse(text, chunkSize)).toMatchObject({
        mimeType: 'text/plain',
        facts: { words: 4, characters: [...text].length },
      });
    }
    const truncated = Buffer.from('cut 😀', 'utf8').subarray(0, -1);
    expect(analyse(truncated, 1).mimeType).toBe('application/octet-stream');
  });

  it('counts a trailing newline as ending the last line, not starting another', () => {
    expect(analyse('one\ntwo\n').facts).toMatchObject({ lines: 2, words: 2 });
  });

  it('reads PNG, GIF and JPEG dimensions from their headers', () => {
    expect(analyse(tinyPng(640, 480))).toMatchObject({
      mimeType: 'image/png',
      facts: { width: 640, height: 480 },
    });
    expect(analyse(gif(17, 9))).toMatchObject({ mimeType: 'image/gif', facts: { width: 17, height: 9 } });
    expect(analyse(jpeg(1024, 768))).toMatchObject({
      mimeType: 'image/jpeg',
      facts: { width: 1024, height: 768 },
    });
  });

  it('identifies PDFs and other formats by magic number', () => {
    expect(analyse('%PDF-1.7\n...').mimeType).toBe('application/pdf');
    expect(analyse(Buffer.from('1f8b0800000000000003', 'hex')).mimeType).toBe('application/gzip');
  });

  it('calls content with NUL bytes or invalid UTF-8 binary', () => {
    expect(analyse(Buffer.from([0x61, 0x00, 0x62]))).toMatchObject({
      mimeType: 'application/octet-stream',
      facts: { kind: 'binary' },
    });
    expect(analyse(Buffer.from([0x61, 0xff, 0xfe, 0x62])).mimeType).toBe('application/octet-stream');
  });

  it('refuses an image whose header is unreadable', () => {
    expect(() => analyse(Buffer.from('89504e470d0a1a0a0000', 'hex'))).toThrow(UnreadableContentError);
  });

  it('computes the same sha256 however the content is chunked', () => {
    const content = 'x'.repeat(10_000);
    expect(analyse(content, 1).sha256).toBe(analyse(content, 4096).sha256);
    // Checked against Python's hashlib.
    expect(analyse(content).sha256).toBe('e4ee97ec252749d2096447e849628d0d7734f51700416eefbb33574bf0b3ee75');
  });
});
