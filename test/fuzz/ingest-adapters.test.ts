import { deduplicationIdFor, ProvisioningCommandSchema } from '@idp-sync/contracts';
import { PayloadError } from '@idp-sync/http';
import {
  createBambooAdapter,
  createHrAdapter,
  createOktaAdapter,
  createWorkosAdapter,
  type SourceAdapter,
} from '@idp-sync/webhooks/sources';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ingestRequest, signedRequest, testApp } from '../helpers/webhooks';

const RUNS = { numRuns: 150 };
const defaults = { defaultRole: 'MEMBER', defaultInviteMode: 'EMAIL_LINK' } as const;

const SOURCES = ['okta', 'hr', 'workos', 'bamboohr'] as const;

describe.each(SOURCES)('%s route under arbitrary input', (source) => {
  it('answers signed arbitrary bytes with a 2xx/4xx and queues nothing', async () => {
    const { app, sender } = testApp();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        const response = await app.handle(signedRequest(source, Buffer.from(bytes)));
        expect(response.statusCode).toBeLessThan(500);
        expect(() => JSON.parse(response.body)).not.toThrow();
      }),
      RUNS,
    );
    expect(sender.sent).toEqual([]);
  });

  it('answers signed arbitrary JSON with a 2xx/4xx and queues nothing', async () => {
    const { app, sender } = testApp();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        const response = await app.handle(signedRequest(source, Buffer.from(JSON.stringify(value))));
        expect([200, 202, 400]).toContain(response.statusCode);
      }),
      RUNS,
    );
    expect(sender.sent).toEqual([]);
  });

  it('answers unsigned arbitrary requests with a 4xx', async () => {
    const { app, sender } = testApp();
    const header = fc.tuple(
      fc.constantFrom(
        'authorization',
        'webhook-id',
        'webhook-timestamp',
        'webhook-signature',
        'workos-signature',
        'x-bamboohr-signature',
        'x-bamboohr-timestamp',
        'content-type',
      ),
      fc.string({ maxLength: 80 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT'),
        fc.array(header, { maxLength: 6 }),
        fc.uint8Array({ maxLength: 256 }),
        async (method, headers, bytes) => {
          const request = ingestRequest({
            method,
            path: `/webhooks/${source}`,
            headers: Object.fromEntries(headers),
            body: Buffer.from(bytes),
          });
          const response = await app.handle(request);
          expect(response.statusCode).toBeGreaterThanOrEqual(400);
          expect(response.statusCode).toBeLessThan(500);
        },
      ),
      RUNS,
    );
    expect(sender.sent).toEqual([]);
  });
});

/** Usually `valid`, sometimes `noise`: payloads that often map to commands and sometimes break somewhere. */
function mostly<T>(valid: fc.Arbitrary<T>, noise: fc.Arbitrary<unknown> = fc.anything()): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: noise, weight: 1 });
}
const email = fc
  .tuple(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9.]{0,10}$/), fc.constantFrom('example.com', 'Corp.Example.io'))
  .map(([local, domain]) => `${local.replace(/\.+$/, '')}@${domain}`);
const anyEmail = mostly(email, fc.oneof(fc.emailAddress(), fc.string(), fc.anything()));
const iso = fc
  .date({ min: new Date('2000-01-01'), max: new Date('2099-01-01'), noInvalidDate: true })
  .map((d) => d.toISOString());
const name = mostly(fc.string({ minLength: 1, maxLength: 40 }), fc.oneof(fc.string({ maxLength: 300 }), fc.anything()));

