// Original file: proto/mnemo/v1/memory.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BatchSearchEpisodicRequest as _mnemo_v1_BatchSearchEpisodicRequest, BatchSearchEpisodicRequest__Output as _mnemo_v1_BatchSearchEpisodicRequest__Output } from '../../mnemo/v1/BatchSearchEpisodicRequest.js';
import type { BatchSearchEpisodicResponse as _mnemo_v1_BatchSearchEpisodicResponse, BatchSearchEpisodicResponse__Output as _mnemo_v1_BatchSearchEpisodicResponse__Output } from '../../mnemo/v1/BatchSearchEpisodicResponse.js';
import type { DeleteEpisodicByFilterRequest as _mnemo_v1_DeleteEpisodicByFilterRequest, DeleteEpisodicByFilterRequest__Output as _mnemo_v1_DeleteEpisodicByFilterRequest__Output } from '../../mnemo/v1/DeleteEpisodicByFilterRequest.js';
import type { DeleteEpisodicByFilterResponse as _mnemo_v1_DeleteEpisodicByFilterResponse, DeleteEpisodicByFilterResponse__Output as _mnemo_v1_DeleteEpisodicByFilterResponse__Output } from '../../mnemo/v1/DeleteEpisodicByFilterResponse.js';
import type { DeleteEpisodicRequest as _mnemo_v1_DeleteEpisodicRequest, DeleteEpisodicRequest__Output as _mnemo_v1_DeleteEpisodicRequest__Output } from '../../mnemo/v1/DeleteEpisodicRequest.js';
import type { DeleteEpisodicResponse as _mnemo_v1_DeleteEpisodicResponse, DeleteEpisodicResponse__Output as _mnemo_v1_DeleteEpisodicResponse__Output } from '../../mnemo/v1/DeleteEpisodicResponse.js';
import type { DeleteSemanticRequest as _mnemo_v1_DeleteSemanticRequest, DeleteSemanticRequest__Output as _mnemo_v1_DeleteSemanticRequest__Output } from '../../mnemo/v1/DeleteSemanticRequest.js';
import type { DeleteSemanticResponse as _mnemo_v1_DeleteSemanticResponse, DeleteSemanticResponse__Output as _mnemo_v1_DeleteSemanticResponse__Output } from '../../mnemo/v1/DeleteSemanticResponse.js';
import type { GetEpisodicRequest as _mnemo_v1_GetEpisodicRequest, GetEpisodicRequest__Output as _mnemo_v1_GetEpisodicRequest__Output } from '../../mnemo/v1/GetEpisodicRequest.js';
import type { GetEpisodicResponse as _mnemo_v1_GetEpisodicResponse, GetEpisodicResponse__Output as _mnemo_v1_GetEpisodicResponse__Output } from '../../mnemo/v1/GetEpisodicResponse.js';
import type { GetInfoRequest as _mnemo_v1_GetInfoRequest, GetInfoRequest__Output as _mnemo_v1_GetInfoRequest__Output } from '../../mnemo/v1/GetInfoRequest.js';
import type { GetInfoResponse as _mnemo_v1_GetInfoResponse, GetInfoResponse__Output as _mnemo_v1_GetInfoResponse__Output } from '../../mnemo/v1/GetInfoResponse.js';
import type { GetSemanticRequest as _mnemo_v1_GetSemanticRequest, GetSemanticRequest__Output as _mnemo_v1_GetSemanticRequest__Output } from '../../mnemo/v1/GetSemanticRequest.js';
import type { GetSemanticResponse as _mnemo_v1_GetSemanticResponse, GetSemanticResponse__Output as _mnemo_v1_GetSemanticResponse__Output } from '../../mnemo/v1/GetSemanticResponse.js';
import type { ListSemanticRequest as _mnemo_v1_ListSemanticRequest, ListSemanticRequest__Output as _mnemo_v1_ListSemanticRequest__Output } from '../../mnemo/v1/ListSemanticRequest.js';
import type { ListSemanticResponse as _mnemo_v1_ListSemanticResponse, ListSemanticResponse__Output as _mnemo_v1_ListSemanticResponse__Output } from '../../mnemo/v1/ListSemanticResponse.js';
import type { RecentEpisodicRequest as _mnemo_v1_RecentEpisodicRequest, RecentEpisodicRequest__Output as _mnemo_v1_RecentEpisodicRequest__Output } from '../../mnemo/v1/RecentEpisodicRequest.js';
import type { RecentEpisodicResponse as _mnemo_v1_RecentEpisodicResponse, RecentEpisodicResponse__Output as _mnemo_v1_RecentEpisodicResponse__Output } from '../../mnemo/v1/RecentEpisodicResponse.js';
import type { SearchEpisodicRequest as _mnemo_v1_SearchEpisodicRequest, SearchEpisodicRequest__Output as _mnemo_v1_SearchEpisodicRequest__Output } from '../../mnemo/v1/SearchEpisodicRequest.js';
import type { SearchEpisodicResponse as _mnemo_v1_SearchEpisodicResponse, SearchEpisodicResponse__Output as _mnemo_v1_SearchEpisodicResponse__Output } from '../../mnemo/v1/SearchEpisodicResponse.js';
import type { SearchSemanticRequest as _mnemo_v1_SearchSemanticRequest, SearchSemanticRequest__Output as _mnemo_v1_SearchSemanticRequest__Output } from '../../mnemo/v1/SearchSemanticRequest.js';
import type { SearchSemanticResponse as _mnemo_v1_SearchSemanticResponse, SearchSemanticResponse__Output as _mnemo_v1_SearchSemanticResponse__Output } from '../../mnemo/v1/SearchSemanticResponse.js';
import type { UpsertEpisodicRequest as _mnemo_v1_UpsertEpisodicRequest, UpsertEpisodicRequest__Output as _mnemo_v1_UpsertEpisodicRequest__Output } from '../../mnemo/v1/UpsertEpisodicRequest.js';
import type { UpsertEpisodicResponse as _mnemo_v1_UpsertEpisodicResponse, UpsertEpisodicResponse__Output as _mnemo_v1_UpsertEpisodicResponse__Output } from '../../mnemo/v1/UpsertEpisodicResponse.js';
import type { UpsertSemanticRequest as _mnemo_v1_UpsertSemanticRequest, UpsertSemanticRequest__Output as _mnemo_v1_UpsertSemanticRequest__Output } from '../../mnemo/v1/UpsertSemanticRequest.js';
import type { UpsertSemanticResponse as _mnemo_v1_UpsertSemanticResponse, UpsertSemanticResponse__Output as _mnemo_v1_UpsertSemanticResponse__Output } from '../../mnemo/v1/UpsertSemanticResponse.js';

