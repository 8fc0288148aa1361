/**
 * The local stack's typed errors. Each one carries a `hint` saying how to fix it, so that `npm start` can print a
 * single line (what went wrong — what to do) and exit 1 instead of a stack trace.
 */

/**
 * Base class of every error the local stack reports itself.
 *
 * @example
 * try { await startLocalStack(options); } catch (e) { if (e instanceof LocalStackError) console.error(e.line()); }
 */
export class LocalStackError extends Error {
  constructor(
    message: string,
    /** How to fix it, one short sentence. */
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  /** The one line `npm start` prints: what, then how to fix it. */
  line(): string {
    return `${this.message} — ${this.hint}`;
  }
}

/**
 * An environment variable (or option) has a value the stack cannot use.
 *
 * @example
 * throw new LocalStackConfigError('HR_WEBHOOK_SECRET must start with whsec_', 'unset it to have one generated');
 */
export class LocalStackConfigError extends LocalStackError {}

/**
 * A port the stack needs is taken.
 *
 * @example
 * throw new PortInUseError('ingest', 'PORT', '127.0.0.1', 3000);
 */
export class PortInUseError extends LocalStackError {
  constructor(
    readonly part: string,
    readonly variable: string,
    readonly host: string,
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(
      `cannot start the ${part}: port ${port} on ${host} is already in use (${variable})`,
      `stop whatever listens there (e.g. another npm start), or set ${variable} to a free port`,
      options,
    );
  }
}

/**
 * A port could not be bound for another reason than being in use (permission, bad address).
 *
 * @example
 * throw new ListenError('ingest', 'PORT', '127.0.0.1', 80, cause);
 */
export class ListenError extends LocalStackError {
  constructor(part: string, variable: string, host: string, port: number, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? (cause as Error | undefined)?.message;
    super(
      `cannot start the ${part} on ${host}:${port} (${code ?? 'unknown error'})`,
      code === 'EACCES'
        ? `choose a port above 1023 with ${variable}`
        : `check HOST and ${variable}, or set ${variable} to another port`,
      { cause },
    );
  }
}

/**
 * An external service named by the environment (SQS_ENDPOINT, DYNAMODB_ENDPOINT, ARIZE_BASE_URL) does not answer or
 * refuses the stack.
 *
 * @example
 * throw new EndpointUnreachableError('SQS_ENDPOINT', 'http://127.0.0.1:4566', 'ECONNREFUSED');
 */
export class EndpointUnreachableError extends LocalStackError {
  constructor(
    readonly variable: string,
    readonly endpoint: string,
    reason: string,
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${variable}=${endpoint} is unreachable (${reason})`,
      hint ?? `start that service, fix ${variable}, or unset ${variable} to use the embedded one`,
      options,
    );
  }
}

/**
 * A second stack was started in a process that already hosts one: the handlers read their configuration from
 * `process.env` when they load, so a process hosts one stack at a time.
 *
 * @example
 * throw new StackAlreadyRunningError();
 */
export class StackAlreadyRunningError extends LocalStackError {
  constructor() {
    super(
      'a local stack is already running in this process',
      'stop it first (await stack.stop()); one process hosts one stack at a time',
    );
  }
}
