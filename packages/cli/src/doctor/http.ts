/** One HTTP answer, read whole (small bodies only: the doctor's requests are answered in a few hundred bytes). */
export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
  /** The body as JSON, when it is JSON. */
  readonly json: unknown;
}

/** The request did not get an answer: the network code (`ECONNREFUSED`) or `timeout`. */
export interface HttpFailure {
  readonly failed: string;
}

const TIMEOUT_MS = 10_000;

/**
 * Sends one request and reads the answer, or says why there was none. Never throws for a network failure.
 *
 * @example
 * const answer = await httpRequest('http://127.0.0.1:3000/health');
 * if ('failed' in answer) console.log(answer.failed); // 'ECONNREFUSED'
 */
export async function httpRequest(url: string, init: RequestInit = {}): Promise<HttpAnswer | HttpFailure> {
  try {
    const response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json };
  } catch (error) {
    return { failed: failureCode(error) };
  }
}

function failureCode(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${TIMEOUT_MS / 1000} s`;
  }
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const record = current as { code?: unknown; errors?: unknown[]; cause?: unknown };
    if (typeof record.code === 'string') return record.code;
    for (const inner of Array.isArray(record.errors) ? record.errors : []) {
      const code = (inner as { code?: unknown }).code;
      if (typeof code === 'string') return code;
    }
    current = record.cause;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * The `detail` of a problem+json answer (ingest's and SCIM's name the failed check, never a secret), one line, short.
 *
 * @example
 * problemDetail({ status: 401, text: '', json: { detail: 'no webhook-signature matches the body' } }) // 'no webhook-…'
 */
export function problemDetail(answer: HttpAnswer): string | undefined {
  const json = answer.json as { detail?: unknown; message?: unknown } | undefined;
  const detail = typeof json?.detail === 'string' ? json.detail : typeof json?.message === 'string' ? json.message : '';
  const line = detail.replace(/\s+/g, ' ').trim();
  return line === '' ? undefined : line.length > 160 ? `${line.slice(0, 159)}…` : line;
}