export interface MemoryServiceClient extends grpc.Client {
  BatchSearchEpisodic(argument: _mnemo_v1_BatchSearchEpisodicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_BatchSearchEpisodicResponse__Output>): grpc.ClientUnaryCall;
  BatchSearchEpisodic(argument: _mnemo_v1_BatchSearchEpisodicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_BatchSearchEpisodicResponse__Output>): grpc.ClientUnaryCall;
  BatchSearchEpisodic(argument: _mnemo_v1_BatchSearchEpisodicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_BatchSearchEpisodicResponse__Output>): grpc.ClientUnaryCall;
  BatchSearchEpisodic(argument: _mnemo_v1_BatchSearchEpisodicRequest, callback: grpc.requestCallback<_mnemo_v1_BatchSearchEpisodicResponse__Output>): grpc.ClientUnaryCall;
  batchSearchEpisodic(argument: _mnemo_v1_BatchSearchEpisodicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_BatchSearchEpisodicResponse__Output>): grpc.ClientUnaryCall;
  batchSearchEpisodic(argument: _mnemo_v1_BatchSearchEpisodicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_BatchSearchEpisodicResponse__Output>): grpc.ClientUnaryCall;
  batchSearchEpisodic(argument: _mnemo_v1_BatchSearchEpisodicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_BatchSearchEpisodicResponse__Output>): grpc.ClientUnaryCall;
  batchSearchEpisodic(argument: _mnemo_v1_BatchSearchEpisodicRequest, callback: grpc.requestCallback<_mnemo_v1_BatchSearchEpisodicResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteEpisodic(argument: _mnemo_v1_DeleteEpisodicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_DeleteEpisodicResponse__Output>): grpc.ClientUnaryCall;
  DeleteEpisodic(argument: _mnemo_v1_DeleteEpisodicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_DeleteEpisodicResponse__Output>): grpc.ClientUnaryCall;
  DeleteEpisodic(argument: _mnemo_v1_DeleteEpisodicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_DeleteEpisodicResponse__Output>): grpc.ClientUnaryCall;
  DeleteEpisodic(argument: _mnemo_v1_DeleteEpisodicRequest, callback: grpc.requestCallback<_mnemo_v1_DeleteEpisodicResponse__Output>): grpc.ClientUnaryCall;
  deleteEpisodic(argument: _mnemo_v1_DeleteEpisodicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_DeleteEpisodicResponse__Output>): grpc.ClientUnaryCall;
  deleteEpisodic(argument: _mnemo_v1_DeleteEpisodicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_DeleteEpisodicResponse__Output>): grpc.ClientUnaryCall;
  deleteEpisodic(argument: _mnemo_v1_DeleteEpisodicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_DeleteEpisodicResponse__Output>): grpc.ClientUnaryCall;
  deleteEpisodic(argument: _mnemo_v1_DeleteEpisodicRequest, callback: grpc.requestCallback<_mnemo_v1_DeleteEpisodicResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteEpisodicByFilter(argument: _mnemo_v1_DeleteEpisodicByFilterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_DeleteEpisodicByFilterResponse__Output>): grpc.ClientUnaryCall;
  DeleteEpisodicByFilter(argument: _mnemo_v1_DeleteEpisodicByFilterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_DeleteEpisodicByFilterResponse__Output>): grpc.ClientUnaryCall;
  DeleteEpisodicByFilter(argument: _mnemo_v1_DeleteEpisodicByFilterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_DeleteEpisodicByFilterResponse__Output>): grpc.ClientUnaryCall;
  DeleteEpisodicByFilter(argument: _mnemo_v1_DeleteEpisodicByFilterRequest, callback: grpc.requestCallback<_mnemo_v1_DeleteEpisodicByFilterResponse__Output>): grpc.ClientUnaryCall;
  deleteEpisodicByFilter(argument: _mnemo_v1_DeleteEpisodicByFilterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_DeleteEpisodicByFilterResponse__Output>): grpc.ClientUnaryCall;
  deleteEpisodicByFilter(argument: _mnemo_v1_DeleteEpisodicByFilterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_DeleteEpisodicByFilterResponse__Output>): grpc.ClientUnaryCall;
  deleteEpisodicByFilter(argument: _mnemo_v1_DeleteEpisodicByFilterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_DeleteEpisodicByFilterResponse__Output>): grpc.ClientUnaryCall;
  deleteEpisodicByFilter(argument: _mnemo_v1_DeleteEpisodicByFilterRequest, callback: grpc.requestCallback<_mnemo_v1_DeleteEpisodicByFilterResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteSemantic(argument: _mnemo_v1_DeleteSemanticRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_DeleteSemanticResponse__Output>): grpc.ClientUnaryCall;
  DeleteSemantic(argument: _mnemo_v1_DeleteSemanticRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_DeleteSemanticResponse__Output>): grpc.ClientUnaryCall;
  DeleteSemantic(argument: _mnemo_v1_DeleteSemanticRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_DeleteSemanticResponse__Output>): grpc.ClientUnaryCall;
  DeleteSemantic(argument: _mnemo_v1_DeleteSemanticRequest, callback: grpc.requestCallback<_mnemo_v1_DeleteSemanticResponse__Output>): grpc.ClientUnaryCall;
  deleteSemantic(argument: _mnemo_v1_DeleteSemanticRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_DeleteSemanticResponse__Output>): grpc.ClientUnaryCall;
  deleteSemantic(argument: _mnemo_v1_DeleteSemanticRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_DeleteSemanticResponse__Output>): grpc.ClientUnaryCall;
  deleteSemantic(argument: _mnemo_v1_DeleteSemanticRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_DeleteSemanticResponse__Output>): grpc.ClientUnaryCall;
  deleteSemantic(argument: _mnemo_v1_DeleteSemanticRequest, callback: grpc.requestCallback<_mnemo_v1_DeleteSemanticResponse__Output>): grpc.ClientUnaryCall;
  
  GetEpisodic(argument: _mnemo_v1_GetEpisodicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_GetEpisodicResponse__Output>): grpc.ClientUnaryCall;
  GetEpisodic(argument: _mnemo_v1_GetEpisodicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_GetEpisodicResponse__Output>): grpc.ClientUnaryCall;
  GetEpisodic(argument: _mnemo_v1_GetEpisodicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_GetEpisodicResponse__Output>): grpc.ClientUnaryCall;
  GetEpisodic(argument: _mnemo_v1_GetEpisodicRequest, callback: grpc.requestCallback<_mnemo_v1_GetEpisodicResponse__Output>): grpc.ClientUnaryCall;
  getEpisodic(argument: _mnemo_v1_GetEpisodicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_GetEpisodicResponse__Output>): grpc.ClientUnaryCall;
  getEpisodic(argument: _mnemo_v1_GetEpisodicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_GetEpisodicResponse__Output>): grpc.ClientUnaryCall;
  getEpisodic(argument: _mnemo_v1_GetEpisodicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_GetEpisodicResponse__Output>): grpc.ClientUnaryCall;
  getEpisodic(argument: _mnemo_v1_GetEpisodicRequest, callback: grpc.requestCallback<_mnemo_v1_GetEpisodicResponse__Output>): grpc.ClientUnaryCall;
  
  GetInfo(argument: _mnemo_v1_GetInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_GetInfoResponse__Output>): grpc.ClientUnaryCall;
  GetInfo(argument: _mnemo_v1_GetInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_GetInfoResponse__Output>): grpc.ClientUnaryCall;
  GetInfo(argument: _mnemo_v1_GetInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_GetInfoResponse__Output>): grpc.ClientUnaryCall;
  GetInfo(argument: _mnemo_v1_GetInfoRequest, callback: grpc.requestCallback<_mnemo_v1_GetInfoResponse__Output>): grpc.ClientUnaryCall;
  getInfo(argument: _mnemo_v1_GetInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_GetInfoResponse__Output>): grpc.ClientUnaryCall;
  getInfo(argument: _mnemo_v1_GetInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_GetInfoResponse__Output>): grpc.ClientUnaryCall;
  getInfo(argument: _mnemo_v1_GetInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_GetInfoResponse__Output>): grpc.ClientUnaryCall;
  getInfo(argument: _mnemo_v1_GetInfoRequest, callback: grpc.requestCallback<_mnemo_v1_GetInfoResponse__Output>): grpc.ClientUnaryCall;
  
  GetSemantic(argument: _mnemo_v1_GetSemanticRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_GetSemanticResponse__Output>): grpc.ClientUnaryCall;
  GetSemantic(argument: _mnemo_v1_GetSemanticRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_GetSemanticResponse__Output>): grpc.ClientUnaryCall;
  GetSemantic(argument: _mnemo_v1_GetSemanticRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_GetSemanticResponse__Output>): grpc.ClientUnaryCall;
  GetSemantic(argument: _mnemo_v1_GetSemanticRequest, callback: grpc.requestCallback<_mnemo_v1_GetSemanticResponse__Output>): grpc.ClientUnaryCall;
  getSemantic(argument: _mnemo_v1_GetSemanticRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_GetSemanticResponse__Output>): grpc.ClientUnaryCall;
  getSemantic(argument: _mnemo_v1_GetSemanticRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_GetSemanticResponse__Output>): grpc.ClientUnaryCall;
  getSemantic(argument: _mnemo_v1_GetSemanticRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_GetSemanticResponse__Output>): grpc.ClientUnaryCall;
  getSemantic(argument: _mnemo_v1_GetSemanticRequest, callback: grpc.requestCallback<_mnemo_v1_GetSemanticResponse__Output>): grpc.ClientUnaryCall;
  
  ListSemantic(argument: _mnemo_v1_ListSemanticRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_ListSemanticResponse__Output>): grpc.ClientUnaryCall;
  ListSemantic(argument: _mnemo_v1_ListSemanticRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_ListSemanticResponse__Output>): grpc.ClientUnaryCall;
  ListSemantic(argument: _mnemo_v1_ListSemanticRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_ListSemanticResponse__Output>): grpc.ClientUnaryCall;
  ListSemantic(argument: _mnemo_v1_ListSemanticRequest, callback: grpc.requestCallback<_mnemo_v1_ListSemanticResponse__Output>): grpc.ClientUnaryCall;
  listSemantic(argument: _mnemo_v1_ListSemanticRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_ListSemanticResponse__Output>): grpc.ClientUnaryCall;
  listSemantic(argument: _mnemo_v1_ListSemanticRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_ListSemanticResponse__Output>): grpc.ClientUnaryCall;
  listSemantic(argument: _mnemo_v1_ListSemanticRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_ListSemanticResponse__Output>): grpc.ClientUnaryCall;
  listSemantic(argument: _mnemo_v1_ListSemanticRequest, callback: grpc.requestCallback<_mnemo_v1_ListSemanticResponse__Output>): grpc.ClientUnaryCall;
  
  RecentEpisodic(argument: _mnemo_v1_RecentEpisodicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_RecentEpisodicResponse__Output>): grpc.ClientUnaryCall;
  RecentEpisodic(argument: _mnemo_v1_RecentEpisodicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_RecentEpisodicResponse__Output>): grpc.ClientUnaryCall;
  RecentEpisodic(argument: _mnemo_v1_RecentEpisodicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_RecentEpisodicResponse__Output>): grpc.ClientUnaryCall;
  RecentEpisodic(argument: _mnemo_v1_RecentEpisodicRequest, callback: grpc.requestCallback<_mnemo_v1_RecentEpisodicResponse__Output>): grpc.ClientUnaryCall;
  recentEpisodic(argument: _mnemo_v1_RecentEpisodicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_RecentEpisodicResponse__Output>): grpc.ClientUnaryCall;
  recentEpisodic(argument: _mnemo_v1_RecentEpisodicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_RecentEpisodicResponse__Output>): grpc.ClientUnaryCall;
  recentEpisodic(argument: _mnemo_v1_RecentEpisodicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_RecentEpisodicResponse__Output>): grpc.ClientUnaryCall;
  recentEpisodic(argument: _mnemo_v1_RecentEpisodicRequest, callback: grpc.requestCallback<_mnemo_v1_RecentEpisodicResponse__Output>): grpc.ClientUnaryCall;
  
  SearchEpisodic(argument: _mnemo_v1_SearchEpisodicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SearchEpisodicResponse__Output>): grpc.ClientUnaryCall;
  SearchEpisodic(argument: _mnemo_v1_SearchEpisodicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SearchEpisodicResponse__Output>): grpc.ClientUnaryCall;
  SearchEpisodic(argument: _mnemo_v1_SearchEpisodicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SearchEpisodicResponse__Output>): grpc.ClientUnaryCall;
  SearchEpisodic(argument: _mnemo_v1_SearchEpisodicRequest, callback: grpc.requestCallback<_mnemo_v1_SearchEpisodicResponse__Output>): grpc.ClientUnaryCall;
  searchEpisodic(argument: _mnemo_v1_SearchEpisodicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SearchEpisodicResponse__Output>): grpc.ClientUnaryCall;
  searchEpisodic(argument: _mnemo_v1_SearchEpisodicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SearchEpisodicResponse__Output>): grpc.ClientUnaryCall;
  searchEpisodic(argument: _mnemo_v1_SearchEpisodicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SearchEpisodicResponse__Output>): grpc.ClientUnaryCall;
  searchEpisodic(argument: _mnemo_v1_SearchEpisodicRequest, callback: grpc.requestCallback<_mnemo_v1_SearchEpisodicResponse__Output>): grpc.ClientUnaryCall;
  
  SearchEpisodicStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_mnemo_v1_SearchEpisodicRequest, _mnemo_v1_SearchEpisodicResponse__Output>;
  SearchEpisodicStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_mnemo_v1_SearchEpisodicRequest, _mnemo_v1_SearchEpisodicResponse__Output>;
  searchEpisodicStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_mnemo_v1_SearchEpisodicRequest, _mnemo_v1_SearchEpisodicResponse__Output>;
  searchEpisodicStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_mnemo_v1_SearchEpisodicRequest, _mnemo_v1_SearchEpisodicResponse__Output>;
  
  SearchSemantic(argument: _mnemo_v1_SearchSemanticRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SearchSemanticResponse__Output>): grpc.ClientUnaryCall;
  SearchSemantic(argument: _mnemo_v1_SearchSemanticRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SearchSemanticResponse__Output>): grpc.ClientUnaryCall;
  SearchSemantic(argument: _mnemo_v1_SearchSemanticRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SearchSemanticResponse__Output>): grpc.ClientUnaryCall;
  SearchSemantic(argument: _mnemo_v1_SearchSemanticRequest, callback: grpc.requestCallback<_mnemo_v1_SearchSemanticResponse__Output>): grpc.ClientUnaryCall;
  searchSemantic(argument: _mnemo_v1_SearchSemanticRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SearchSemanticResponse__Output>): grpc.ClientUnaryCall;
  searchSemantic(argument: _mnemo_v1_SearchSemanticRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SearchSemanticResponse__Output>): grpc.ClientUnaryCall;
  searchSemantic(argument: _mnemo_v1_SearchSemanticRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SearchSemanticResponse__Output>): grpc.ClientUnaryCall;
  searchSemantic(argument: _mnemo_v1_SearchSemanticRequest, callback: grpc.requestCallback<_mnemo_v1_SearchSemanticResponse__Output>): grpc.ClientUnaryCall;
  
  SearchSemanticStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_mnemo_v1_SearchSemanticRequest, _mnemo_v1_SearchSemanticResponse__Output>;
  SearchSemanticStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_mnemo_v1_SearchSemanticRequest, _mnemo_v1_SearchSemanticResponse__Output>;
  searchSemanticStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_mnemo_v1_SearchSemanticRequest, _mnemo_v1_SearchSemanticResponse__Output>;
  searchSemanticStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_mnemo_v1_SearchSemanticRequest, _mnemo_v1_SearchSemanticResponse__Output>;
  
  UpsertEpisodic(argument: _mnemo_v1_UpsertEpisodicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_UpsertEpisodicResponse__Output>): grpc.ClientUnaryCall;
  UpsertEpisodic(argument: _mnemo_v1_UpsertEpisodicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_UpsertEpisodicResponse__Output>): grpc.ClientUnaryCall;
  UpsertEpisodic(argument: _mnemo_v1_UpsertEpisodicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_UpsertEpisodicResponse__Output>): grpc.ClientUnaryCall;
  UpsertEpisodic(argument: _mnemo_v1_UpsertEpisodicRequest, callback: grpc.requestCallback<_mnemo_v1_UpsertEpisodicResponse__Output>): grpc.ClientUnaryCall;
  upsertEpisodic(argument: _mnemo_v1_UpsertEpisodicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_UpsertEpisodicResponse__Output>): grpc.ClientUnaryCall;
  upsertEpisodic(argument: _mnemo_v1_UpsertEpisodicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_UpsertEpisodicResponse__Output>): grpc.ClientUnaryCall;
  upsertEpisodic(argument: _mnemo_v1_UpsertEpisodicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_UpsertEpisodicResponse__Output>): grpc.ClientUnaryCall;
  upsertEpisodic(argument: _mnemo_v1_UpsertEpisodicRequest, callback: grpc.requestCallback<_mnemo_v1_UpsertEpisodicResponse__Output>): grpc.ClientUnaryCall;
  
  UpsertSemantic(argument: _mnemo_v1_UpsertSemanticRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_UpsertSemanticResponse__Output>): grpc.ClientUnaryCall;
  UpsertSemantic(argument: _mnemo_v1_UpsertSemanticRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_UpsertSemanticResponse__Output>): grpc.ClientUnaryCall;
  UpsertSemantic(argument: _mnemo_v1_UpsertSemanticRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_UpsertSemanticResponse__Output>): grpc.ClientUnaryCall;
  UpsertSemantic(argument: _mnemo_v1_UpsertSemanticRequest, callback: grpc.requestCallback<_mnemo_v1_UpsertSemanticResponse__Output>): grpc.ClientUnaryCall;
  upsertSemantic(argument: _mnemo_v1_UpsertSemanticRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_UpsertSemanticResponse__Output>): grpc.ClientUnaryCall;
  upsertSemantic(argument: _mnemo_v1_UpsertSemanticRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_UpsertSemanticResponse__Output>): grpc.ClientUnaryCall;
  upsertSemantic(argument: _mnemo_v1_UpsertSemanticRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_UpsertSemanticResponse__Output>): grpc.ClientUnaryCall;
  upsertSemantic(argument: _mnemo_v1_UpsertSemanticRequest, callback: grpc.requestCallback<_mnemo_v1_UpsertSemanticResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface MemoryServiceHandlers extends grpc.UntypedServiceImplementation {
  BatchSearchEpisodic: grpc.handleUnaryCall<_mnemo_v1_BatchSearchEpisodicRequest__Output, _mnemo_v1_BatchSearchEpisodicResponse>;
  
  DeleteEpisodic: grpc.handleUnaryCall<_mnemo_v1_DeleteEpisodicRequest__Output, _mnemo_v1_DeleteEpisodicResponse>;
  
  DeleteEpisodicByFilter: grpc.handleUnaryCall<_mnemo_v1_DeleteEpisodicByFilterRequest__Output, _mnemo_v1_DeleteEpisodicByFilterResponse>;
  
  DeleteSemantic: grpc.handleUnaryCall<_mnemo_v1_DeleteSemanticRequest__Output, _mnemo_v1_DeleteSemanticResponse>;
  
  GetEpisodic: grpc.handleUnaryCall<_mnemo_v1_GetEpisodicRequest__Output, _mnemo_v1_GetEpisodicResponse>;
  
  GetInfo: grpc.handleUnaryCall<_mnemo_v1_GetInfoRequest__Output, _mnemo_v1_GetInfoResponse>;
  
  GetSemantic: grpc.handleUnaryCall<_mnemo_v1_GetSemanticRequest__Output, _mnemo_v1_GetSemanticResponse>;
  
  ListSemantic: grpc.handleUnaryCall<_mnemo_v1_ListSemanticRequest__Output, _mnemo_v1_ListSemanticResponse>;
  
  RecentEpisodic: grpc.handleUnaryCall<_mnemo_v1_RecentEpisodicRequest__Output, _mnemo_v1_RecentEpisodicResponse>;
  
  SearchEpisodic: grpc.handleUnaryCall<_mnemo_v1_SearchEpisodicRequest__Output, _mnemo_v1_SearchEpisodicResponse>;
  
  SearchEpisodicStream: grpc.handleBidiStreamingCall<_mnemo_v1_SearchEpisodicRequest__Output, _mnemo_v1_SearchEpisodicResponse>;
  
  SearchSemantic: grpc.handleUnaryCall<_mnemo_v1_SearchSemanticRequest__Output, _mnemo_v1_SearchSemanticResponse>;
  
  SearchSemanticStream: grpc.handleBidiStreamingCall<_mnemo_v1_SearchSemanticRequest__Output, _mnemo_v1_SearchSemanticResponse>;
  
  UpsertEpisodic: grpc.handleUnaryCall<_mnemo_v1_UpsertEpisodicRequest__Output, _mnemo_v1_UpsertEpisodicResponse>;
  
  UpsertSemantic: grpc.handleUnaryCall<_mnemo_v1_UpsertSemanticRequest__Output, _mnemo_v1_UpsertSemanticResponse>;
  
}

export interface MemoryServiceDefinition extends grpc.ServiceDefinition {
  BatchSearchEpisodic: MethodDefinition<_mnemo_v1_BatchSearchEpisodicRequest, _mnemo_v1_BatchSearchEpisodicResponse, _mnemo_v1_BatchSearchEpisodicRequest__Output, _mnemo_v1_BatchSearchEpisodicResponse__Output>
  DeleteEpisodic: MethodDefinition<_mnemo_v1_DeleteEpisodicRequest, _mnemo_v1_DeleteEpisodicResponse, _mnemo_v1_DeleteEpisodicRequest__Output, _mnemo_v1_DeleteEpisodicResponse__Output>
  DeleteEpisodicByFilter: MethodDefinition<_mnemo_v1_DeleteEpisodicByFilterRequest, _mnemo_v1_DeleteEpisodicByFilterResponse, _mnemo_v1_DeleteEpisodicByFilterRequest__Output, _mnemo_v1_DeleteEpisodicByFilterResponse__Output>
  DeleteSemantic: MethodDefinition<_mnemo_v1_DeleteSemanticRequest, _mnemo_v1_DeleteSemanticResponse, _mnemo_v1_DeleteSemanticRequest__Output, _mnemo_v1_DeleteSemanticResponse__Output>
  GetEpisodic: MethodDefinition<_mnemo_v1_GetEpisodicRequest, _mnemo_v1_GetEpisodicResponse, _mnemo_v1_GetEpisodicRequest__Output, _mnemo_v1_GetEpisodicResponse__Output>
  GetInfo: MethodDefinition<_mnemo_v1_GetInfoRequest, _mnemo_v1_GetInfoResponse, _mnemo_v1_GetInfoRequest__Output, _mnemo_v1_GetInfoResponse__Output>
  GetSemantic: MethodDefinition<_mnemo_v1_GetSemanticRequest, _mnemo_v1_GetSemanticResponse, _mnemo_v1_GetSemanticRequest__Output, _mnemo_v1_GetSemanticResponse__Output>
  ListSemantic: MethodDefinition<_mnemo_v1_ListSemanticRequest, _mnemo_v1_ListSemanticResponse, _mnemo_v1_ListSemanticRequest__Output, _mnemo_v1_ListSemanticResponse__Output>
  RecentEpisodic: MethodDefinition<_mnemo_v1_RecentEpisodicRequest, _mnemo_v1_RecentEpisodicResponse, _mnemo_v1_RecentEpisodicRequest__Output, _mnemo_v1_RecentEpisodicResponse__Output>
  SearchEpisodic: MethodDefinition<_mnemo_v1_SearchEpisodicRequest, _mnemo_v1_SearchEpisodicResponse, _mnemo_v1_SearchEpisodicRequest__Output, _mnemo_v1_SearchEpisodicResponse__Output>
  SearchEpisodicStream: MethodDefinition<_mnemo_v1_SearchEpisodicRequest, _mnemo_v1_SearchEpisodicResponse, _mnemo_v1_SearchEpisodicRequest__Output, _mnemo_v1_SearchEpisodicResponse__Output>
  SearchSemantic: MethodDefinition<_mnemo_v1_SearchSemanticRequest, _mnemo_v1_SearchSemanticResponse, _mnemo_v1_SearchSemanticRequest__Output, _mnemo_v1_SearchSemanticResponse__Output>
  SearchSemanticStream: MethodDefinition<_mnemo_v1_SearchSemanticRequest, _mnemo_v1_SearchSemanticResponse, _mnemo_v1_SearchSemanticRequest__Output, _mnemo_v1_SearchSemanticResponse__Output>
  UpsertEpisodic: MethodDefinition<_mnemo_v1_UpsertEpisodicRequest, _mnemo_v1_UpsertEpisodicResponse, _mnemo_v1_UpsertEpisodicRequest__Output, _mnemo_v1_UpsertEpisodicResponse__Output>
  UpsertSemantic: MethodDefinition<_mnemo_v1_UpsertSemanticRequest, _mnemo_v1_UpsertSemanticResponse, _mnemo_v1_UpsertSemanticRequest__Output, _mnemo_v1_UpsertSemanticResponse__Output>
}
