import type { CommandAction, InviteMode, PredefinedRole } from '@idp-sync/contracts';
import { runModel } from './model';
import { Rng } from './prng';
import type {
  Delivery,
  DeliveryMode,
  EventSpec,
  ExpectedCommand,
  OktaEventSpec,
  Person,
  SourceEvent,
  WebhookSource,
} from './types';

/**
 * The chaos scenario: people, their life in the company as events from every source, and the order and manner in
 * which those events are delivered — all from one seed. Nothing here depends on the clock except `nowMs`, which
 * anchors the synthetic event times in the past.
 */

export interface ScenarioOptions {
  /** Deliveries in total (originals, retries and late redeliveries). */
  readonly events: number;
  readonly seed: number;
  /** People to start with (more join if everyone's story has ended). Default: events / 15, at least 40. */
  readonly people?: number;
  /** Share of deliveries that deliver an event again (default 0.2). */
  readonly duplicateRate?: number;
  /** Share of duplicates that arrive past SQS's deduplication window (default 0.3). */
  readonly lateRedeliveryShare?: number;
  /** Share of webhook events delivered later than events that happened after them (default 0.1). */
  readonly lateRate?: number;
  /** Share of people provisioned through SCIM (default 0.15). */
  readonly scimShare?: number;
  /** Anchors synthetic event times (all of them before it). */
  readonly nowMs: number;
}

export interface Scenario {
  readonly options: Required<Omit<ScenarioOptions, 'people'>> & { people: number };
  readonly people: readonly Person[];
  readonly events: readonly SourceEvent[];
  readonly deliveries: readonly Delivery[];
}

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Zoë',
  'José',
  'Ming',
  'Aiko',
  'Olu',
  'Priya',
  'Lars',
  'Émile',
  'Sofía',
  'Noor',
  'Kwame',
  'Ines',
  'Tomasz',
  'Yuki',
  'Chidi',
  'Maja',
  'Rafael',
  'Anaïs',
  'Björn',
  'Leila',
  'Mateo',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Ångström',
  'García',
  'Chen',
  'Sato',
  'Adeyemi',
  'Patel',
  'Nilsson',
  'Durand',
  'López',
  'Haddad',
  'Mensah',
  'Costa',
  'Kowalski',
  'Tanaka',
  'Okafor',
  'Novak',
  'Silva',
  'Müller',
  'Ødegaard',
];
const DOMAINS = ['example.com', 'corp.example.io', 'example.org'];

interface PersonState {
  readonly person: Person;
  first: string;
  last: string;
  phase: 'new' | 'joined' | 'left' | 'reactivated' | 'done';
  clockMs: number;
}

const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[^\x20-\x7e]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

/**
 * Builds the scenario. The same options always give the same scenario.
 *
 * @example
 * const scenario = generateScenario({ events: 500, seed: 7, nowMs: Date.now() });
 */
