// Original file: proto/mnemo/v1/cache.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CacheServiceDeleteRequest as _mnemo_v1_CacheServiceDeleteRequest, CacheServiceDeleteRequest__Output as _mnemo_v1_CacheServiceDeleteRequest__Output } from '../../mnemo/v1/CacheServiceDeleteRequest.js';
import type { CacheServiceDeleteResponse as _mnemo_v1_CacheServiceDeleteResponse, CacheServiceDeleteResponse__Output as _mnemo_v1_CacheServiceDeleteResponse__Output } from '../../mnemo/v1/CacheServiceDeleteResponse.js';
import type { CacheServiceGetHashRequest as _mnemo_v1_CacheServiceGetHashRequest, CacheServiceGetHashRequest__Output as _mnemo_v1_CacheServiceGetHashRequest__Output } from '../../mnemo/v1/CacheServiceGetHashRequest.js';
import type { CacheServiceGetHashResponse as _mnemo_v1_CacheServiceGetHashResponse, CacheServiceGetHashResponse__Output as _mnemo_v1_CacheServiceGetHashResponse__Output } from '../../mnemo/v1/CacheServiceGetHashResponse.js';
import type { CacheServiceGetRequest as _mnemo_v1_CacheServiceGetRequest, CacheServiceGetRequest__Output as _mnemo_v1_CacheServiceGetRequest__Output } from '../../mnemo/v1/CacheServiceGetRequest.js';
import type { CacheServiceGetResponse as _mnemo_v1_CacheServiceGetResponse, CacheServiceGetResponse__Output as _mnemo_v1_CacheServiceGetResponse__Output } from '../../mnemo/v1/CacheServiceGetResponse.js';
import type { CacheServiceIncrementByRequest as _mnemo_v1_CacheServiceIncrementByRequest, CacheServiceIncrementByRequest__Output as _mnemo_v1_CacheServiceIncrementByRequest__Output } from '../../mnemo/v1/CacheServiceIncrementByRequest.js';
import type { CacheServiceIncrementByResponse as _mnemo_v1_CacheServiceIncrementByResponse, CacheServiceIncrementByResponse__Output as _mnemo_v1_CacheServiceIncrementByResponse__Output } from '../../mnemo/v1/CacheServiceIncrementByResponse.js';
import type { CacheServiceSetHashRequest as _mnemo_v1_CacheServiceSetHashRequest, CacheServiceSetHashRequest__Output as _mnemo_v1_CacheServiceSetHashRequest__Output } from '../../mnemo/v1/CacheServiceSetHashRequest.js';
import type { CacheServiceSetHashResponse as _mnemo_v1_CacheServiceSetHashResponse, CacheServiceSetHashResponse__Output as _mnemo_v1_CacheServiceSetHashResponse__Output } from '../../mnemo/v1/CacheServiceSetHashResponse.js';
import type { CacheServiceSetRequest as _mnemo_v1_CacheServiceSetRequest, CacheServiceSetRequest__Output as _mnemo_v1_CacheServiceSetRequest__Output } from '../../mnemo/v1/CacheServiceSetRequest.js';
import type { CacheServiceSetResponse as _mnemo_v1_CacheServiceSetResponse, CacheServiceSetResponse__Output as _mnemo_v1_CacheServiceSetResponse__Output } from '../../mnemo/v1/CacheServiceSetResponse.js';

export interface CacheServiceClient extends grpc.Client {
  Delete(argument: _mnemo_v1_CacheServiceDeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceDeleteResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _mnemo_v1_CacheServiceDeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_CacheServiceDeleteResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _mnemo_v1_CacheServiceDeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceDeleteResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _mnemo_v1_CacheServiceDeleteRequest, callback: grpc.requestCallback<_mnemo_v1_CacheServiceDeleteResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _mnemo_v1_CacheServiceDeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceDeleteResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _mnemo_v1_CacheServiceDeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_CacheServiceDeleteResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _mnemo_v1_CacheServiceDeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceDeleteResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _mnemo_v1_CacheServiceDeleteRequest, callback: grpc.requestCallback<_mnemo_v1_CacheServiceDeleteResponse__Output>): grpc.ClientUnaryCall;
  
