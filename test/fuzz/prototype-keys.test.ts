import { ScimError } from '@idp-sync/scim/errors';
import { applyPatch, type JsonObject, normalizeResource, readPatchOperations } from '@idp-sync/scim/protocol';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { guardPrototypes, PROTOTYPE_KEYS } from '../helpers/prototype-guard';
import { type ScimBackend, type ScimTestService, startScimBackend } from '../helpers/scim/harness';
import { oktaEnvelope, oktaUserEvent, signedRequest, testApp, workosUserEvent } from '../helpers/webhooks';

/**
 * Property (issue #14): PATCH bodies and signed webhook bodies with `__proto__`, `constructor` and `prototype` keys at
 * any depth change no prototype — afterwards `({})[key]` is what it was for every key the body used and
 * `Object.prototype` (and Array/Function/String's) hold nothing new — no answer is a 5xx, and a following normal
 * request still works. Bodies are written as text: an object literal would turn a `__proto__` key into a prototype
 * before the code under test ever saw it. Sized to run in a few seconds.
 */

const SEED = 1414;
const runs = (numRuns: number, offset: number) => ({ numRuns, seed: SEED + offset, endOnFailure: true });

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const UNKNOWN_URN = 'urn:example:params:scim:schemas:extension:acme:2.0:User';

// ---- JSON written as text, so that any key survives as sent --------------------------------------------------------

type Node =
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, Node])[] }
  | { readonly kind: 'array'; readonly items: readonly Node[] }
  | { readonly kind: 'value'; readonly value: string | number | boolean | null };

function toText(node: Node): string {
  switch (node.kind) {
    case 'object':
      return `{${node.entries.map(([key, value]) => `${JSON.stringify(key)}:${toText(value)}`).join(',')}}`;
    case 'array':
      return `[${node.items.map(toText).join(',')}]`;
    case 'value':
      return JSON.stringify(node.value);
  }
}

/** Every object key anywhere in `node`. */
function keysOf(node: Node, into = new Set<string>()): Set<string> {
  if (node.kind === 'object') {
    for (const [key, value] of node.entries) {
      into.add(key);
      keysOf(value, into);
    }
  } else if (node.kind === 'array') {
    for (const item of node.items) keysOf(item, into);
  }
  return into;
}

/** A plain JS value (a valid skeleton) as a node. */
function fromValue(value: unknown): Node {
  if (Array.isArray(value)) return { kind: 'array', items: value.map(fromValue) };
  if (value !== null && typeof value === 'object') {
    return { kind: 'object', entries: Object.entries(value).map(([key, inner]) => [key, fromValue(inner)] as const) };
  }
  return { kind: 'value', value: value as string | number | boolean | null };
}

/** Fields a polluted prototype would change the meaning of (secrets, roles, command and event fields). */
const TELLING_KEYS = ['previous', 'current', 'role', 'inviteMode', 'name', 'email', 'type', 'status', 'active', 'x'];
const prototypeKey = fc.oneof(
  { weight: 3, arbitrary: fc.constant('__proto__') },
  { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom('__PROTO__', 'Constructor', 'Prototype') },
);
const anyKey = fc.oneof(
  { weight: 3, arbitrary: prototypeKey },
  { weight: 3, arbitrary: fc.constantFrom(...TELLING_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom(ENTERPRISE, UNKNOWN_URN, 'userName', 'emails', 'value', 'data', 'fields') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);
const scalar: fc.Arbitrary<Node> = fc
  .oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant('ADMIN'))
  .map((value) => ({ kind: 'value', value }));

/** JSON with prototype keys at any depth (at most 6 levels of its own). */
const hostile: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 6 },
    scalar,
    fc.array(fc.tuple(anyKey, tie('node')), { maxLength: 4 }).map((entries): Node => ({ kind: 'object', entries })),
    fc.array(tie('node'), { maxLength: 3 }).map((items): Node => ({ kind: 'array', items })),
  ),
})).node;

/** An object holding at least one prototype key, its value hostile too. */
const hostileObject: fc.Arbitrary<Node> = fc
  .tuple(prototypeKey, hostile, fc.array(fc.tuple(anyKey, hostile), { maxLength: 2 }))
  .map(([key, value, more]) => ({ kind: 'object', entries: [[key, value], ...more] }));

/** `skeleton` with hostile entries added to some of its objects (any depth of it). */
function injected(skeleton: unknown): fc.Arbitrary<Node> {
  const base = fromValue(skeleton);
  const objects: Node[] = [];
  const collect = (node: Node) => {
    if (node.kind === 'object') {
      objects.push(node);
      for (const [, value] of node.entries) collect(value);
    } else if (node.kind === 'array') node.items.forEach(collect);
  };
  collect(base);
  return fc
    .array(fc.tuple(fc.nat({ max: objects.length - 1 }), hostileObject), { minLength: 1, maxLength: 3 })
    .map((injections) => {
      const rebuild = (node: Node): Node => {
        if (node.kind === 'array') return { kind: 'array', items: node.items.map(rebuild) };
        if (node.kind !== 'object') return node;
        const extra = injections
          .filter(([index]) => objects[index] === node)
          .flatMap(([, added]) => (added.kind === 'object' ? added.entries : []));
        // Injected first: a duplicate key keeps the skeleton's (valid) value, as JSON.parse keeps the last.
        return { kind: 'object', entries: [...extra, ...node.entries.map(([k, v]) => [k, rebuild(v)] as const)] };
      };
      return rebuild(base);
    });
}

// ---- what "nothing happened" means --------------------------------------------------------------------------------

const guard = guardPrototypes();
afterEach(() => guard.restore());