export function generateScenario(input: ScenarioOptions): Scenario {
  const options = {
    events: input.events,
    seed: input.seed,
    people: input.people ?? Math.max(40, Math.round(input.events / 15)),
    duplicateRate: input.duplicateRate ?? 0.2,
    lateRedeliveryShare: input.lateRedeliveryShare ?? 0.3,
    lateRate: input.lateRate ?? 0.1,
    scimShare: input.scimShare ?? 0.15,
    nowMs: input.nowMs,
  };
  const rng = new Rng(options.seed, 'people');
  const steps = new Rng(options.seed, 'steps');
  const ids = new Rng(options.seed, 'ids');
  const origin = options.nowMs - 90 * 86_400_000;

  const states: PersonState[] = [];
  const addPerson = (): PersonState => {
    const index = states.length;
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const person: Person = {
      index,
      email: `${ascii(first)}.${ascii(last)}.${index}@${rng.pick(DOMAINS)}`,
      scim: rng.chance(options.scimShare),
      oktaId: `00u${ids.hex(17)}`,
      employeeId: String(10_000 + index),
      directoryUserId: `directory_user_${ids.hex(26).toUpperCase()}`,
      externalId: ids.uuid(),
    };
    const state: PersonState = {
      person,
      first,
      last,
      phase: 'new',
      clockMs: origin + rng.int(0, 30 * 86_400_000),
    };
    states.push(state);
    return state;
  };
  for (let i = 0; i < options.people; i++) addPerson();

  const events: SourceEvent[] = [];
  let scimRank = options.nowMs;
  const nextId = () => events.length;
  const name = (s: PersonState) => `${s.first} ${s.last}`;
  const tick = (s: PersonState) => {
    s.clockMs += steps.int(60_000, 2 * 86_400_000);
    return s.clockMs;
  };
  const command = (
    eventId: number,
    s: PersonState,
    action: CommandAction,
    source: ExpectedCommand['source'],
    occurredAtMs: number,
    extra: Partial<ExpectedCommand> = {},
  ): ExpectedCommand => ({
    ref: `${eventId}:${s.person.email}`,
    email: s.person.email,
    action,
    source,
    occurredAtMs,
    ...extra,
  });
  const push = (label: string, spec: EventSpec, commands: ExpectedCommand[], people: string[]) => {
    events.push({ id: events.length, label, spec, commands, people });
  };

  // ── Webhook steps, one source event each (Okta may batch a few people into one delivery) ──

  const oktaEvent = (s: PersonState, eventType: string, at: number): OktaEventSpec => ({
    uuid: ids.uuid(),
    eventType,
    publishedMs: at,
    // Okta logins are not always lower case; ingest keys people by the lower-cased address.
    login: steps.chance(0.2) ? s.person.email.replace(/^[a-z]/, (c) => c.toUpperCase()) : s.person.email,
    oktaId: s.person.oktaId,
    displayName: name(s),
  });

  /**
   * One person's step as Okta says it: `want` forces join, update or leave (a rehire is a reactivation); without it
   * the person's natural next step (the others of a batched delivery).
   */
  const oktaStep = (
    s: PersonState,
    id: number,
    want?: 'join' | 'update' | 'leave',
  ): { spec: OktaEventSpec; command: ExpectedCommand } => {
    const at = tick(s);
    const step = want ?? (s.phase === 'new' ? 'join' : 'update');
    if (step === 'join') {
      const rehire = s.phase === 'done';
      if (s.phase === 'new') s.phase = 'joined';
      const type = rehire
        ? 'user.lifecycle.reactivate'
        : steps.chance(0.7)
          ? 'user.lifecycle.create'
          : 'user.lifecycle.activate';
      return {
        spec: oktaEvent(s, type, at),
        command: command(id, s, 'create', 'okta', at, { name: name(s), role: 'MEMBER', inviteMode: 'EMAIL_LINK' }),
      };
    }
    if (step === 'update') {
      s.last = steps.pick(LAST);
      return {
        spec: oktaEvent(s, 'user.account.update_profile', at),
        command: command(id, s, 'update', 'okta', at, { name: name(s) }),
      };
    }
    s.phase = 'left';
    const type = steps.chance(0.7) ? 'user.lifecycle.deactivate' : 'user.lifecycle.delete.initiated';
    return { spec: oktaEvent(s, type, at), command: command(id, s, 'delete', 'okta', at) };
  };

  const webhookJoin = (s: PersonState, source: WebhookSource) => {
    if (source === 'okta') return oktaBatch(s, 'join');
    const id = nextId();
    const at = tick(s);
    const label = `${source} join`;
    const nm = name(s);
    s.phase = s.phase === 'new' ? 'joined' : s.phase;
    switch (source) {
      case 'hr': {
        const role: PredefinedRole = steps.chance(0.2) ? steps.pick(['ADMIN', 'ANNOTATOR'] as const) : 'MEMBER';
        const isDeveloper = steps.chance(0.15) ? steps.chance(0.5) : undefined;
        const inviteMode: InviteMode | undefined = steps.chance(0.1) ? 'NONE' : undefined;
        const data = {
          email: s.person.email,
          name: nm,
          ...(role !== 'MEMBER' || steps.chance(0.3) ? { role } : {}),
          ...(isDeveloper === undefined ? {} : { isDeveloper }),
          ...(inviteMode ? { inviteMode } : {}),
        };
        push(
          label,
          hrSpec('user.joined', at, data),
          [
            command(id, s, 'create', 'hr', at, {
              name: nm,
              role,
              ...(isDeveloper === undefined ? {} : { isDeveloper }),
              inviteMode: inviteMode ?? 'EMAIL_LINK',
            }),
          ],
          [s.person.email],
        );
        return;
      }
      case 'workos':
        push(
          label,
          workosSpec('dsync.user.created', at, directoryUser(s, 'active')),
          [command(id, s, 'create', 'workos', at, { name: nm, role: 'MEMBER', inviteMode: 'EMAIL_LINK' })],
          [s.person.email],
        );
        return;
      case 'bamboohr':
        push(
          label,
          bambooSpec('employee.created', at, s, bambooFields(s, 'Active')),
          [command(id, s, 'create', 'bamboohr', at, { name: nm, role: 'MEMBER', inviteMode: 'EMAIL_LINK' })],
          [s.person.email],
        );
        return;
    }
  };

  const webhookUpdate = (s: PersonState, source: WebhookSource) => {
    if (source === 'okta') return oktaBatch(s, 'update');
    const id = nextId();
    const at = tick(s);
    const label = `${source} update`;
    if (source === 'hr' && steps.chance(0.25)) {
      const isDeveloper = steps.chance(0.5);
      push(
        label,
        hrSpec('user.updated', at, { email: s.person.email, isDeveloper }),
        [command(id, s, 'update', 'hr', at, { isDeveloper })],
        [s.person.email],
      );
      return;
    }
    if (steps.chance(0.5)) s.last = steps.pick(LAST);
    else s.first = steps.pick(FIRST);
    const nm = name(s);
    const cmd = command(id, s, 'update', source, at, { name: nm });
    if (source === 'hr')
      push(label, hrSpec('user.updated', at, { email: s.person.email, name: nm }), [cmd], [s.person.email]);
    else if (source === 'workos')
      push(label, workosSpec('dsync.user.updated', at, directoryUser(s, 'active')), [cmd], [s.person.email]);
    else push(label, bambooSpec('employee.updated', at, s, bambooFields(s, 'Active')), [cmd], [s.person.email]);
  };

  const webhookLeave = (s: PersonState, source: WebhookSource) => {
    if (source === 'okta') return oktaBatch(s, 'leave');
    const id = nextId();
    const at = tick(s);
    s.phase = 'left';
    const cmd = command(id, s, 'delete', source, at);
    const who = [s.person.email];
    if (source === 'hr') push('hr leave', hrSpec('user.left', at, { email: s.person.email }), [cmd], who);
    else if (source === 'workos') {
      // WorkOS mostly says it with an update to `inactive`.
      const inactive = steps.chance(0.6);
      push(
        inactive ? 'workos leave (inactive)' : 'workos leave',
        workosSpec(inactive ? 'dsync.user.updated' : 'dsync.user.deleted', at, directoryUser(s, 'inactive')),
        [cmd],
        who,
      );
    } else {
      const terminated = steps.chance(0.5);
      push(
        terminated ? 'bamboohr leave (Inactive)' : 'bamboohr leave',
        terminated
          ? bambooSpec('employee.updated', at, s, bambooFields(s, 'Inactive'))
          : bambooSpec('employee.deleted', at, s, { workEmail: s.person.email }),
        [cmd],
        who,
      );
    }
  };

  /** A bulk leave: HR `users.left` or WorkOS `dsync.deleted`, for this person and a few others still employed. */
  const bulkLeave = (s: PersonState) => {
    const id = nextId();
    const others = states.filter((o) => o !== s && !o.person.scim && o.phase === 'joined');
    const members = [s];
    const size = steps.int(1, 5);
    for (let i = 0; i < size && others.length > 0; i++) {
      members.push(others.splice(steps.int(0, others.length - 1), 1)[0]!);
    }
    const at = Math.max(...members.map((m) => m.clockMs)) + steps.int(60_000, 86_400_000);
    const hr = steps.chance(0.6);
    const commands = members.map((m) => {
      m.clockMs = at;
      m.phase = 'left';
      return command(id, m, 'delete', hr ? 'hr' : 'workos', at);
    });
    const who = members.map((m) => m.person.email);
    if (hr) push(`hr bulk leave (${members.length})`, hrSpec('users.left', at, { emails: who }), commands, who);
    else
      push(
        `workos directory deleted (${members.length})`,
        workosSpec('dsync.deleted', at, {
          object: 'directory',
          id: `directory_${ids.hex(26).toUpperCase()}`,
          state: 'deleting',
          users: members.map((m) => directoryUser(m, 'inactive')),
        }),
        commands,
        who,
      );
  };

  /** An Okta delivery: this person's step, sometimes with the steps of one or two others in the same POST. */
  const oktaBatch = (s: PersonState, want: 'join' | 'update' | 'leave') => {
    const id = nextId();
    const members = [s];
    if (steps.chance(0.25)) {
      const others = states.filter((o) => o !== s && !o.person.scim && (o.phase === 'new' || o.phase === 'joined'));
      for (let i = steps.int(1, 2); i > 0 && others.length > 0; i--) {
        members.push(others.splice(steps.int(0, others.length - 1), 1)[0]!);
      }
    }
    const made = members.map((m) => oktaStep(m, id, m === s ? want : undefined));
    push(
      `okta ${want}${made.length > 1 ? ` (+${made.length - 1} in the batch)` : ''}`,
      { source: 'okta', events: made.map((m) => m.spec) },
      made.map((m) => m.command),
      members.map((m) => m.person.email),
    );
  };

  const hrSpec = (type: string, at: number, data: Record<string, unknown>): EventSpec => ({
    source: 'hr',
    webhookId: `msg_${ids.hex(24)}`,
    type,
    timestampMs: at,
    data,
  });
  const workosSpec = (event: string, at: number, data: Record<string, unknown>): EventSpec => ({
    source: 'workos',
    eventId: `event_${ids.hex(26).toUpperCase()}`,
    event,
    createdAtMs: at,
    data,
  });
  const directoryUser = (s: PersonState, state: 'active' | 'inactive') => ({
    object: 'directory_user',
    id: s.person.directoryUserId,
    directory_id: 'directory_01ECAZ4NV9QMV47GW873HDCX74',
    organization_id: 'org_01EZTR6WYX1A0DSE2CYMGXQ24Y',
    idp_id: s.person.employeeId,
    email: s.person.email,
    emails: [{ primary: true, type: 'work', value: s.person.email }],
    first_name: s.first,
    last_name: s.last,
    state,
    created_at: '2021-06-25T19:07:33.155Z',
    updated_at: '2021-06-25T19:07:33.155Z',
    custom_attributes: {},
    raw_attributes: {},
  });
  const bambooFields = (s: PersonState, status: 'Active' | 'Inactive') => ({
    workEmail: s.person.email,
    firstName: s.first,
    lastName: s.last,
    status,
  });
  const bambooSpec = (type: string, at: number, s: PersonState, fields: Record<string, unknown>): EventSpec => ({
    source: 'bamboohr',
    type,
    timestampMs: at,
    employeeId: s.person.employeeId,
    fields,
  });

  const noise = () => {
    const kind = steps.int(0, 3);
    const at = options.nowMs - steps.int(1, 80) * 86_400_000;
    if (kind === 0) {
      const s = steps.pick(states);
      push(
        'okta noise (user.session.start)',
        {
          source: 'okta',
          events: [{ ...oktaEvent(s, 'user.session.start', at), uuid: ids.uuid() }],
        },
        [],
        [],
      );
    } else if (kind === 1) {
      push('hr noise (unknown type)', hrSpec('user.promoted', at, { email: 'nobody@example.com' }), [], []);
    } else if (kind === 2) {
      push(
        'workos noise (group event)',
        workosSpec('dsync.group.created', at, {
          object: 'directory_group',
          id: `directory_group_${ids.hex(26)}`,
          name: 'Engineering',
        }),
        [],
        [],
      );
    } else {
      push(
        'bamboohr noise (no email)',
        {
          source: 'bamboohr',
          type: 'employee.updated',
          timestampMs: at,
          employeeId: String(steps.int(90_000, 99_999)),
        },
        [],
        [],
      );
    }
  };

  // ── SCIM (Entra): GET-then-POST, PATCH name, PATCH active=False, sometimes PATCH active=True again, DELETE ──

  const scimStep = (s: PersonState) => {
    const email = s.person.email;
    const rank = () => ++scimRank;
    switch (s.phase) {
      case 'new': {
        s.phase = 'joined';
        push('scim GET filter', { source: 'scim', op: 'get', person: s.person.index }, [], [email]);
        const id = nextId();
        push(
          'scim POST',
          {
            source: 'scim',
            op: 'post',
            person: s.person.index,
            body: {
              schemas: [
                'urn:ietf:params:scim:schemas:core:2.0:User',
                'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
              ],
              externalId: s.person.externalId,
              userName: email,
              active: steps.chance(0.5) ? 'True' : true,
              displayName: name(s),
              emails: [{ primary: true, type: 'work', value: email }],
              name: { givenName: s.first, familyName: s.last },
            },
          },
          [command(id, s, 'create', 'scim', rank(), { name: name(s) })],
          [email],
        );
        return;
      }
      case 'joined': {
        const id = nextId();
        if (steps.chance(0.95)) {
          // Entra sends a PATCH when something changed; the same name again would map to no command.
          s.last = steps.pick(LAST.filter((l) => l !== s.last));
          push(
            'scim PATCH displayName',
            {
              source: 'scim',
              op: 'patch',
              person: s.person.index,
              body: patch([{ op: 'Replace', path: 'displayName', value: name(s) }]),
            },
            [command(id, s, 'update', 'scim', rank(), { name: name(s) })],
            [email],
          );
        } else {
          s.phase = 'left';
          push(
            'scim PATCH active=False',
            {
              source: 'scim',
              op: 'patch',
              person: s.person.index,
              body: patch([{ op: 'Replace', path: 'active', value: 'False' }]),
            },
            [command(id, s, 'delete', 'scim', rank())],
            [email],
          );
        }
        return;
      }
      case 'left': {
        const id = nextId();
        if (steps.chance(0.25)) {
          s.phase = 'reactivated';
          push(
            'scim PATCH active=True (after disable)',
            {
              source: 'scim',
              op: 'patch',
              person: s.person.index,
              body: patch([{ op: 'Replace', path: 'active', value: 'True' }]),
            },
            [command(id, s, 'create', 'scim', rank(), { name: name(s) })],
            [email],
          );
          return;
        }
        s.phase = 'done';
        push('scim DELETE', { source: 'scim', op: 'delete', person: s.person.index }, [], [email]);
        return;
      }
      case 'reactivated': {
        const id = nextId();
        s.phase = 'done';
        push(
          'scim DELETE (active)',
          { source: 'scim', op: 'delete', person: s.person.index },
          [command(id, s, 'delete', 'scim', rank())],
          [email],
        );
        return;
      }
      case 'done':
        return;
    }
  };
  const patch = (operations: object[]) => ({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: operations,
  });

  const source = (): WebhookSource =>
    steps.weighted([
      ['okta', 0.3],
      ['hr', 0.3],
      ['workos', 0.2],
      ['bamboohr', 0.2],
    ] as const);

  const webhookStep = (s: PersonState) => {
    switch (s.phase) {
      case 'new': {
        if (steps.chance(0.04)) {
          // Before the person exists: an HR update or resend that the Users API cannot apply.
          const id = nextId();
          const at = tick(s);
          if (steps.chance(0.5))
            push(
              'hr update before join',
              hrSpec('user.updated', at, { email: s.person.email, name: name(s) }),
              [command(id, s, 'update', 'hr', at, { name: name(s) })],
              [s.person.email],
            );
          else
            push(
              'hr resend before join',
              hrSpec('user.invitation.resend', at, { email: s.person.email }),
              [command(id, s, 'resend-invitation', 'hr', at)],
              [s.person.email],
            );
          return;
        }
        webhookJoin(s, source());
        return;
      }
      case 'joined': {
        // Leaves are rare per step (a bulk leave takes several people), so that by the end about half the people are
        // still employed and their names, roles and flags are compared, not only their deletion.
        const what = steps.weighted([
          ['update', 0.848],
          ['resend', 0.07],
          ['reset', 0.02],
          ['join-again', 0.04],
          ['leave', 0.02],
          ['bulk-leave', 0.002],
        ] as const);
        if (what === 'update') webhookUpdate(s, source());
        else if (what === 'join-again') webhookJoin(s, source());
        else if (what === 'leave') webhookLeave(s, source());
        else if (what === 'bulk-leave') bulkLeave(s);
        else {
          const id = nextId();
          const at = tick(s);
          const type = what === 'resend' ? 'user.invitation.resend' : 'user.password.reset';
          push(
            `hr ${what}`,
            hrSpec(type, at, { email: s.person.email }),
            [command(id, s, what === 'resend' ? 'resend-invitation' : 'reset-password', 'hr', at)],
            [s.person.email],
          );
        }
        return;
      }
      case 'left': {
        const r = steps.next();
        if (r < 0.15) {
          // Rehired: the Users API cannot re-create a deleted email.
          s.phase = 'done';
          webhookJoin(s, source());
        } else if (r < 0.22) {
          s.phase = 'done';
          const id = nextId();
          const at = tick(s);
          push(
            'hr update after leave',
            hrSpec('user.updated', at, { email: s.person.email, name: name(s) }),
            [command(id, s, 'update', 'hr', at, { name: name(s) })],
            [s.person.email],
          );
        } else s.phase = 'done';
        return;
      }
      default:
        return;
    }
  };

  const baseCount = Math.round(options.events * (1 - options.duplicateRate));
  while (events.length < baseCount) {
    if (steps.chance(0.03)) {
      noise();
      continue;
    }
    let live = states.filter((s) => s.phase !== 'done');
    if (live.length === 0) {
      addPerson();
      live = states.filter((s) => s.phase !== 'done');
    }
    const s = steps.pick(live);
    if (s.person.scim) scimStep(s);
    else webhookStep(s);
  }

  return {
    options,
    people: states.map((s) => s.person),
    events,
    deliveries: order(events, options),
  };
}