  Get(argument: _mnemo_v1_CacheServiceGetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceGetResponse__Output>): grpc.ClientUnaryCall;
  Get(argument: _mnemo_v1_CacheServiceGetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_CacheServiceGetResponse__Output>): grpc.ClientUnaryCall;
  Get(argument: _mnemo_v1_CacheServiceGetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceGetResponse__Output>): grpc.ClientUnaryCall;
  Get(argument: _mnemo_v1_CacheServiceGetRequest, callback: grpc.requestCallback<_mnemo_v1_CacheServiceGetResponse__Output>): grpc.ClientUnaryCall;
  get(argument: _mnemo_v1_CacheServiceGetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceGetResponse__Output>): grpc.ClientUnaryCall;
  get(argument: _mnemo_v1_CacheServiceGetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_CacheServiceGetResponse__Output>): grpc.ClientUnaryCall;
  get(argument: _mnemo_v1_CacheServiceGetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceGetResponse__Output>): grpc.ClientUnaryCall;
  get(argument: _mnemo_v1_CacheServiceGetRequest, callback: grpc.requestCallback<_mnemo_v1_CacheServiceGetResponse__Output>): grpc.ClientUnaryCall;
  
  GetHash(argument: _mnemo_v1_CacheServiceGetHashRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceGetHashResponse__Output>): grpc.ClientUnaryCall;
  GetHash(argument: _mnemo_v1_CacheServiceGetHashRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_CacheServiceGetHashResponse__Output>): grpc.ClientUnaryCall;
  GetHash(argument: _mnemo_v1_CacheServiceGetHashRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceGetHashResponse__Output>): grpc.ClientUnaryCall;
  GetHash(argument: _mnemo_v1_CacheServiceGetHashRequest, callback: grpc.requestCallback<_mnemo_v1_CacheServiceGetHashResponse__Output>): grpc.ClientUnaryCall;
  getHash(argument: _mnemo_v1_CacheServiceGetHashRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceGetHashResponse__Output>): grpc.ClientUnaryCall;
  getHash(argument: _mnemo_v1_CacheServiceGetHashRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_CacheServiceGetHashResponse__Output>): grpc.ClientUnaryCall;
  getHash(argument: _mnemo_v1_CacheServiceGetHashRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceGetHashResponse__Output>): grpc.ClientUnaryCall;
  getHash(argument: _mnemo_v1_CacheServiceGetHashRequest, callback: grpc.requestCallback<_mnemo_v1_CacheServiceGetHashResponse__Output>): grpc.ClientUnaryCall;
  
  IncrementBy(argument: _mnemo_v1_CacheServiceIncrementByRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceIncrementByResponse__Output>): grpc.ClientUnaryCall;
  IncrementBy(argument: _mnemo_v1_CacheServiceIncrementByRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_CacheServiceIncrementByResponse__Output>): grpc.ClientUnaryCall;
  IncrementBy(argument: _mnemo_v1_CacheServiceIncrementByRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceIncrementByResponse__Output>): grpc.ClientUnaryCall;
  IncrementBy(argument: _mnemo_v1_CacheServiceIncrementByRequest, callback: grpc.requestCallback<_mnemo_v1_CacheServiceIncrementByResponse__Output>): grpc.ClientUnaryCall;
  incrementBy(argument: _mnemo_v1_CacheServiceIncrementByRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceIncrementByResponse__Output>): grpc.ClientUnaryCall;
  incrementBy(argument: _mnemo_v1_CacheServiceIncrementByRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_CacheServiceIncrementByResponse__Output>): grpc.ClientUnaryCall;
  incrementBy(argument: _mnemo_v1_CacheServiceIncrementByRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceIncrementByResponse__Output>): grpc.ClientUnaryCall;
  incrementBy(argument: _mnemo_v1_CacheServiceIncrementByRequest, callback: grpc.requestCallback<_mnemo_v1_CacheServiceIncrementByResponse__Output>): grpc.ClientUnaryCall;
  
  Set(argument: _mnemo_v1_CacheServiceSetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceSetResponse__Output>): grpc.ClientUnaryCall;
  Set(argument: _mnemo_v1_CacheServiceSetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_CacheServiceSetResponse__Output>): grpc.ClientUnaryCall;
  Set(argument: _mnemo_v1_CacheServiceSetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceSetResponse__Output>): grpc.ClientUnaryCall;
  Set(argument: _mnemo_v1_CacheServiceSetRequest, callback: grpc.requestCallback<_mnemo_v1_CacheServiceSetResponse__Output>): grpc.ClientUnaryCall;
  set(argument: _mnemo_v1_CacheServiceSetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceSetResponse__Output>): grpc.ClientUnaryCall;
  set(argument: _mnemo_v1_CacheServiceSetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_CacheServiceSetResponse__Output>): grpc.ClientUnaryCall;
  set(argument: _mnemo_v1_CacheServiceSetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceSetResponse__Output>): grpc.ClientUnaryCall;
  set(argument: _mnemo_v1_CacheServiceSetRequest, callback: grpc.requestCallback<_mnemo_v1_CacheServiceSetResponse__Output>): grpc.ClientUnaryCall;
  
