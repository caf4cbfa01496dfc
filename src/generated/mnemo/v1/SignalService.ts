// Original file: proto/mnemo/v1/signal.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { SignalServicePublishRequest as _mnemo_v1_SignalServicePublishRequest, SignalServicePublishRequest__Output as _mnemo_v1_SignalServicePublishRequest__Output } from '../../mnemo/v1/SignalServicePublishRequest.js';
import type { SignalServicePublishResponse as _mnemo_v1_SignalServicePublishResponse, SignalServicePublishResponse__Output as _mnemo_v1_SignalServicePublishResponse__Output } from '../../mnemo/v1/SignalServicePublishResponse.js';
import type { SignalServiceSubscribeRequest as _mnemo_v1_SignalServiceSubscribeRequest, SignalServiceSubscribeRequest__Output as _mnemo_v1_SignalServiceSubscribeRequest__Output } from '../../mnemo/v1/SignalServiceSubscribeRequest.js';
import type { SignalServiceSubscribeResponse as _mnemo_v1_SignalServiceSubscribeResponse, SignalServiceSubscribeResponse__Output as _mnemo_v1_SignalServiceSubscribeResponse__Output } from '../../mnemo/v1/SignalServiceSubscribeResponse.js';

export interface SignalServiceClient extends grpc.Client {
  Publish(argument: _mnemo_v1_SignalServicePublishRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SignalServicePublishResponse__Output>): grpc.ClientUnaryCall;
  Publish(argument: _mnemo_v1_SignalServicePublishRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SignalServicePublishResponse__Output>): grpc.ClientUnaryCall;
  Publish(argument: _mnemo_v1_SignalServicePublishRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SignalServicePublishResponse__Output>): grpc.ClientUnaryCall;
  Publish(argument: _mnemo_v1_SignalServicePublishRequest, callback: grpc.requestCallback<_mnemo_v1_SignalServicePublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _mnemo_v1_SignalServicePublishRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SignalServicePublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _mnemo_v1_SignalServicePublishRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SignalServicePublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _mnemo_v1_SignalServicePublishRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SignalServicePublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _mnemo_v1_SignalServicePublishRequest, callback: grpc.requestCallback<_mnemo_v1_SignalServicePublishResponse__Output>): grpc.ClientUnaryCall;
  
  Subscribe(argument: _mnemo_v1_SignalServiceSubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_mnemo_v1_SignalServiceSubscribeResponse__Output>;
  Subscribe(argument: _mnemo_v1_SignalServiceSubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_mnemo_v1_SignalServiceSubscribeResponse__Output>;
  subscribe(argument: _mnemo_v1_SignalServiceSubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_mnemo_v1_SignalServiceSubscribeResponse__Output>;
  subscribe(argument: _mnemo_v1_SignalServiceSubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_mnemo_v1_SignalServiceSubscribeResponse__Output>;
  
}

export interface SignalServiceHandlers extends grpc.UntypedServiceImplementation {
  Publish: grpc.handleUnaryCall<_mnemo_v1_SignalServicePublishRequest__Output, _mnemo_v1_SignalServicePublishResponse>;
  
  Subscribe: grpc.handleServerStreamingCall<_mnemo_v1_SignalServiceSubscribeRequest__Output, _mnemo_v1_SignalServiceSubscribeResponse>;
  
}

export interface SignalServiceDefinition extends grpc.ServiceDefinition {
  Publish: MethodDefinition<_mnemo_v1_SignalServicePublishRequest, _mnemo_v1_SignalServicePublishResponse, _mnemo_v1_SignalServicePublishRequest__Output, _mnemo_v1_SignalServicePublishResponse__Output>
  Subscribe: MethodDefinition<_mnemo_v1_SignalServiceSubscribeRequest, _mnemo_v1_SignalServiceSubscribeResponse, _mnemo_v1_SignalServiceSubscribeRequest__Output, _mnemo_v1_SignalServiceSubscribeResponse__Output>
}
