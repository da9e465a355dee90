import { randomUUID } from 'node:crypto';
import { SqlDeadLetterStore } from '../../../src/dead-letters/sql-dead-letter-store';
import type { ContentAnalysis } from '../../../src/files/content-analysis';
import { SqlFileAnalysisRepository } from '../../../src/files/file-analysis-repository';
import {
  DELETION_CLAIM_EXPIRY_MS,
  SqlStoredFileRepository,
  type ExpiryCutoffs,
} from '../../../src/files/stored-file-repository';
import type { StorageHosts } from './hosts';
import { deadLetter, HOURS } from './fixtures';

/** Stored files, their analyses, and when the retention sweep may delete them. */
export function describeFileContract(hosts: StorageHosts): void {
  describe('stored files and analyses', () => {
    it('round-trips file metadata, sizes beyond 32 bits included', async () => {
      const files = new SqlStoredFileRepository(hosts.a);
      const stored = {
        fileId: randomUUID(),
        size: 5 * 1024 ** 3,
        sha256: 'ab'.repeat(32),
        contentType: 'text/plain',
        originalName: 'notes.txt',
        createdAt: new Date().toISOString(),
      };
      await files.insert(stored);
      await files.insert({ ...stored, fileId: randomUUID(), originalName: null });
      expect(await new SqlStoredFileRepository(hosts.b).get(stored.fileId)).toEqual(stored);
      await files.delete(stored.fileId);
      expect(await files.get(stored.fileId)).toBeUndefined();
      expect(await hosts.count('stored_files')).toBe(1);
    });

    it('keeps one analysis per file and job, marked incomplete by compensation without losing it', async () => {
      const analyses = new SqlFileAnalysisRepository(hosts.a);
      const fileId = randomUUID();
      const analysis = {
        size: 3,
        sha256: 'cd'.repeat(32),
        mimeType: 'text/plain',
      } as unknown as ContentAnalysis;
      await analyses.saveComplete(fileId, 'job-1', analysis);
      await analyses.saveComplete(fileId, 'job-1', analysis);
      await analyses.markIncomplete(fileId, 'job-2');
      expect(await analyses.get(fileId, 'job-1')).toMatchObject({ status: 'complete', analysis });

      await analyses.markIncomplete(fileId, 'job-1');
      expect(await new SqlFileAnalysisRepository(hosts.b).get(fileId, 'job-1')).toMatchObject({
        status: 'incomplete',
        analysis,
      });
      expect((await analyses.listForFile(fileId)).map(({ jobId, status }) => [jobId, status]).sort()).toEqual(
        [
          ['job-1', 'incomplete'],
          ['job-2', 'incomplete'],
        ],
      );
    });
  });

  describe('file retention', () => {
    const DAYS = 24 * HOURS;
    const start = Date.parse('2030-01-01T00:00:00Z');
    const at = (hours: number) => new Date(start + hours * HOURS);
    // As the sweep computes them at `now`: jobs finished 7 days ago, orphans uploaded 1 day ago.
    const cutoffsAt = (now: Date): ExpiryCutoffs => ({
      jobsFinishedBefore: new Date(now.getTime() - 7 * DAYS),
      orphansCreatedBefore: new Date(now.getTime() - DAYS),
    });
    const upload = async (files: SqlStoredFileRepository, createdAt: Date) => {
      const fileId = randomUUID();
      await files.insert({
        fileId,
        size: 1,
        sha256: 'ef'.repeat(32),
        contentType: 'text/plain',
        originalName: null,
        createdAt: createdAt.toISOString(),
      });
      return fileId;
    };

    it('deletes a used file only once every job using it finished longer ago than the retention', async () => {
      const files = new SqlStoredFileRepository(hosts.a);
      const fileId = await upload(files, at(0));
      await files.linkJob(fileId, 'upload-1', at(1));
      await files.linkJob(fileId, 'upload-1', at(2));
      await files.linkJob(fileId, 'upload-2', at(3));
      expect(await files.unsettledJobs(10, at(4))).toEqual(['upload-1', 'upload-2']);

      await files.settleJob('upload-1', at(5), at(6));
      await files.settleJob('upload-2', undefined, at(6));
      expect(await files.unsettledJobs(10, at(6))).toEqual([]);
      const later = at(10 * 24);
      expect(await files.claimExpired('used', cutoffsAt(later), 10, later)).toEqual([]);

      expect(await files.unsettledJobs(10, later)).toEqual(['upload-2']);
      await files.settleJob('upload-2', at(8 * 24), later);
      expect(await files.claimExpired('used', cutoffsAt(later), 10, later)).toEqual([]);
      const afterRetention = at(15 * 24 + 1);
      expect(await files.claimExpired('used', cutoffsAt(afterRetention), 10, afterRetention)).toEqual([
        fileId,
      ]);
      expect(await files.get(fileId)).toBeUndefined();
      expect(await files.claimExpired('orphans', cutoffsAt(afterRetention), 10, afterRetention)).toEqual([]);
      expect(await files.purge(fileId)).toBe(true);
      expect(await files.purge(fileId)).toBe(false);
      expect(await hosts.count('stored_files')).toBe(0);
      expect(await hosts.count('file_jobs')).toBe(0);
    });

    it('deletes an orphan a day after upload, never a file a job uses', async () => {
      const files = new SqlStoredFileRepository(hosts.a);
      const orphan = await upload(files, at(0));
      const fresh = await upload(files, at(20));
      const used = await upload(files, at(0));
      await files.linkJob(used, 'upload-running', at(1));
      const now = at(25);
      expect(await files.claimExpired('orphans', cutoffsAt(now), 10, now)).toEqual([orphan]);
      expect(await files.get(fresh)).toBeDefined();
      expect(await files.get(used)).toBeDefined();
    });

    it('keeps a file while a dead letter of its job waits for a redrive, and briefly after a redrive', async () => {
      const files = new SqlStoredFileRepository(hosts.a);
      const deadLetters = new SqlDeadLetterStore(hosts.a, { maxEntries: 100, maxAgeDays: 180 });
      const fileId = await upload(files, at(0));
      await files.linkJob(fileId, 'upload-dead', at(1));
      await files.settleJob('upload-dead', at(2), at(3));
      const entry = await deadLetters.record(
        deadLetter('upload-dead', { jobType: 'processUpload', input: { fileId } }),
        at(2),
      );
      const now = at(30 * 24);
      expect(await files.claimExpired('used', cutoffsAt(now), 10, now)).toEqual([]);

      expect(await deadLetters.claimForRedrive(entry.id, now)).toBe(true);
      expect(await files.claimExpired('used', cutoffsAt(now), 10, now)).toEqual([]);
      await deadLetters.completeRedrive(entry.id, 'upload-new', { by: 'ops', changes: [] }, now);
      expect(await files.claimExpired('used', cutoffsAt(now), 10, now)).toEqual([]);
      const weekAfterRedrive = new Date(now.getTime() + 7 * DAYS + HOURS);
      expect(await files.claimExpired('used', cutoffsAt(weekAfterRedrive), 10, weekAfterRedrive)).toEqual([
        fileId,
      ]);
    });

    it('never lets two hosts claim the same file, and takes over a claim a crashed sweep abandoned', async () => {
      const onA = new SqlStoredFileRepository(hosts.a);
      const onB = new SqlStoredFileRepository(hosts.b);
      const orphans = [];
      for (let index = 0; index < 6; index += 1) orphans.push(await upload(onA, at(0)));
      const now = at(48);
      const [claimedByA, claimedByB] = await Promise.all([
        onA.claimExpired('orphans', cutoffsAt(now), 4, now),
        onB.claimExpired('orphans', cutoffsAt(now), 4, now),
      ]);
      expect([...claimedByA!, ...claimedByB!].sort()).toEqual([...orphans].sort());
      expect(await onA.claimExpired('orphans', cutoffsAt(now), 10, now)).toEqual([]);
      const abandoned = new Date(now.getTime() + DELETION_CLAIM_EXPIRY_MS + 1);
      expect(await onB.claimExpired('orphans', cutoffsAt(abandoned), 10, abandoned)).toEqual(
        [...orphans].sort(),
      );
    });
  });
}