  SetHash(argument: _mnemo_v1_CacheServiceSetHashRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceSetHashResponse__Output>): grpc.ClientUnaryCall;
  SetHash(argument: _mnemo_v1_CacheServiceSetHashRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_CacheServiceSetHashResponse__Output>): grpc.ClientUnaryCall;
  SetHash(argument: _mnemo_v1_CacheServiceSetHashRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceSetHashResponse__Output>): grpc.ClientUnaryCall;
  SetHash(argument: _mnemo_v1_CacheServiceSetHashRequest, callback: grpc.requestCallback<_mnemo_v1_CacheServiceSetHashResponse__Output>): grpc.ClientUnaryCall;
  setHash(argument: _mnemo_v1_CacheServiceSetHashRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceSetHashResponse__Output>): grpc.ClientUnaryCall;
  setHash(argument: _mnemo_v1_CacheServiceSetHashRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_CacheServiceSetHashResponse__Output>): grpc.ClientUnaryCall;
  setHash(argument: _mnemo_v1_CacheServiceSetHashRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_CacheServiceSetHashResponse__Output>): grpc.ClientUnaryCall;
  setHash(argument: _mnemo_v1_CacheServiceSetHashRequest, callback: grpc.requestCallback<_mnemo_v1_CacheServiceSetHashResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface CacheServiceHandlers extends grpc.UntypedServiceImplementation {
  Delete: grpc.handleUnaryCall<_mnemo_v1_CacheServiceDeleteRequest__Output, _mnemo_v1_CacheServiceDeleteResponse>;
  
  Get: grpc.handleUnaryCall<_mnemo_v1_CacheServiceGetRequest__Output, _mnemo_v1_CacheServiceGetResponse>;
  
  GetHash: grpc.handleUnaryCall<_mnemo_v1_CacheServiceGetHashRequest__Output, _mnemo_v1_CacheServiceGetHashResponse>;
  
  IncrementBy: grpc.handleUnaryCall<_mnemo_v1_CacheServiceIncrementByRequest__Output, _mnemo_v1_CacheServiceIncrementByResponse>;
  
  Set: grpc.handleUnaryCall<_mnemo_v1_CacheServiceSetRequest__Output, _mnemo_v1_CacheServiceSetResponse>;
  
  SetHash: grpc.handleUnaryCall<_mnemo_v1_CacheServiceSetHashRequest__Output, _mnemo_v1_CacheServiceSetHashResponse>;
  
}

export interface CacheServiceDefinition extends grpc.ServiceDefinition {
  Delete: MethodDefinition<_mnemo_v1_CacheServiceDeleteRequest, _mnemo_v1_CacheServiceDeleteResponse, _mnemo_v1_CacheServiceDeleteRequest__Output, _mnemo_v1_CacheServiceDeleteResponse__Output>
  Get: MethodDefinition<_mnemo_v1_CacheServiceGetRequest, _mnemo_v1_CacheServiceGetResponse, _mnemo_v1_CacheServiceGetRequest__Output, _mnemo_v1_CacheServiceGetResponse__Output>
  GetHash: MethodDefinition<_mnemo_v1_CacheServiceGetHashRequest, _mnemo_v1_CacheServiceGetHashResponse, _mnemo_v1_CacheServiceGetHashRequest__Output, _mnemo_v1_CacheServiceGetHashResponse__Output>
  IncrementBy: MethodDefinition<_mnemo_v1_CacheServiceIncrementByRequest, _mnemo_v1_CacheServiceIncrementByResponse, _mnemo_v1_CacheServiceIncrementByRequest__Output, _mnemo_v1_CacheServiceIncrementByResponse__Output>
  Set: MethodDefinition<_mnemo_v1_CacheServiceSetRequest, _mnemo_v1_CacheServiceSetResponse, _mnemo_v1_CacheServiceSetRequest__Output, _mnemo_v1_CacheServiceSetResponse__Output>
  SetHash: MethodDefinition<_mnemo_v1_CacheServiceSetHashRequest, _mnemo_v1_CacheServiceSetHashResponse, _mnemo_v1_CacheServiceSetHashRequest__Output, _mnemo_v1_CacheServiceSetHashResponse__Output>
}
