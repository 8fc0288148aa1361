import { inspect } from 'node:util';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  roles,
  UnprocessableEntityError,
  ValidationError,
} from '@idp-sync/users-client';
import { describe, expect, it } from 'vitest';
import { expectRejectedBeforeSending, page, problem, sequence, useServerAndClient, wireUser } from './server';

const { server, client } = useServerAndClient();

const ada = {
  name: ' Ada Lovelace ',
  email: 'ada@example.com',
  role: roles.member(),
  inviteMode: 'EMAIL_LINK',
} as const;

describe('roles helpers', () => {
  it('build the wire role shapes', () => {
    expect(roles.admin()).toEqual({ type: 'PREDEFINED', name: 'ADMIN' });
    expect(roles.member()).toEqual({ type: 'PREDEFINED', name: 'MEMBER' });
    expect(roles.annotator()).toEqual({ type: 'PREDEFINED', name: 'ANNOTATOR' });
    expect(roles.predefined('ADMIN')).toEqual(roles.admin());
    expect(roles.custom('Um9sZTox')).toEqual({ type: 'CUSTOM', id: 'Um9sZTox' });
  });
});

describe('users.create', () => {
  it('sends the wire body (upper-case enums, trimmed name, no is_developer unless set) and reports 201 as created', async () => {
    const u = wireUser({ email: 'ada@example.com', status: 'INVITED' });
    server().handle(() => ({ status: 201, body: { ...u, invite_mode: 'email_link' } }));
    const result = await client().users.create({ ...ada, inviteMode: 'email_link' as never });
    const req = server().requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v2/users');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toEqual({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      role: { type: 'PREDEFINED', name: 'MEMBER' },
      invite_mode: 'EMAIL_LINK',
    });
    expect(result).toMatchObject({
      created: true,
      inviteMode: 'EMAIL_LINK',
      attempts: 1,
      priorAttemptUncertain: false,
    });
    expect(result.user.status).toBe('INVITED');
    expect(result.temporaryPassword).toBeUndefined();
  });

  it('sends is_developer when given, including false, and a custom role by id only', async () => {
    server().handle(() => ({ status: 201, body: { ...wireUser(), invite_mode: 'NONE' } }));
    await client().users.create({
      ...ada,
      inviteMode: 'NONE',
      isDeveloper: false,
      role: { type: 'CUSTOM', id: 'Um9sZTox', name: 'ignored' } as never,
    });
    expect(server().requests[0]!.body).toMatchObject({ is_developer: false, role: { type: 'CUSTOM', id: 'Um9sZTox' } });
    expect((server().requests[0]!.body as { role: object }).role).not.toHaveProperty('name');
  });

  it('tells an existing pending invitation (200) from a new user (201)', async () => {
    const u = wireUser({ status: 'INVITED' });
    server().handle(() => ({ status: 200, body: u }));
    const result = await client().users.create(ada);
    expect(result.created).toBe(false);
    expect(result.inviteMode).toBeUndefined();
    expect(result.user.id).toBe(u.id);
    expect(result.toJSON()).toEqual(u);
  });

  it('keeps the temporary password for the caller (toJSON) but redacts it in inspect and toString', async () => {
    const u = wireUser({ status: 'INVITED' });
    server().handle(() => ({
      status: 201,
      body: { ...u, invite_mode: 'TEMPORARY_PASSWORD', temporary_password: 'Tmp-Pa55-word!' },
    }));
    const result = await client().users.create({ ...ada, inviteMode: 'TEMPORARY_PASSWORD' });
    expect(result.temporaryPassword).toBe('Tmp-Pa55-word!');
    expect(result.toJSON()).toEqual({ ...u, invite_mode: 'TEMPORARY_PASSWORD', temporary_password: 'Tmp-Pa55-word!' });
    expect(JSON.parse(JSON.stringify(result)).temporary_password).toBe('Tmp-Pa55-word!');
    expect(inspect(result)).not.toContain('Tmp-Pa55-word!');
    expect(inspect(result)).toContain('[REDACTED]');
    expect(String(result)).not.toContain('Tmp-Pa55-word!');
    expect(`${result}`).toContain('[REDACTED]');
  });

  it('rejects a 201 without invite_mode as an invalid response naming the field', async () => {
    server().handle(() => ({ status: 201, body: wireUser() }));
    await expect(client().users.create(ada)).rejects.toMatchObject({
      name: 'InvalidResponseError',
      field: 'invite_mode',
    });
  });

  it.each([
    [400, 'BadRequestError', BadRequestError],
    [403, 'ForbiddenError', ForbiddenError],
    [404, 'NotFoundError', NotFoundError],
    [409, 'ConflictError', ConflictError],
    [422, 'UnprocessableEntityError', UnprocessableEntityError],
  ])('maps %i to %s without retrying', async (status, _name, cls) => {
    server().handle(() => problem(status, 'Nope', 'user ada@example.com cannot be created'));
    const error = await client()
      .users.create(ada)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(cls);
    expect(server().requests).toHaveLength(1);
    // The server's detail quoted the address; it never reaches a message in full.
    expect((error as Error).message).not.toContain('ada@example.com');
    expect((error as Error).message).toContain('a***@example.com');
  });

  it.each([
    [{ ...ada, name: '   ' }, 'name'],
    [{ ...ada, name: 'x'.repeat(256) }, 'name'],
    [{ ...ada, email: 'not-an-email' }, 'email'],
    [{ ...ada, role: { type: 'PREDEFINED', name: 'OWNER' } }, 'role.name'],
    [{ ...ada, role: { type: 'CUSTOM' } }, 'role.id'],
    [{ ...ada, inviteMode: 'SMS' }, 'inviteMode'],
    [{ ...ada, isDeveloper: 'yes' }, 'isDeveloper'],
  ])('rejects invalid input before sending (%#)', async (params, field) => {
    const error = await client()
      .users.create(params as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toContain(field);
    expect(server().requests).toHaveLength(0);
  });

  it('retries a 503 and reports a 200 after it as not created, flagging the uncertain first attempt', async () => {
    const u = wireUser({ status: 'INVITED' });
    server().handle(sequence(problem(503, 'Unavailable'), { status: 200, body: u }));
    const result = await client().users.create({ ...ada, inviteMode: 'TEMPORARY_PASSWORD' });
    expect(server().requests).toHaveLength(2);
    expect(result).toMatchObject({ created: false, attempts: 2, priorAttemptUncertain: true });
    expect(result.temporaryPassword).toBeUndefined();
  });

  it('after a 429 (rejected before processing) a retried create is not flagged uncertain', async () => {
    server().handle(
      sequence(problem(429, 'Slow down'), { status: 201, body: { ...wireUser(), invite_mode: 'EMAIL_LINK' } }),
    );
    const result = await client().users.create(ada);
    expect(result).toMatchObject({ created: true, attempts: 2, priorAttemptUncertain: false });
  });

  it('NONE: a 409 after an uncertain attempt is reconciled by finding the user by email', async () => {
    const u = wireUser({ email: 'ada@example.com', status: 'ACTIVE' });
    server().handle((req) => {
      if (req.method === 'GET') return page([u]);
      return server().requests.filter((r) => r.method === 'POST').length === 1
        ? problem(500, 'Internal')
        : problem(409, 'Conflict');
    });
    const result = await client().users.create({ ...ada, inviteMode: 'NONE' });
    expect(result).toMatchObject({ created: false, resolvedConflict: true, priorAttemptUncertain: true });
    expect(result.user.id).toBe(u.id);
    expect(server().requests.map((r) => r.method)).toEqual(['POST', 'POST', 'GET']);
  });

  it('NONE: a 409 after an uncertain attempt stays a ConflictError when no user has the email (deleted for good)', async () => {
    server().handle((req) => {
      if (req.method === 'GET') return page([]);
      return server().requests.length === 1 ? 'destroy' : problem(409, 'Conflict');
    });
    const error = await client()
      .users.create({ ...ada, inviteMode: 'NONE' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ attempts: 2, priorAttemptUncertain: true });
  });

  it('NONE: a first-try 409, or one after a 429, is a real conflict (no lookup)', async () => {
    server().handle(() => problem(409, 'Conflict'));
    await expect(client().users.create({ ...ada, inviteMode: 'NONE' })).rejects.toBeInstanceOf(ConflictError);
    server().handle(sequence(problem(429, 'Slow down'), problem(409, 'Conflict')));
    await expect(client().users.create({ ...ada, inviteMode: 'NONE' })).rejects.toBeInstanceOf(ConflictError);
    expect(server().requests.map((r) => r.method)).toEqual(['POST', 'POST', 'POST']);
  });
});