describe('adapters on structured arbitrary payloads', () => {
  const adapters: [string, SourceAdapter, fc.Arbitrary<unknown>][] = [
    [
      'okta',
      createOktaAdapter({
        ...defaults,
        authHeader: 'authorization',
        suspendAction: 'delete',
        membershipEvents: 'both',
      }),
      fc.record({
        data: fc.record({
          events: fc.array(
            fc.record({
              uuid: mostly(fc.uuid()),
              eventType: mostly(
                fc.constantFrom(
                  'user.lifecycle.create',
                  'user.lifecycle.deactivate',
                  'user.account.update_profile',
                  'group.user_membership.add',
                ),
                fc.string(),
              ),
              published: mostly(iso, fc.string()),
              outcome: mostly(
                fc.record({ result: fc.constantFrom('SUCCESS', 'Success', 'FAILURE') }),
                fc.constant(null),
              ),
              target: mostly(
                fc.array(
                  fc.record({
                    id: mostly(fc.string({ minLength: 1, maxLength: 20 }), fc.constant(null)),
                    type: mostly(fc.constantFrom('User', 'user', 'UserGroup')),
                    alternateId: anyEmail,
                    displayName: name,
                  }),
                  { maxLength: 3 },
                ),
                fc.constant(null),
              ),
            }),
            { maxLength: 4 },
          ),
        }),
      }),
    ],
    [
      'hr',
      createHrAdapter(defaults),
      fc.record({
        type: mostly(
          fc.constantFrom(
            'user.joined',
            'user.updated',
            'user.left',
            'users.left',
            'user.invitation.resend',
            'user.password.reset',
          ),
          fc.string(),
        ),
        timestamp: mostly(iso, fc.string()),
        data: fc.oneof(
          fc.record({ email: anyEmail, name }, { requiredKeys: ['email'] }),
          fc.record({ email: anyEmail, isDeveloper: mostly(fc.boolean()) }, { requiredKeys: ['email'] }),
          fc.record({ email: anyEmail }),
          fc.record({ emails: fc.array(anyEmail, { maxLength: 5 }) }),
          fc.record(
            {
              email: anyEmail,
              name,
              role: mostly(fc.constantFrom('ADMIN', 'MEMBER', 'ANNOTATOR'), fc.string()),
              inviteMode: mostly(fc.constantFrom('NONE', 'EMAIL_LINK'), fc.string()),
            },
            { requiredKeys: ['email', 'name'] },
          ),
        ),
      }),
    ],
    [
      'workos',
      createWorkosAdapter({ ...defaults, toleranceMs: 180_000 }),
      fc.record({
        id: mostly(fc.string({ minLength: 1, maxLength: 30 })),
        event: mostly(
          fc.constantFrom('dsync.user.created', 'dsync.user.updated', 'dsync.user.deleted', 'dsync.deleted'),
          fc.string(),
        ),
        created_at: mostly(iso, fc.string()),
        data: fc.record(
          {
            id: mostly(fc.string({ minLength: 1, maxLength: 30 })),
            state: mostly(fc.constantFrom('active', 'inactive')),
            email: anyEmail,
            emails: fc.array(fc.record({ value: anyEmail, primary: fc.boolean() }), { maxLength: 3 }),
            first_name: name,
            last_name: name,
            raw_attributes: mostly(fc.record({ userName: anyEmail, displayName: name }, { requiredKeys: [] })),
            previous_attributes: mostly(fc.record({ emails: fc.array(anyEmail) }, { requiredKeys: [] })),
            users: fc.array(fc.record({ id: fc.string({ minLength: 1, maxLength: 10 }), email: anyEmail }), {
              maxLength: 3,
            }),
          },
          { requiredKeys: [] },
        ),
      }),
    ],
    [
      'bamboohr',
      createBambooAdapter({ ...defaults, emailField: 'workEmail', statusField: 'status', toleranceMs: 300_000 }),
      fc.oneof(
        fc.record({
          employees: fc.array(
            fc.record({
              id: mostly(fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.nat())),
              action: mostly(fc.constantFrom('Created', 'Updated', 'Deleted'), fc.string()),
              timestamp: mostly(fc.constant('2026-01-31T18:42:00+0000'), fc.string()),
              changedFields: fc.array(fc.string(), { maxLength: 3 }),
              fields: fc.record(
                {
                  'Work Email': anyEmail,
                  'First Name': name,
                  lastName: name,
                  Status: mostly(fc.constantFrom('Active', 'Inactive')),
                },
                { requiredKeys: [] },
              ),
            }),
            { maxLength: 3 },
          ),
        }),
        fc.record({
          type: mostly(fc.constantFrom('employee.created', 'employee.updated', 'employee.deleted'), fc.string()),
          timestamp: mostly(iso, fc.string()),
          data: fc.record({
            employeeId: mostly(fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.nat())),
            fields: fc.record({ workEmail: anyEmail, firstName: name }, { requiredKeys: [] }),
          }),
        }),
      ),
    ],
  ];

  it.each(adapters)(
    '%s: only ever returns valid, distinct commands or throws a PayloadError',
    (_name, adapter, payloads) => {
      let commands = 0;
      fc.assert(
        fc.property(
          fc.oneof({ arbitrary: payloads, weight: 5 }, { arbitrary: fc.anything(), weight: 1 }),
          (payload) => {
            try {
              const result = adapter.normalize(payload, {
                receivedAt: '2026-11-26T10:00:00.000Z',
                delivery: { deliveryId: 'msg_fuzz', sentAt: '2026-11-26T10:00:00.000Z' },
              });
              commands += result.commands.length;
              for (const command of result.commands)
                expect(ProvisioningCommandSchema.safeParse(command).success).toBe(true);
              // No exact repeats; an id the payload reuses for other content is kept for the worker's CommandIdReused.
              expect(new Set(result.commands.map(deduplicationIdFor)).size).toBe(result.commands.length);
            } catch (error) {
              expect(error).toBeInstanceOf(PayloadError);
            }
          },
        ),
        { numRuns: 300 },
      );
      // The generators must reach the mapping, not only the validation.
      expect(commands).toBeGreaterThan(10);
    },
  );
});
