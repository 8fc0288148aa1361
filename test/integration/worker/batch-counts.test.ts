import { BATCH_COUNTS } from '@idp-sync/worker/batch';
import { describe, expect, it } from 'vitest';
import { pipeline, useWorkerStack } from '../../helpers/worker/harness';
import { command, sqsEvent, sqsRecord } from '../../helpers/worker/records';

// Issue #19: the local stack's batch line counted dead-lettered messages as "done"; the worker now says how many.

const stack = useWorkerStack();
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

describe('the counts processBatch attaches to its response', () => {
  it('counts what went to the DLQ apart from what was applied, and Lambda never sees them (not serialised)', async () => {
    const p = await pipeline(stack());
    const response = await p.worker.processBatch(
      sqsEvent([
        sqsRecord(command({ action: 'create', email: email('joins') })),
        sqsRecord('{"v":1,"id":"hr:broken"}'),
        sqsRecord('not json'),
      ]),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(response[BATCH_COUNTS]).toEqual({ deadLettered: 2 });
    expect(JSON.parse(JSON.stringify(response))).toEqual({ batchItemFailures: [] });
    expect(await p.deadLetters()).toHaveLength(2);
    await p.close();
  });
});
