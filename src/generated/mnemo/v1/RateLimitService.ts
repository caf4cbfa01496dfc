// Original file: proto/mnemo/v1/rate_limit.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { RateLimitServiceAcquireRequest as _mnemo_v1_RateLimitServiceAcquireRequest, RateLimitServiceAcquireRequest__Output as _mnemo_v1_RateLimitServiceAcquireRequest__Output } from '../../mnemo/v1/RateLimitServiceAcquireRequest.js';
import type { RateLimitServiceAcquireResponse as _mnemo_v1_RateLimitServiceAcquireResponse, RateLimitServiceAcquireResponse__Output as _mnemo_v1_RateLimitServiceAcquireResponse__Output } from '../../mnemo/v1/RateLimitServiceAcquireResponse.js';

export interface RateLimitServiceClient extends grpc.Client {
  Acquire(argument: _mnemo_v1_RateLimitServiceAcquireRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_RateLimitServiceAcquireResponse__Output>): grpc.ClientUnaryCall;
  Acquire(argument: _mnemo_v1_RateLimitServiceAcquireRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_RateLimitServiceAcquireResponse__Output>): grpc.ClientUnaryCall;
  Acquire(argument: _mnemo_v1_RateLimitServiceAcquireRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_RateLimitServiceAcquireResponse__Output>): grpc.ClientUnaryCall;
  Acquire(argument: _mnemo_v1_RateLimitServiceAcquireRequest, callback: grpc.requestCallback<_mnemo_v1_RateLimitServiceAcquireResponse__Output>): grpc.ClientUnaryCall;
  acquire(argument: _mnemo_v1_RateLimitServiceAcquireRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_RateLimitServiceAcquireResponse__Output>): grpc.ClientUnaryCall;
  acquire(argument: _mnemo_v1_RateLimitServiceAcquireRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_RateLimitServiceAcquireResponse__Output>): grpc.ClientUnaryCall;
  acquire(argument: _mnemo_v1_RateLimitServiceAcquireRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_RateLimitServiceAcquireResponse__Output>): grpc.ClientUnaryCall;
  acquire(argument: _mnemo_v1_RateLimitServiceAcquireRequest, callback: grpc.requestCallback<_mnemo_v1_RateLimitServiceAcquireResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface RateLimitServiceHandlers extends grpc.UntypedServiceImplementation {
  Acquire: grpc.handleUnaryCall<_mnemo_v1_RateLimitServiceAcquireRequest__Output, _mnemo_v1_RateLimitServiceAcquireResponse>;
  
}

export interface RateLimitServiceDefinition extends grpc.ServiceDefinition {
  Acquire: MethodDefinition<_mnemo_v1_RateLimitServiceAcquireRequest, _mnemo_v1_RateLimitServiceAcquireResponse, _mnemo_v1_RateLimitServiceAcquireRequest__Output, _mnemo_v1_RateLimitServiceAcquireResponse__Output>
}
