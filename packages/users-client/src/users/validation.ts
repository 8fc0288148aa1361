import type { z } from 'zod';
import { InvalidResponseError, type ResponseIssue, type UsersApiErrorInit, ValidationError } from '../errors';

/** zod issue paths as `users[3].created_at`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function issuesOf(error: z.ZodError, root: string): ResponseIssue[] {
  return error.issues.map((i) => ({ path: formatPath(i.path) || root, message: i.message }));
}

const summary = (issues: ResponseIssue[]) =>
  issues
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ') + (issues.length > 5 ? `; and ${issues.length - 5} more` : '');

/**
 * Caller input checked against `schema`; a {@link ValidationError} naming every bad parameter otherwise (values are
 * not quoted: they may be email addresses).
 *
 * @example
 * parseInput(UpdateParamsSchema, { userId: 'x' }, 'users.update') // throws ValidationError
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, operation: string): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues = issuesOf(result.error, '(params)');
  throw new ValidationError({ operation, issues, message: `${operation}: invalid input — ${summary(issues)}` });
}

/**
 * A response body checked against its wire schema; an {@link InvalidResponseError} naming the field otherwise.
 *
 * @example
 * parseResponse(UserWireSchema, body, { operation: 'users.get' })
 */
export function parseResponse<S extends z.ZodType>(schema: S, body: unknown, context: UsersApiErrorInit): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = issuesOf(result.error, '(body)');
  throw new InvalidResponseError({
    ...context,
    issues,
    message: `${context.operation}: the response broke the contract — ${summary(issues)}`,
  });
}
