/**
 * The TypeScript client of mnemo (`import { MnemoClient } from 'mnemo/client'` once built).
 */
export { MnemoClient, type ServingStatus } from './MnemoClient.js';
export { MnemoError, type StatusName } from './errors.js';
export type { ClientOptions, TlsOptions } from './options.js';
export type { CallOptions, MessageStream, ServiceApi } from './services.js';
export type { RequestStream } from './requestStream.js';
export { vectorValues, type VectorInput, type WithVectors } from './vectors.js';
export { statusDetails, type DecodedStatus } from './statusDetails.js';
export { BadLine, formatMemory, parseMemory, type Kind } from './jsonLines.js';
