import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Any as _google_protobuf_Any, Any__Output as _google_protobuf_Any__Output } from './google/protobuf/Any.js';
import type { BatchSearchEpisodicRequest as _mnemo_v1_BatchSearchEpisodicRequest, BatchSearchEpisodicRequest__Output as _mnemo_v1_BatchSearchEpisodicRequest__Output } from './mnemo/v1/BatchSearchEpisodicRequest.js';
import type { BatchSearchEpisodicResponse as _mnemo_v1_BatchSearchEpisodicResponse, BatchSearchEpisodicResponse__Output as _mnemo_v1_BatchSearchEpisodicResponse__Output } from './mnemo/v1/BatchSearchEpisodicResponse.js';
import type { DeleteEpisodicByFilterRequest as _mnemo_v1_DeleteEpisodicByFilterRequest, DeleteEpisodicByFilterRequest__Output as _mnemo_v1_DeleteEpisodicByFilterRequest__Output } from './mnemo/v1/DeleteEpisodicByFilterRequest.js';
import type { DeleteEpisodicByFilterResponse as _mnemo_v1_DeleteEpisodicByFilterResponse, DeleteEpisodicByFilterResponse__Output as _mnemo_v1_DeleteEpisodicByFilterResponse__Output } from './mnemo/v1/DeleteEpisodicByFilterResponse.js';
import type { DeleteEpisodicRequest as _mnemo_v1_DeleteEpisodicRequest, DeleteEpisodicRequest__Output as _mnemo_v1_DeleteEpisodicRequest__Output } from './mnemo/v1/DeleteEpisodicRequest.js';
import type { DeleteEpisodicResponse as _mnemo_v1_DeleteEpisodicResponse, DeleteEpisodicResponse__Output as _mnemo_v1_DeleteEpisodicResponse__Output } from './mnemo/v1/DeleteEpisodicResponse.js';
import type { DeleteSemanticRequest as _mnemo_v1_DeleteSemanticRequest, DeleteSemanticRequest__Output as _mnemo_v1_DeleteSemanticRequest__Output } from './mnemo/v1/DeleteSemanticRequest.js';
import type { DeleteSemanticResponse as _mnemo_v1_DeleteSemanticResponse, DeleteSemanticResponse__Output as _mnemo_v1_DeleteSemanticResponse__Output } from './mnemo/v1/DeleteSemanticResponse.js';
import type { EpisodicFilter as _mnemo_v1_EpisodicFilter, EpisodicFilter__Output as _mnemo_v1_EpisodicFilter__Output } from './mnemo/v1/EpisodicFilter.js';
import type { EpisodicHit as _mnemo_v1_EpisodicHit, EpisodicHit__Output as _mnemo_v1_EpisodicHit__Output } from './mnemo/v1/EpisodicHit.js';
import type { EpisodicMemory as _mnemo_v1_EpisodicMemory, EpisodicMemory__Output as _mnemo_v1_EpisodicMemory__Output } from './mnemo/v1/EpisodicMemory.js';
import type { GetEpisodicRequest as _mnemo_v1_GetEpisodicRequest, GetEpisodicRequest__Output as _mnemo_v1_GetEpisodicRequest__Output } from './mnemo/v1/GetEpisodicRequest.js';
import type { GetEpisodicResponse as _mnemo_v1_GetEpisodicResponse, GetEpisodicResponse__Output as _mnemo_v1_GetEpisodicResponse__Output } from './mnemo/v1/GetEpisodicResponse.js';
import type { GetInfoRequest as _mnemo_v1_GetInfoRequest, GetInfoRequest__Output as _mnemo_v1_GetInfoRequest__Output } from './mnemo/v1/GetInfoRequest.js';
import type { GetInfoResponse as _mnemo_v1_GetInfoResponse, GetInfoResponse__Output as _mnemo_v1_GetInfoResponse__Output } from './mnemo/v1/GetInfoResponse.js';
import type { GetSemanticRequest as _mnemo_v1_GetSemanticRequest, GetSemanticRequest__Output as _mnemo_v1_GetSemanticRequest__Output } from './mnemo/v1/GetSemanticRequest.js';
import type { GetSemanticResponse as _mnemo_v1_GetSemanticResponse, GetSemanticResponse__Output as _mnemo_v1_GetSemanticResponse__Output } from './mnemo/v1/GetSemanticResponse.js';
import type { IndexInfo as _mnemo_v1_IndexInfo, IndexInfo__Output as _mnemo_v1_IndexInfo__Output } from './mnemo/v1/IndexInfo.js';
import type { ListSemanticRequest as _mnemo_v1_ListSemanticRequest, ListSemanticRequest__Output as _mnemo_v1_ListSemanticRequest__Output } from './mnemo/v1/ListSemanticRequest.js';
import type { ListSemanticResponse as _mnemo_v1_ListSemanticResponse, ListSemanticResponse__Output as _mnemo_v1_ListSemanticResponse__Output } from './mnemo/v1/ListSemanticResponse.js';
import type { MemoryServiceClient as _mnemo_v1_MemoryServiceClient, MemoryServiceDefinition as _mnemo_v1_MemoryServiceDefinition } from './mnemo/v1/MemoryService.js';
import type { NumericRange as _mnemo_v1_NumericRange, NumericRange__Output as _mnemo_v1_NumericRange__Output } from './mnemo/v1/NumericRange.js';
import type { Ranking as _mnemo_v1_Ranking, Ranking__Output as _mnemo_v1_Ranking__Output } from './mnemo/v1/Ranking.js';
import type { RecentEpisodicRequest as _mnemo_v1_RecentEpisodicRequest, RecentEpisodicRequest__Output as _mnemo_v1_RecentEpisodicRequest__Output } from './mnemo/v1/RecentEpisodicRequest.js';
import type { RecentEpisodicResponse as _mnemo_v1_RecentEpisodicResponse, RecentEpisodicResponse__Output as _mnemo_v1_RecentEpisodicResponse__Output } from './mnemo/v1/RecentEpisodicResponse.js';
import type { RpcStatus as _mnemo_v1_RpcStatus, RpcStatus__Output as _mnemo_v1_RpcStatus__Output } from './mnemo/v1/RpcStatus.js';
import type { ScoreTerm as _mnemo_v1_ScoreTerm, ScoreTerm__Output as _mnemo_v1_ScoreTerm__Output } from './mnemo/v1/ScoreTerm.js';
import type { SearchEpisodicRequest as _mnemo_v1_SearchEpisodicRequest, SearchEpisodicRequest__Output as _mnemo_v1_SearchEpisodicRequest__Output } from './mnemo/v1/SearchEpisodicRequest.js';
import type { SearchEpisodicResponse as _mnemo_v1_SearchEpisodicResponse, SearchEpisodicResponse__Output as _mnemo_v1_SearchEpisodicResponse__Output } from './mnemo/v1/SearchEpisodicResponse.js';
import type { SearchSemanticRequest as _mnemo_v1_SearchSemanticRequest, SearchSemanticRequest__Output as _mnemo_v1_SearchSemanticRequest__Output } from './mnemo/v1/SearchSemanticRequest.js';
import type { SearchSemanticResponse as _mnemo_v1_SearchSemanticResponse, SearchSemanticResponse__Output as _mnemo_v1_SearchSemanticResponse__Output } from './mnemo/v1/SearchSemanticResponse.js';
import type { SemanticFilter as _mnemo_v1_SemanticFilter, SemanticFilter__Output as _mnemo_v1_SemanticFilter__Output } from './mnemo/v1/SemanticFilter.js';
import type { SemanticHit as _mnemo_v1_SemanticHit, SemanticHit__Output as _mnemo_v1_SemanticHit__Output } from './mnemo/v1/SemanticHit.js';
import type { SemanticMemory as _mnemo_v1_SemanticMemory, SemanticMemory__Output as _mnemo_v1_SemanticMemory__Output } from './mnemo/v1/SemanticMemory.js';
import type { SemanticRanking as _mnemo_v1_SemanticRanking, SemanticRanking__Output as _mnemo_v1_SemanticRanking__Output } from './mnemo/v1/SemanticRanking.js';
import type { UpsertEpisodicRequest as _mnemo_v1_UpsertEpisodicRequest, UpsertEpisodicRequest__Output as _mnemo_v1_UpsertEpisodicRequest__Output } from './mnemo/v1/UpsertEpisodicRequest.js';
import type { UpsertEpisodicResponse as _mnemo_v1_UpsertEpisodicResponse, UpsertEpisodicResponse__Output as _mnemo_v1_UpsertEpisodicResponse__Output } from './mnemo/v1/UpsertEpisodicResponse.js';
import type { UpsertSemanticRequest as _mnemo_v1_UpsertSemanticRequest, UpsertSemanticRequest__Output as _mnemo_v1_UpsertSemanticRequest__Output } from './mnemo/v1/UpsertSemanticRequest.js';
import type { UpsertSemanticResponse as _mnemo_v1_UpsertSemanticResponse, UpsertSemanticResponse__Output as _mnemo_v1_UpsertSemanticResponse__Output } from './mnemo/v1/UpsertSemanticResponse.js';
import type { Vector as _mnemo_v1_Vector, Vector__Output as _mnemo_v1_Vector__Output } from './mnemo/v1/Vector.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Any: MessageTypeDefinition<_google_protobuf_Any, _google_protobuf_Any__Output>
    }
  }
  mnemo: {
    v1: {
      BatchSearchEpisodicRequest: MessageTypeDefinition<_mnemo_v1_BatchSearchEpisodicRequest, _mnemo_v1_BatchSearchEpisodicRequest__Output>
      BatchSearchEpisodicResponse: MessageTypeDefinition<_mnemo_v1_BatchSearchEpisodicResponse, _mnemo_v1_BatchSearchEpisodicResponse__Output>
      DeleteEpisodicByFilterRequest: MessageTypeDefinition<_mnemo_v1_DeleteEpisodicByFilterRequest, _mnemo_v1_DeleteEpisodicByFilterRequest__Output>
      DeleteEpisodicByFilterResponse: MessageTypeDefinition<_mnemo_v1_DeleteEpisodicByFilterResponse, _mnemo_v1_DeleteEpisodicByFilterResponse__Output>
      DeleteEpisodicRequest: MessageTypeDefinition<_mnemo_v1_DeleteEpisodicRequest, _mnemo_v1_DeleteEpisodicRequest__Output>
      DeleteEpisodicResponse: MessageTypeDefinition<_mnemo_v1_DeleteEpisodicResponse, _mnemo_v1_DeleteEpisodicResponse__Output>
      DeleteSemanticRequest: MessageTypeDefinition<_mnemo_v1_DeleteSemanticRequest, _mnemo_v1_DeleteSemanticRequest__Output>
      DeleteSemanticResponse: MessageTypeDefinition<_mnemo_v1_DeleteSemanticResponse, _mnemo_v1_DeleteSemanticResponse__Output>
      EpisodicFilter: MessageTypeDefinition<_mnemo_v1_EpisodicFilter, _mnemo_v1_EpisodicFilter__Output>
      EpisodicHit: MessageTypeDefinition<_mnemo_v1_EpisodicHit, _mnemo_v1_EpisodicHit__Output>
      EpisodicMemory: MessageTypeDefinition<_mnemo_v1_EpisodicMemory, _mnemo_v1_EpisodicMemory__Output>
      GetEpisodicRequest: MessageTypeDefinition<_mnemo_v1_GetEpisodicRequest, _mnemo_v1_GetEpisodicRequest__Output>
      GetEpisodicResponse: MessageTypeDefinition<_mnemo_v1_GetEpisodicResponse, _mnemo_v1_GetEpisodicResponse__Output>
      GetInfoRequest: MessageTypeDefinition<_mnemo_v1_GetInfoRequest, _mnemo_v1_GetInfoRequest__Output>
      GetInfoResponse: MessageTypeDefinition<_mnemo_v1_GetInfoResponse, _mnemo_v1_GetInfoResponse__Output>
      GetSemanticRequest: MessageTypeDefinition<_mnemo_v1_GetSemanticRequest, _mnemo_v1_GetSemanticRequest__Output>
      GetSemanticResponse: MessageTypeDefinition<_mnemo_v1_GetSemanticResponse, _mnemo_v1_GetSemanticResponse__Output>
      IndexInfo: MessageTypeDefinition<_mnemo_v1_IndexInfo, _mnemo_v1_IndexInfo__Output>
      ListSemanticRequest: MessageTypeDefinition<_mnemo_v1_ListSemanticRequest, _mnemo_v1_ListSemanticRequest__Output>
      ListSemanticResponse: MessageTypeDefinition<_mnemo_v1_ListSemanticResponse, _mnemo_v1_ListSemanticResponse__Output>
      MemoryService: SubtypeConstructor<typeof grpc.Client, _mnemo_v1_MemoryServiceClient> & { service: _mnemo_v1_MemoryServiceDefinition }
      MemoryType: EnumTypeDefinition
      NumericRange: MessageTypeDefinition<_mnemo_v1_NumericRange, _mnemo_v1_NumericRange__Output>
      Ranking: MessageTypeDefinition<_mnemo_v1_Ranking, _mnemo_v1_Ranking__Output>
      RecentEpisodicRequest: MessageTypeDefinition<_mnemo_v1_RecentEpisodicRequest, _mnemo_v1_RecentEpisodicRequest__Output>
      RecentEpisodicResponse: MessageTypeDefinition<_mnemo_v1_RecentEpisodicResponse, _mnemo_v1_RecentEpisodicResponse__Output>
      RecentOrder: EnumTypeDefinition
      RpcStatus: MessageTypeDefinition<_mnemo_v1_RpcStatus, _mnemo_v1_RpcStatus__Output>
      ScoreTerm: MessageTypeDefinition<_mnemo_v1_ScoreTerm, _mnemo_v1_ScoreTerm__Output>
      SearchEpisodicRequest: MessageTypeDefinition<_mnemo_v1_SearchEpisodicRequest, _mnemo_v1_SearchEpisodicRequest__Output>
      SearchEpisodicResponse: MessageTypeDefinition<_mnemo_v1_SearchEpisodicResponse, _mnemo_v1_SearchEpisodicResponse__Output>
      SearchSemanticRequest: MessageTypeDefinition<_mnemo_v1_SearchSemanticRequest, _mnemo_v1_SearchSemanticRequest__Output>
      SearchSemanticResponse: MessageTypeDefinition<_mnemo_v1_SearchSemanticResponse, _mnemo_v1_SearchSemanticResponse__Output>
      SemanticFilter: MessageTypeDefinition<_mnemo_v1_SemanticFilter, _mnemo_v1_SemanticFilter__Output>
      SemanticHit: MessageTypeDefinition<_mnemo_v1_SemanticHit, _mnemo_v1_SemanticHit__Output>
      SemanticMemory: MessageTypeDefinition<_mnemo_v1_SemanticMemory, _mnemo_v1_SemanticMemory__Output>
      SemanticOrder: EnumTypeDefinition
      SemanticRanking: MessageTypeDefinition<_mnemo_v1_SemanticRanking, _mnemo_v1_SemanticRanking__Output>
      UpsertEpisodicRequest: MessageTypeDefinition<_mnemo_v1_UpsertEpisodicRequest, _mnemo_v1_UpsertEpisodicRequest__Output>
      UpsertEpisodicResponse: MessageTypeDefinition<_mnemo_v1_UpsertEpisodicResponse, _mnemo_v1_UpsertEpisodicResponse__Output>
      UpsertSemanticRequest: MessageTypeDefinition<_mnemo_v1_UpsertSemanticRequest, _mnemo_v1_UpsertSemanticRequest__Output>
      UpsertSemanticResponse: MessageTypeDefinition<_mnemo_v1_UpsertSemanticResponse, _mnemo_v1_UpsertSemanticResponse__Output>
      Vector: MessageTypeDefinition<_mnemo_v1_Vector, _mnemo_v1_Vector__Output>
    }
  }
}

