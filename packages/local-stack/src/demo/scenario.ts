import { createHash } from 'node:crypto';
import type { SeedUser, UserRecord } from '@idp-sync/users-api-emulator';
import { LOCAL_CUSTOM_ROLE, LOCAL_ROLE_GROUP } from '../defaults';
import type { SentResponse, SignedRequest } from '../signing';
import type { SourceRequests } from './requests';

/** A source as the demo names it. */
export type DemoSource = 'okta' | 'entra' | 'hr' | 'workos' | 'bamboohr';

/** What the steps share while the scenario runs (e.g. the SCIM id Entra got back for a user). */
export interface DemoState {
  scimIds: Map<string, string>;
}

/** One delivery of the scenario, built (and signed) right before it is sent. */
export interface DemoStep {
  readonly source: DemoSource;
  /** What happens, for the log: "joins: Ada Lovelace, Alan Turing". */
  readonly title: string;
  /** HTTP statuses that mean the source's delivery was accepted. */
  readonly accept: readonly number[];
  /** The people it is about: when it is refused, the demo does not wait for them. */
  readonly people: readonly DemoPerson[];
  build(sources: SourceRequests, state: DemoState): SignedRequest | undefined;
  /** Reads what the answer says (a SCIM id). */
  after?(response: SentResponse, state: DemoState): void;
}

/** A person of the scenario. */
export interface DemoPerson {
  readonly key: string;
  readonly name: string;
  readonly email: string;
}

/** One verified claim about the outcome. */
export interface DemoCheck {
  readonly ok: boolean;
  readonly text: string;
}

/** What the checks look at. */
export interface DemoOutcome {
  readonly before: readonly UserRecord[];
  readonly after: readonly UserRecord[];
  /** Users API calls during the scenario, by operation and status. */
  readonly calls: Readonly<Record<string, { total: number; byStatus: Record<string, number> }>>;
  /** Emails of the people with a DLQ message from this run, and the reasons. */
  readonly deadLetters: readonly { email: string | undefined; reason: string }[];
}

/**
 * The state a person of the scenario ends in once their commands were applied. A person is settled when it holds,
 * or when a message of theirs is in the DLQ (it will not change any more without a replay).
 */
export interface DemoExpectation {
  readonly person: DemoPerson;
  /** What is awaited, in a few words: `INVITED`, `DELETED`, `renamed Hedy Lamarr`, `in the DLQ`. */
  readonly state: string;
  holds(now: UserRecord | undefined, before: UserRecord | undefined): boolean;
}

export interface DemoScenario {
  /** The email domain of this run: every person of the scenario, nobody else. */
  readonly domain: string;
  readonly people: Readonly<Record<string, DemoPerson>>;
  /** Users already in the Users API before anything is sent (placed through the emulator's control endpoint). */
  readonly seed: readonly SeedUser[];
  /** Deliveries before the "before" snapshot: what the directory already provisioned earlier. */
  readonly setup: readonly DemoStep[];
  /** The scenario proper. */
  readonly steps: readonly DemoStep[];
  /** What the demo waits for after the setup deliveries, and after the steps: its own people, nobody else. */
  readonly expected: { readonly setup: readonly DemoExpectation[]; readonly steps: readonly DemoExpectation[] };
  check(outcome: DemoOutcome): DemoCheck[];
}

function hasCustomRole(user: UserRecord | undefined, id: string): boolean {
  const role = user?.role;
  return role?.type === 'CUSTOM' && role.id === id;
}

