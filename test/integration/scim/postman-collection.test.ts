import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MICROSOFT_POSTMAN_COLLECTION, readVendorFixture } from '../../helpers/scim/fixtures';
import { SCIM_TEST_TOKEN, type ScimBackend, type ScimTestService, startScimBackend } from '../../helpers/scim/harness';
import { collectionSteps, PostmanRunner, type PostmanStep, rawUrlOf } from '../../helpers/scim/postman';

/**
 * Microsoft's reference test collection for a SCIM service (AzureAD/SCIMReferenceCode, PostmanCollection.json), run
 * from the published file itself: its requests, with `{{Server}}`, `{{Api}}` and `{{token}}` substituted, and its own
 * test scripts as the assertions. Its user tests are the yardstick; out of scope are the Groups requests and
 * `GET /Token` (the reference service's development token endpoint: this service is configured with its token).
 */

const collection = readVendorFixture<Parameters<typeof collectionSteps>[0]>(MICROSOFT_POSTMAN_COLLECTION);
const allSteps = collectionSteps(collection);
const isOutOfScope = (step: PostmanStep) => /\/groups\b|\/token$/i.test(rawUrlOf(step.item));
const steps = allSteps.filter((step) => !isOutOfScope(step));

let backend: ScimBackend;
let scim: ScimTestService;
let runner: PostmanRunner;
let assertionsRun = 0;

beforeAll(async () => {
  backend = await startScimBackend();
  scim = await backend.createService();
  runner = new PostmanRunner(
    { Protocol: 'http', Server: 'scim.test', Port: '', Api: 'scim/v2', token: SCIM_TEST_TOKEN },
    (request) => scim.service.handle(request),
  );
});
afterAll(async () => {
  await backend.stop();
});

describe("Microsoft's SCIM reference collection (user tests)", () => {
  it('covers every user request of the collection', () => {
    // 54 user requests, and every out-of-scope request is a Groups or Token one.
    expect(steps.length).toBe(54);
    expect(allSteps.filter(isOutOfScope).every((step) => /\/(groups|token)/i.test(rawUrlOf(step.item)))).toBe(true);
  });

  for (const step of steps) {
    it(step.title, async () => {
      const outcome = await runner.run(step);
      expect(outcome.statusCode, 'never a 5xx').toBeLessThan(500);
      assertionsRun += outcome.tests.length;
      const failures = outcome.tests.filter((test) => test.error !== undefined);
      expect(failures, JSON.stringify(failures)).toEqual([]);
    });
  }

  it("ran the collection's own assertions (pm.test), not just its requests", () => {
    expect(assertionsRun).toBe(79);
  });
});
