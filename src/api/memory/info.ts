import { mnemoVersion } from '../../config/projectRoot.js';
import type { GetInfoResponse } from '../../generated/mnemo/v1/GetInfoResponse.js';
import type { IndexInfo } from '../../generated/mnemo/v1/IndexInfo.js';
import type { KindInfo, MemoryInfo } from '../../services/memory/MemoryService.js';
import type { CodecLimits } from './codec.js';

/** What GetInfo reports beside the indexes: the settings searches are served with. */
export interface InfoSettings {
  readonly targetRecall: number;
}

/** GetInfo's answer: the indexes as they are now, and the limits and settings calls meet. */
export function encodeInfo(
  info: MemoryInfo,
  settings: CodecLimits & InfoSettings,
): GetInfoResponse {
  return {
    dimension: info.dimension,
    vector_precision: info.vectorPrecision,
    distance: 'cosine',
    index_engine: info.engine,
    version: mnemoVersion(),
    max_k: settings.maxK,
    max_batch: settings.maxBatch,
    target_recall: settings.targetRecall,
    episodic: encodeKind(info.episodic),
    semantic: encodeKind(info.semantic),
  };
}

function encodeKind(kind: KindInfo): IndexInfo {
  return {
    memories: kind.memories,
    ef_default: kind.efDefault,
    filtered_ef_scale: kind.filteredEfScale,
    recall_estimate: kind.recallEstimate,
    hnsw_m: kind.hnswM,
    hnsw_ef_construction: kind.hnswEfConstruction,
    exact_search_max_candidates: kind.exactSearchMaxCandidates,
  };
}
