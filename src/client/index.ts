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
/** A ranked search's ranking, and the terms of a ranked hit's score (`explain`). */
export type { Ranking } from '../generated/mnemo/v1/Ranking.js';
export type { SemanticRanking } from '../generated/mnemo/v1/SemanticRanking.js';
export type { ScoreTerm__Output as ScoreTerm } from '../generated/mnemo/v1/ScoreTerm.js';
