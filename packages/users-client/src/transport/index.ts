export { type HttpMethod, type HttpRequest, type HttpResponse, HttpTransport, type RequestOptions } from './http';
export { errorForStatus, type Problem, parseProblem } from './problem';
export { backoffDelay, mayHaveApplied, mayRetry, parseRetryAfter, type RetryEvent, type RetryPolicy } from './retry';