/** What `({})[key]` is on a clean object, for every key a body may use. */
function baselineOf(keys: Iterable<string>): Map<string, unknown> {
  return new Map([...keys].map((key) => [key, Reflect.get({}, key)]));
}

function expectUntouched(baseline: Map<string, unknown>): void {
  const changes = guard.changes();
  // Undo before failing: a polluted prototype breaks everything that runs after it (dynalite included).
  if (changes.length > 0) guard.restore();
  expect(changes).toEqual([]);
  for (const [key, value] of baseline) expect(Reflect.get({}, key), key).toBe(value);
}

// ---- SCIM PATCH ---------------------------------------------------------------------------------------------------

const patchValue: fc.Arbitrary<Node> = fc.oneof(
  // The shape of the issue: a path-less value keyed by an extension URN holding a prototype key.
  fc
    .tuple(fc.constantFrom(ENTERPRISE, UNKNOWN_URN, 'name', 'emails'), hostileObject)
    .map(([key, value]) => ({ kind: 'object', entries: [[key, value]] }) as Node),
  hostileObject,
  hostile,
);
const patchOperation: fc.Arbitrary<Node> = fc
  .tuple(
    fc.constantFrom('add', 'replace', 'Replace', 'remove'),
    // Path-less half the time: the form whose URN-keyed values reached Object.prototype.
    fc.oneof(
      { weight: 1, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'name',
          'emails',
          'emails[type eq "work"]',
          ENTERPRISE,
          `${ENTERPRISE}:manager`,
          'constructor',
        ),
      },
    ),
    patchValue,
  )
  .map(([op, path, value]) => ({
    kind: 'object',
    entries: [
      ['op', { kind: 'value', value: op }],
      ...(path === undefined ? [] : [['path', { kind: 'value', value: path }] as const]),
      ['value', value],
    ],
  }));
const patchBody: fc.Arbitrary<Node> = fc
  .array(patchOperation, { minLength: 1, maxLength: 3 })
  .map((operations) => ({ kind: 'object', entries: [['Operations', { kind: 'array', items: operations }]] }));

describe('SCIM PATCH bodies with prototype keys at any depth', () => {
  let backend: ScimBackend;
  let scim: ScimTestService;
  let userId: string;

  beforeAll(async () => {
    backend = await startScimBackend();
    scim = await backend.createService();
    const created = await scim.request('POST', '/scim/v2/Users', {
      body: {
        userName: 'fuzz-proto@contoso.com',
        name: { givenName: 'Fuzz' },
        emails: [{ value: 'fuzz-proto@contoso.com', type: 'work', primary: true }],
        [ENTERPRISE]: { department: 'Sales', manager: { value: 'm1' } },
      },
    });
    userId = created.json.id;
  });
  afterAll(async () => {
    await backend?.stop();
  });

  it('through the service: never a 5xx, no prototype changes, the user still reads', async () => {
    await fc.assert(
      fc.asyncProperty(patchBody, async (body) => {
        const baseline = baselineOf(keysOf(body));
        const response = await scim.request('PATCH', `/scim/v2/Users/${userId}`, { body: toText(body) });
        expectUntouched(baseline);
        expect(response.statusCode, response.body).toBeLessThan(500);
        expect((await scim.request('GET', `/scim/v2/Users/${userId}`)).statusCode).toBe(200);
      }),
      runs(60, 1),
    );
  });

  it('straight into applyPatch (past the refusal at the door, as stored data would be): no prototype changes', () => {
    const stored: JsonObject = {
      userName: 'a@contoso.com',
      name: { givenName: 'A' },
      emails: [{ value: 'a@contoso.com', type: 'work' }],
      [ENTERPRISE]: { department: 'Sales' },
    };
    fc.assert(
      fc.property(patchBody, (body) => {
        const baseline = baselineOf(keysOf(body));
        try {
          normalizeResource(applyPatch(stored, readPatchOperations(JSON.parse(toText(body)))));
        } catch (error) {
          if (!(error instanceof ScimError)) throw error;
        }
        expectUntouched(baseline);
      }),
      runs(300, 2),
    );
  });
});

// ---- webhooks -----------------------------------------------------------------------------------------------------

/** A valid delivery of each source (it queues a command), for hostile entries to be added to. */
const SKELETONS = {
  okta: oktaEnvelope([oktaUserEvent({ eventType: 'user.lifecycle.create', email: 'okta-proto@example.com' })]),
  hr: { type: 'user.joined', timestamp: '2026-11-26T09:59:00.000Z', data: { email: 'hr@example.com', name: 'H R' } },
  workos: workosUserEvent({ event: 'dsync.user.updated', email: 'workos-proto@example.com', previous: { x: 1 } }),
  bamboohr: {
    type: 'employee.updated',
    timestamp: '2026-11-26T09:59:00+0000',
    data: { employeeId: '7', fields: { workEmail: 'bamboo-proto@example.com', firstName: 'Bea' } },
  },
} as const;
type Source = keyof typeof SKELETONS;

describe.each(Object.keys(SKELETONS) as Source[])('%s webhook bodies with prototype keys at any depth', (source) => {
  it('never a 5xx, no prototype changes, and a following normal delivery is accepted', async () => {
    const { app } = testApp();
    await fc.assert(
      fc.asyncProperty(injected(SKELETONS[source]), async (body) => {
        const baseline = baselineOf(keysOf(body));
        const response = await app.handle(signedRequest(source, toText(body)));
        expectUntouched(baseline);
        expect(response.statusCode, response.body).toBeLessThan(500);
        const normal = await app.handle(signedRequest(source, JSON.stringify(SKELETONS[source])));
        expect(normal.statusCode, normal.body).toBeLessThan(300);
      }),
      runs(60, 10 + Object.keys(SKELETONS).indexOf(source)),
    );
  });
});
