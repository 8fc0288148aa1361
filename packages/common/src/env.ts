import * as z from 'zod/mini';
import { useEnglishZodMessages } from './zod-locale';

// A misconfigured Lambda's INIT error quotes these readers' issues: worded as classic zod words them.
useEnglishZodMessages();

/**
 * Readers of environment variables for zod/mini object schemas: every function validates its whole environment in
 * one `safeParse` and lists every wrong variable at once (see {@link describeEnvIssues}).
 */
/** A variable's value, trimmed; unset or blank is `undefined`. */
export const optionalString = z.pipe(
  z.optional(z.string()),
  z.transform((value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim())),
);

/** `optionalString`, then `fn` (a variable's default or conversion). */
export function readOptional<T>(fn: (value: string | undefined, ctx: z.core.ParsePayload) => T) {
  return z.pipe(optionalString, z.transform(fn));
}

/**
 * An http(s) URL, checked by shape only: fauxqs queue URLs (`http://sqs.us-east-1.127.0.0.1:4566/…`) are not valid
 * WHATWG URLs (a numeric last label), yet they are what the SQS client needs.
 */
export function httpUrl(message: string) {
  return z.string().check(z.regex(/^https?:\/\/[^\s/?#]+(\/\S*)?$/, { message }));
}

export const list = readOptional((value) =>
  value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

export function integer(min: number, max: number, unit: string) {
  return (value: string, ctx: z.core.ParsePayload): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      // zod/mini's transform context has no addIssue: the issue goes on the payload as addIssue would put it.
      ctx.issues.push({
        code: 'custom',
        message: `must be a whole number of ${unit} from ${min} to ${max}`,
        input: value,
      });
      return z.NEVER;
    }
    return n;
  };
}

export function seconds(defaultSeconds: number, max: number) {
  const read = integer(1, max, 'seconds');
  return readOptional((value, ctx) => (value === undefined ? defaultSeconds : read(value, ctx)) * 1000);
}

/** `optionalString` checked by `schema` when set, then `fn` (a variable's default). */
export function readAs<S extends z.ZodMiniType<string, string>, T>(
  schema: S,
  fn: (value: z.output<S> | undefined) => T,
) {
  return z.pipe(z.pipe(optionalString, z.optional(schema)), z.transform(fn));
}

/**
 * One line per issue, `VARIABLE: what is wrong`, in the order the schema lists the variables.
 *
 * @example
 * if (!parsed.success) problems.push(...describeEnvIssues(parsed.error.issues));
 */
export function describeEnvIssues(
  issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[],
): string[] {
  return issues.map((issue) => `${issue.path.map(String).join('.') || '(environment)'}: ${issue.message}`);
}
