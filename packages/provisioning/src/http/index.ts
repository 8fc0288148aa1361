export type { IngestRequest, IngestResponse } from './types';