describe('users.update', () => {
  it('PATCHes only the given fields and returns the user', async () => {
    const u = wireUser({ name: 'Ada L.' });
    server().handle(() => ({ status: 200, body: u }));
    const user = await client().users.update({ userId: u.id, name: ' Ada L. ' });
    expect(server().requests[0]).toMatchObject({ method: 'PATCH', path: `/v2/users/${encodeURIComponent(u.id)}` });
    expect(server().requests[0]!.body).toEqual({ name: 'Ada L.' });
    expect(user.name).toBe('Ada L.');
    await client().users.update({ userId: u.id, isDeveloper: false });
    expect(server().requests[1]!.body).toEqual({ is_developer: false });
  });

  it.each([
    [{ userId: 'VXNlcjox' }, '(params)'],
    [{ userId: 'VXNlcjox', name: '  ' }, 'name'],
    [{ userId: '', name: 'x' }, 'userId'],
    [{ userId: 'VXNlcjox', isDeveloper: 1 }, 'isDeveloper'],
  ])('rejects %j before sending', async (params, field) => {
    await expectRejectedBeforeSending(client().users.update(params as never), field, server());
  });

  it('maps 404 and 403', async () => {
    server().handle(() => problem(404, 'Not Found'));
    await expect(client().users.update({ userId: 'x', name: 'y' })).rejects.toBeInstanceOf(NotFoundError);
    server().handle(() => problem(403, 'Forbidden', 'changing is_developer needs account admin'));
    await expect(client().users.update({ userId: 'x', isDeveloper: true })).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('users.delete, resendInvitation, resetPassword', () => {
  it('DELETE /v2/users/{id} → 204; an already deleted user is 204 too', async () => {
    server().handle(() => ({ status: 204 }));
    await expect(client().users.delete({ userId: 'VXNlcjox' })).resolves.toBeUndefined();
    await expect(client().users.delete({ userId: 'VXNlcjox' })).resolves.toBeUndefined();
    expect(server().requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'DELETE /v2/users/VXNlcjox',
      'DELETE /v2/users/VXNlcjox',
    ]);
  });

  it('delete maps 404 to NotFoundError', async () => {
    server().handle(() => problem(404, 'Not Found'));
    await expect(client().users.delete({ userId: 'VXNlcjox' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('POSTs resend-invitation and reset-password without a body', async () => {
    server().handle(() => ({ status: 204 }));
    await client().users.resendInvitation({ userId: 'VXNlcjox' });
    await client().users.resetPassword({ userId: 'VXNlcjox' });
    expect(server().requests.map((r) => `${r.method} ${r.path} ${r.rawBody.length}`)).toEqual([
      'POST /v2/users/VXNlcjox/resend-invitation 0',
      'POST /v2/users/VXNlcjox/reset-password 0',
    ]);
    expect(server().requests[0]!.headers['content-type']).toBeUndefined();
  });

  it('maps 400 (already verified / SSO) to BadRequestError', async () => {
    server().handle(() => problem(400, 'Bad Request', 'user already verified'));
    await expect(client().users.resendInvitation({ userId: 'VXNlcjox' })).rejects.toBeInstanceOf(BadRequestError);
    await expect(client().users.resetPassword({ userId: 'VXNlcjox' })).rejects.toMatchObject({
      status: 400,
      detail: 'user already verified',
    });
  });

  it('rejects a missing userId before sending', async () => {
    await expect(client().users.delete({} as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(client().users.resendInvitation({ userId: ' ' })).rejects.toBeInstanceOf(ValidationError);
    await expect(client().users.resetPassword({ userId: 5 } as never)).rejects.toBeInstanceOf(ValidationError);
    expect(server().requests).toHaveLength(0);
  });
});