/** A user's role in a few words, for a check's text. */
function roleText(user: UserRecord | undefined): string {
  if (!user) return 'no user';
  return user.role.type === 'PREDEFINED' ? user.role.name : `custom "${user.role.name ?? user.role.id}"`;
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/**
 * A realistic day at Acme, from every source: joins (Okta, HR, WorkOS, BambooHR), profile updates (Okta, HR), a
 * duplicate HR delivery, a late out-of-order WorkOS update, a bulk HR leave of three people, an Entra (SCIM) disable,
 * an invitation resend, and a rehire of a deleted email that must fail permanently (409 → DLQ).
 *
 * `domain` keeps runs apart on a long-running stack (a deleted email can never be created again).
 *
 * @example
 * const scenario = demoScenario('acme-3f9c.example');
 * for (const step of scenario.steps) await send(step.build(sources, state)!);
 */
export function demoScenario(domain: string): DemoScenario {
  const person = (key: string, name: string): DemoPerson => ({ key, name, email: `${key}@${domain}` });
  const p = {
    ada: person('ada.lovelace', 'Ada Lovelace'),
    alan: person('alan.turing', 'Alan Turing'),
    tim: person('tim.berners-lee', 'Tim Berners-Lee'),
    katherine: person('katherine.johnson', 'Katherine Johnson'),
    grace: person('grace.hopper', 'Grace Hopper'),
    hedy: person('hedy.lamarr', 'Hedy Lamarr'),
    joan: person('joan.clarke', 'Joan Clarke'),
    margaret: person('margaret.hamilton', 'Margaret Hamilton'),
    dennis: person('dennis.ritchie', 'Dennis Ritchie'),
    ken: person('ken.thompson', 'Ken Thompson'),
    radia: person('radia.perlman', 'Radia Perlman'),
    linus: person('linus.torvalds', 'Linus Torvalds'),
    barbara: person('barbara.liskov', 'Barbara Liskov'),
  };
  const seed: SeedUser[] = [
    { name: p.tim.name, email: p.tim.email, status: 'ACTIVE' },
    { name: p.grace.name, email: p.grace.email, status: 'ACTIVE' },
    { name: p.margaret.name, email: p.margaret.email, status: 'ACTIVE' },
    { name: p.dennis.name, email: p.dennis.email, status: 'ACTIVE' },
    { name: p.ken.name, email: p.ken.email, status: 'ACTIVE' },
    { name: p.linus.name, email: p.linus.email, status: 'INVITED' },
    // A former employee: her email is deleted for good, so rehiring her under it must fail permanently.
    { name: p.barbara.name, email: p.barbara.email, status: 'DELETED' },
  ];
  const accepted = [200, 202, 204];
  let katherineJoin: (SignedRequest & { id: string }) | undefined;
  // Directory ids differ per run like the emails: the worker follows a source's id to the email it was first seen
  // with, so one id under another run's address would be an email change, not a new person.
  const run = createHash('sha256').update(domain).digest('hex');
  const hedyUser = {
    id: `directory_user_01DEMOHEDY${run.slice(0, 8).toUpperCase()}`,
    email: p.hedy.email,
    firstName: 'Hedy',
    lastName: 'Lamarr',
  };
  const joanEmployeeId = 4107 + Number.parseInt(run.slice(8, 14), 16);

  const setup: DemoStep[] = [
    {
      source: 'entra',
      title: `Entra provisions ${p.radia.name} (SCIM POST /Users)`,
      accept: [201],
      people: [p.radia],
      build: (s) => s.scimCreate({ userName: p.radia.email, givenName: 'Radia', familyName: 'Perlman' }),
      after: (response, state) => {
        const id = (JSON.parse(response.body) as { id?: unknown }).id;
        if (typeof id === 'string') state.scimIds.set(p.radia.email, id);
      },
    },
  ];

  const steps: DemoStep[] = [
    {
      source: 'okta',
      title: `joins: ${p.ada.name}, ${p.alan.name} (one delivery, user.lifecycle.create + activate)`,
      accept: accepted,
      people: [p.ada, p.alan],
      build: (s) =>
        s.okta([
          { eventType: 'user.lifecycle.create', email: p.ada.email, name: p.ada.name },
          { eventType: 'user.lifecycle.activate', email: p.alan.email, name: p.alan.name },
        ]),
    },
    {
      source: 'okta',
      title: `profile update: ${p.tim.name} → Sir Tim Berners-Lee (user.account.update_profile)`,
      accept: accepted,
      people: [p.tim],
      build: (s) =>
        s.okta([{ eventType: 'user.account.update_profile', email: p.tim.email, name: 'Sir Tim Berners-Lee' }]),
    },
    {
      source: 'hr',
      title: `join: ${p.katherine.name} (user.joined)`,
      accept: accepted,
      people: [p.katherine],
      build: (s) => {
        katherineJoin = s.hr('user.joined', { email: p.katherine.email, name: p.katherine.name, role: 'MEMBER' });
        return katherineJoin;
      },
    },
    {
      source: 'hr',
      title: `duplicate delivery: the same user.joined again (same webhook-id, re-signed)`,
      accept: accepted,
      people: [p.katherine],
      build: (s) => (katherineJoin ? s.hrRedelivery(katherineJoin) : undefined),
    },
    {
      source: 'hr',
      title: `profile update: ${p.grace.name} → Grace Brewster Hopper (user.updated)`,
      accept: accepted,
      people: [p.grace],
      build: (s) => s.hr('user.updated', { email: p.grace.email, name: 'Grace Brewster Hopper' }),
    },
    {
      source: 'workos',
      title: `join: ${p.hedy.name}, in the directory group "${LOCAL_ROLE_GROUP}" (dsync.user.created, 3 min ago)`,
      accept: accepted,
      people: [p.hedy],
      build: (s) =>
        s.workos(
          'dsync.user.created',
          {
            ...hedyUser,
            lastName: 'Kiesler',
            groups: [{ id: `directory_group_01DEMODS${run.slice(0, 6).toUpperCase()}`, name: LOCAL_ROLE_GROUP }],
          },
          { createdAt: minutesAgo(3) },
        ),
    },
    {
      source: 'workos',
      title: `profile update: Hedy Kiesler → ${p.hedy.name} (dsync.user.updated, 1 min ago)`,
      accept: accepted,
      people: [p.hedy],
      build: (s) =>
        s.workos(
          'dsync.user.updated',
          { ...hedyUser, previous: { last_name: 'Kiesler' } },
          { createdAt: minutesAgo(1) },
        ),
    },
    {
      source: 'workos',
      title: 'out-of-order late event: an older update (2 min ago) arrives last — must not win',
      accept: accepted,
      people: [p.hedy],
      build: (s) =>
        s.workos(
          'dsync.user.updated',
          { ...hedyUser, lastName: 'Kiesler-Markey', previous: { last_name: 'Kiesler' } },
          { createdAt: minutesAgo(2) },
        ),
    },
    {
      source: 'bamboohr',
      title: `join: ${p.joan.name} (employee.created)`,
      accept: accepted,
      people: [p.joan],
      build: (s) =>
        s.bamboohr('employee.created', {
          id: joanEmployeeId,
          fields: { firstName: 'Joan', lastName: 'Clarke', workEmail: p.joan.email, status: 'Active' },
        }),
    },
    {
      source: 'hr',
      title: `bulk leave: ${p.margaret.name}, ${p.dennis.name}, ${p.ken.name} (users.left)`,
      accept: accepted,
      people: [p.margaret, p.dennis, p.ken],
      build: (s) => s.hr('users.left', { emails: [p.margaret.email, p.dennis.email, p.ken.email] }),
    },
    {
      source: 'entra',
      title: `disable: ${p.radia.name} (SCIM PATCH active "False")`,
      accept: [200, 204],
      people: [p.radia],
      build: (s, state) => {
        const id = state.scimIds.get(p.radia.email);
        return id === undefined ? undefined : s.scimDisable(id);
      },
    },
    {
      source: 'hr',
      title: `invitation resend: ${p.linus.name} (user.invitation.resend)`,
      accept: accepted,
      people: [p.linus],
      build: (s) => s.hr('user.invitation.resend', { email: p.linus.email }),
    },
    {
      source: 'hr',
      title: `rehire under a deleted email: ${p.barbara.name} (user.joined) — must fail permanently`,
      accept: accepted,
      people: [p.barbara],
      build: (s) => s.hr('user.joined', { email: p.barbara.email, name: p.barbara.name }),
    },
  ];

  const invited = (who: DemoPerson, name?: string): DemoExpectation => ({
    person: who,
    state: name === undefined ? 'INVITED' : `INVITED as ${name}`,
    holds: (now) => now?.status === 'INVITED' && (name === undefined || now.name === name),
  });
  const renamed = (who: DemoPerson, name: string): DemoExpectation => ({
    person: who,
    state: `renamed ${name}`,
    holds: (now) => now?.name === name,
  });
  const gone = (who: DemoPerson): DemoExpectation => ({
    person: who,
    state: 'DELETED',
    holds: (now) => now?.status === 'DELETED',
  });
  const expected = {
    setup: [{ person: p.radia, state: 'provisioned', holds: (now: UserRecord | undefined) => now !== undefined }],
    steps: [
      invited(p.ada),
      invited(p.alan),
      renamed(p.tim, 'Sir Tim Berners-Lee'),
      invited(p.katherine),
      renamed(p.grace, 'Grace Brewster Hopper'),
      // Her newest name: the create and the update applied (the late, older update can change nothing).
      invited(p.hedy, p.hedy.name),
      invited(p.joan),
      gone(p.margaret),
      gone(p.dennis),
      gone(p.ken),
      gone(p.radia),
      {
        person: p.linus,
        state: 'invitation resent',
        holds: (now: UserRecord | undefined, before: UserRecord | undefined) =>
          (now?.invitationsSent ?? 0) > (before?.invitationsSent ?? 0),
      },
      // Her email was deleted for good: only the DLQ settles her.
      { person: p.barbara, state: 'in the DLQ', holds: () => false },
    ],
  };

  const check = (outcome: DemoOutcome): DemoCheck[] => {
    const after = (who: DemoPerson) => outcome.after.find((u) => u.email === who.email);
    const before = (who: DemoPerson) => outcome.before.find((u) => u.email === who.email);
    const creates = outcome.calls['users.create'];
    // The rehire's create is refused (409); every other create call must be one of the joiners.
    const successfulCreates = (creates?.total ?? 0) - (creates?.byStatus['409'] ?? 0);
    const created = (who: DemoPerson) => after(who)?.status === 'INVITED' && before(who) === undefined;
    const deleted = (who: DemoPerson) => after(who)?.status === 'DELETED';
    const dead = outcome.deadLetters.filter((d) => d.email === p.barbara.email);
    const joiners = [p.ada, p.alan, p.katherine, p.hedy, p.joan];
    return [
      {
        ok: joiners.every(created),
        text: `joins from Okta, HR, WorkOS and BambooHR: ${joiners.filter(created).length}/${joiners.length} invited`,
      },
      {
        ok: after(p.tim)?.name === 'Sir Tim Berners-Lee' && after(p.grace)?.name === 'Grace Brewster Hopper',
        text: 'profile updates from Okta and HR applied',
      },
      {
        ok: created(p.katherine) && successfulCreates === joiners.length,
        text: `the duplicate HR delivery was applied once (${successfulCreates} successful creates for ${joiners.length} joiners)`,
      },
      {
        ok: after(p.hedy)?.name === p.hedy.name,
        text: `the late WorkOS update did not overwrite the newer name (now "${after(p.hedy)?.name ?? '?'}")`,
      },
      {
        // Issue #18: the role policy maps her WorkOS group to a custom RBAC role of the account (the local stack's
        // default ROLE_POLICY; a stack started with another ROLE_POLICY fails this check, saying what it got).
        ok: hasCustomRole(after(p.hedy), LOCAL_CUSTOM_ROLE.id),
        text: `${p.hedy.name} was created with the custom role "${LOCAL_CUSTOM_ROLE.name}" her WorkOS group "${LOCAL_ROLE_GROUP}" maps to (got ${roleText(after(p.hedy))})`,
      },
      {
        ok: [p.margaret, p.dennis, p.ken].every(deleted),
        text: 'the HR bulk leave removed all three people',
      },
      { ok: deleted(p.radia), text: 'the Entra disable removed the SCIM user' },
      {
        ok: (after(p.linus)?.invitationsSent ?? 0) > (before(p.linus)?.invitationsSent ?? 0),
        text: `the invitation was resent (${before(p.linus)?.invitationsSent ?? 0} → ${after(p.linus)?.invitationsSent ?? 0} sent)`,
      },
      {
        ok: dead.length === 1 && deleted(p.barbara),
        text: `the rehire under a deleted email is in the DLQ with its reason${dead[0] ? ` (${dead[0].reason})` : ''}`,
      },
    ];
  };

  return { domain, people: p, seed, setup, steps, expected, check };
}