/**
 * Delivery order: originals in the order they happened, some webhook events held back (late), late redeliveries of
 * earlier events, and retries — the retries only of events whose commands the model completed on first delivery,
 * so that whether SQS or the idempotency record absorbs them (it depends on the 5-minute window, i.e. on timing) the
 * outcome is the same.
 */
function order(events: readonly SourceEvent[], options: Scenario['options']): Delivery[] {
  const rng = new Rng(options.seed, 'order');
  const positions = events.map((event, i) => {
    const late = event.spec.source !== 'scim' && rng.chance(options.lateRate);
    return { event, key: late ? i + rng.int(1, 40) + 0.5 : i };
  });
  positions.sort((a, b) => a.key - b.key);
  let list: { event: SourceEvent; mode: DeliveryMode }[] = positions.map(({ event }) => ({ event, mode: 'original' }));

  const duplicates = options.events - events.length;
  const lateRedeliveries = Math.round(duplicates * options.lateRedeliveryShare);
  const dupRng = new Rng(options.seed, 'duplicates');
  const insertAfter = (
    target: { event: SourceEvent; mode: DeliveryMode }[],
    index: number,
    item: { event: SourceEvent; mode: DeliveryMode },
    soon: boolean,
  ) => {
    const at = soon ? Math.min(target.length, index + dupRng.int(1, 10)) : dupRng.int(index + 1, target.length);
    target.splice(at, 0, item);
  };

  const webhookOriginals = () =>
    list.filter((d) => d.mode === 'original' && d.event.spec.source !== 'scim' && d.event.commands.length > 0);
  for (let i = 0; i < lateRedeliveries; i++) {
    const candidates = webhookOriginals();
    const original = dupRng.pick(candidates);
    insertAfter(list, list.indexOf(original), { event: original.event, mode: 'late-redelivery' }, false);
  }

  const model = runModel(list.map((d, seq) => ({ seq, ...d })));
  const retryable = list.filter(
    (d) =>
      d.mode === 'original' &&
      (d.event.spec.source !== 'scim' || d.event.spec.op !== 'get') &&
      model.firstDeliveryDeadLettered.get(d.event.id) !== true,
  );
  const retries: { event: SourceEvent; mode: DeliveryMode }[][] = list.map(() => []);
  const next = [...list];
  for (let i = 0; i < duplicates - lateRedeliveries && retryable.length > 0; i++) {
    const original = dupRng.pick(retryable);
    const index = next.indexOf(original);
    if (original.event.spec.source === 'scim') {
      // Entra retries a SCIM request right away (and waits for the answer before the next one).
      retries[list.indexOf(original)]!.push({ event: original.event, mode: 'retry' });
      continue;
    }
    insertAfter(next, index, { event: original.event, mode: 'retry' }, dupRng.chance(0.6));
  }
  list = next.flatMap((d) => {
    const i = list.indexOf(d);
    return i >= 0 ? [d, ...retries[i]!] : [d];
  });
  return list.map((d, seq) => ({ seq, event: d.event, mode: d.mode }));
}
