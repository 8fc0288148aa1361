/**
 * A configuration that cannot be used, with every problem found, one line each (`VARIABLE: what is wrong`): readers
 * collect all the problems before throwing, so a misconfigured Lambda fails at INIT naming everything to fix at once.
 * The message is the subject line, then one `  - problem` line per problem. A package subclasses it for its own
 * `name` and subject line (`WorkerConfigError`: "Invalid worker configuration").
 *
 * @example
 * const problems = describeEnvIssues(parsed.error.issues);
 * if (problems.length > 0) throw new ConfigError(problems, { subject: 'Invalid ingest configuration' });
 * // Invalid ingest configuration:
 * //   - QUEUE_URL: must be the URL of the SQS FIFO command queue
 */
export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';
  /** One line per problem, each naming the variable or setting to fix. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options: { readonly subject?: string; readonly cause?: unknown } = {}) {
    // Error takes `cause` from the options (and ignores `subject`).
    super(`${options.subject ?? 'Invalid configuration'}:\n  - ${problems.join('\n  - ')}`, options);
    this.problems = [...problems];
  }
}
