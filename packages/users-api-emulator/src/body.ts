import type { IncomingMessage } from 'node:http';
import { MAX_JSON_DEPTH, parseUntrustedJson } from '@idp-sync/common';
import {
  BadRequestProblem,
  PayloadTooLargeProblem,
  UnsupportedMediaTypeProblem,
  UsersApiEmulatorError,
} from './errors';

/** The client went away while its body was being read: there is nobody left to answer. */
export class RequestAbortedError extends UsersApiEmulatorError {
  override name = 'RequestAbortedError';
}

/**
 * Reads a request body, refusing (413) as soon as it is known to be larger than `maxBytes`: from `Content-Length`
 * before reading anything, or while streaming a chunked body.
 *
 * @example
 * const raw = await readBody(req, 65_536);
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(new PayloadTooLargeProblem(maxBytes));
  }
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        reject(new PayloadTooLargeProblem(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (): void => {
      cleanup();
      reject(new RequestAbortedError('the request failed while its body was being read'));
    };
    const onClose = (): void => {
      if (req.readableEnded) return;
      cleanup();
      reject(new RequestAbortedError('the client closed the connection before sending the whole body'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

const isJsonMediaType = (contentType: string): boolean => {
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
};

/**
 * Reads and parses a JSON object body. A missing body is `undefined` when `required` is false, else a 400; a body
 * that is not JSON media type is a 415; JSON nested deeper than 64 levels (counted over the raw text before it is
 * parsed), bad JSON or a non-object is a 400. The objects it returns have no prototype: a `__proto__` key is plain
 * data, and a field the body does not hold is never found on `Object.prototype`.
 *
 * @example
 * const body = await readJsonObject(req, 65_536, true); // Record<string, unknown>
 */
export async function readJsonObject(
  req: IncomingMessage,
  maxBytes: number,
  required: boolean,
): Promise<Record<string, unknown> | undefined> {
  const raw = await readBody(req, maxBytes);
  if (raw.length === 0) {
    if (required) throw new BadRequestProblem('a JSON request body is required');
    return undefined;
  }
  const contentType = req.headers['content-type'] ?? '';
  if (!isJsonMediaType(contentType)) throw new UnsupportedMediaTypeProblem(contentType);
  const result = parseUntrustedJson(raw.toString('utf8'), MAX_JSON_DEPTH);
  if (!result.ok) {
    throw new BadRequestProblem(
      result.reason === 'too-deep'
        ? `the request body is ${result.detail}`
        : `the request body is not valid JSON (${result.error.message})`,
    );
  }
  const parsed = result.value;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BadRequestProblem('the request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}
