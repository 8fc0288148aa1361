import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The vendors' own published samples — the one place the tests look for them.
 *
 * They are not part of the repository (they are the vendors' files, copied unchanged, and are kept beside it): CI
 * checks them out in `../shared/fixtures/vendor` next to the clone; a clone on its own does not have them. Tests on
 * them are an extra check that a parser meets the real thing; every flow they exercise is also covered, always, by the
 * project's own fixtures in `test/fixtures/`, written from the vendors' documentation. When the folder or a sample is
 * absent, the tests on it are skipped and one line names what is missing — never a failure.
 *
 * This file is the only one allowed to look outside the repository (test/unit/repository/standalone.test.ts checks
 * that), and it only reads; the folder is found relative to the repository, never by an absolute path.
 *
 * @example
 * const vendor = vendorSamples([VENDOR_SAMPLES.oktaDeactivateLogEvent]);
 * it.skipIf(!vendor.has(VENDOR_SAMPLES.oktaDeactivateLogEvent))("maps Okta's sample", () => {
 *   const logEvent = vendor.json(VENDOR_SAMPLES.oktaDeactivateLogEvent);
 * });
 */

/** The repository's root: this file is `test/helpers/vendor-fixtures.ts`. */
const REPOSITORY_ROOT = new URL('../../', import.meta.url);

/** Where CI puts the vendor samples: a sibling of the repository, `../shared/fixtures/vendor`. */
export const VENDOR_SAMPLES_DIR = new URL('../shared/fixtures/vendor/', REPOSITORY_ROOT);

/** The samples tests use, by what they show (the folder's README says where each was published). */
export const VENDOR_SAMPLES = {
  /** Okta's "Sample event delivery payload" (developer docs, event hooks): a whole envelope, one user.session.start. */
  oktaEnvelopeSessionStart: 'okta-event-hook-envelope-user-session-start.docs.json',
  /** One LogEvent (user.lifecycle.deactivate) from Okta's event-hook implementation guide; not an envelope. */
  oktaDeactivateLogEvent: 'okta-user-lifecycle-deactivate.logevent.docs.json',
  /** Microsoft's SCIMReferenceCode user sample: `"active": "True"` as a string, a userName that is not an email. */
  entraActiveStringTrue: 'entra-scim-user-active-string-True.POST.scimreferencecode.json',
  /** Microsoft's reference Postman collection for a SCIM service (AzureAD/SCIMReferenceCode, MIT). */
  microsoftScimCollection: 'microsoft-scim-reference.postman_collection.json',
  /** The Standard Webhooks signing test vector (standard-webhooks libraries' tests). */
  standardWebhooksVector: 'standard-webhooks-test-vector.json',
  /** WorkOS's own older dsync.user.created fixture (workos-node): raw_attributes and no email field at all. */
  workosOlderUserCreated: 'workos-dsync-user-created.webhook.workos-node-fixture.json',
} as const;

export type VendorSampleName = (typeof VENDOR_SAMPLES)[keyof typeof VENDOR_SAMPLES];

export interface VendorSamples {
  /** Whether the sample is there to be read. */
  has(name: VendorSampleName): boolean;
  /** The sample's exact text; throws when it is absent (guard its test with `has`). */
  text(name: VendorSampleName): string;
  /** The sample parsed as JSON (a fresh copy each call); throws when it is absent. */
  json<T = unknown>(name: VendorSampleName): T;
  /** The names asked for that are absent. */
  readonly missing: readonly VendorSampleName[];
}

/** The path of a sample, as a file path (for messages). */
function samplePath(name: VendorSampleName): string {
  return fileURLToPath(new URL(name, VENDOR_SAMPLES_DIR));
}

/**
 * The samples a test file uses, declared once at its top. When any is absent it writes one line naming them (the
 * tests that need them are then skipped with `it.skipIf(!vendor.has(name))`).
 */
export function vendorSamples(names: readonly VendorSampleName[]): VendorSamples {
  const present = new Set(names.filter((name) => existsSync(samplePath(name))));
  const missing = names.filter((name) => !present.has(name));
  if (missing.length > 0) {
    console.warn(
      `vendor samples absent, their tests skipped (the project's fixtures in test/fixtures still run): ${missing.join(', ')} — looked in ../shared/fixtures/vendor beside the repository`,
    );
  }
  const declared = (name: VendorSampleName): VendorSampleName => {
    // An undeclared name would be skipped without the line that names it.
    if (!names.includes(name)) throw new Error(`vendor sample ${name} was not declared in vendorSamples([...])`);
    return name;
  };
  const text = (name: VendorSampleName): string => {
    if (!present.has(declared(name))) throw new Error(`vendor sample ${name} is absent: guard its test with has()`);
    return readFileSync(samplePath(name), 'utf8');
  };
  return {
    has: (name) => present.has(declared(name)),
    text,
    json: <T>(name: VendorSampleName) => JSON.parse(text(name)) as T,
    missing,
  };
}

/** One payload a test runs on: the project's fixture, or a vendor's sample. */
export interface FixtureCase<T, E> {
  /** Where the payload comes from, for the test's title. */
  readonly from: string;
  /** False when it is a vendor sample that is absent: skip the test (`it.skipIf(!fixture.present)`). */
  readonly present: boolean;
  /** The payload, a fresh copy each call. */
  load(): T;
  /** What the test expects of this payload. */
  readonly expected: E;
}

/**
 * The cases one test runs on: the project's own fixture always, and the vendor's sample when it is present.
 *
 * The sample is declared here (`vendorSamples([published.sample])`): a test file that only runs on cases names each
 * sample once.
 *
 * @example
 * for (const fixture of fixtureCases({ value: OKTA_DEACTIVATE_LOG_EVENT, expected: OWN },
 *   { sample: VENDOR_SAMPLES.oktaDeactivateLogEvent, expected: VENDORS })) {
 *   it.skipIf(!fixture.present)(`maps a deactivate LogEvent (${fixture.from})`, () => { … fixture.load() … });
 * }
 */
export function fixtureCases<T, E>(
  own: { value: T; expected: E },
  published: { sample: VendorSampleName; expected: E },
): FixtureCase<T, E>[] {
  const vendor = vendorSamples([published.sample]);
  return [
    { from: "project's fixture", present: true, load: () => structuredClone(own.value), expected: own.expected },
    {
      from: `vendor sample ${published.sample}`,
      present: vendor.has(published.sample),
      load: () => vendor.json<T>(published.sample),
      expected: published.expected,
    },
  ];
}
