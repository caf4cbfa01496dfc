// Original file: proto/mnemo/v1/audit.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AuditServiceAgentPnlRequest as _mnemo_v1_AuditServiceAgentPnlRequest, AuditServiceAgentPnlRequest__Output as _mnemo_v1_AuditServiceAgentPnlRequest__Output } from '../../mnemo/v1/AuditServiceAgentPnlRequest.js';
import type { AuditServiceAgentPnlResponse as _mnemo_v1_AuditServiceAgentPnlResponse, AuditServiceAgentPnlResponse__Output as _mnemo_v1_AuditServiceAgentPnlResponse__Output } from '../../mnemo/v1/AuditServiceAgentPnlResponse.js';
import type { AuditServiceAppendRequest as _mnemo_v1_AuditServiceAppendRequest, AuditServiceAppendRequest__Output as _mnemo_v1_AuditServiceAppendRequest__Output } from '../../mnemo/v1/AuditServiceAppendRequest.js';
import type { AuditServiceAppendResponse as _mnemo_v1_AuditServiceAppendResponse, AuditServiceAppendResponse__Output as _mnemo_v1_AuditServiceAppendResponse__Output } from '../../mnemo/v1/AuditServiceAppendResponse.js';
import type { AuditServiceRangeRequest as _mnemo_v1_AuditServiceRangeRequest, AuditServiceRangeRequest__Output as _mnemo_v1_AuditServiceRangeRequest__Output } from '../../mnemo/v1/AuditServiceRangeRequest.js';
import type { AuditServiceRangeResponse as _mnemo_v1_AuditServiceRangeResponse, AuditServiceRangeResponse__Output as _mnemo_v1_AuditServiceRangeResponse__Output } from '../../mnemo/v1/AuditServiceRangeResponse.js';
import type { AuditServiceTailRequest as _mnemo_v1_AuditServiceTailRequest, AuditServiceTailRequest__Output as _mnemo_v1_AuditServiceTailRequest__Output } from '../../mnemo/v1/AuditServiceTailRequest.js';
import type { AuditServiceTailResponse as _mnemo_v1_AuditServiceTailResponse, AuditServiceTailResponse__Output as _mnemo_v1_AuditServiceTailResponse__Output } from '../../mnemo/v1/AuditServiceTailResponse.js';

export interface AuditServiceClient extends grpc.Client {
  AgentPnl(argument: _mnemo_v1_AuditServiceAgentPnlRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_AuditServiceAgentPnlResponse__Output>): grpc.ClientUnaryCall;
  AgentPnl(argument: _mnemo_v1_AuditServiceAgentPnlRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_AuditServiceAgentPnlResponse__Output>): grpc.ClientUnaryCall;
  AgentPnl(argument: _mnemo_v1_AuditServiceAgentPnlRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_AuditServiceAgentPnlResponse__Output>): grpc.ClientUnaryCall;
  AgentPnl(argument: _mnemo_v1_AuditServiceAgentPnlRequest, callback: grpc.requestCallback<_mnemo_v1_AuditServiceAgentPnlResponse__Output>): grpc.ClientUnaryCall;
  agentPnl(argument: _mnemo_v1_AuditServiceAgentPnlRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_AuditServiceAgentPnlResponse__Output>): grpc.ClientUnaryCall;
  agentPnl(argument: _mnemo_v1_AuditServiceAgentPnlRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_AuditServiceAgentPnlResponse__Output>): grpc.ClientUnaryCall;
  agentPnl(argument: _mnemo_v1_AuditServiceAgentPnlRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_AuditServiceAgentPnlResponse__Output>): grpc.ClientUnaryCall;
  agentPnl(argument: _mnemo_v1_AuditServiceAgentPnlRequest, callback: grpc.requestCallback<_mnemo_v1_AuditServiceAgentPnlResponse__Output>): grpc.ClientUnaryCall;
  
  Append(argument: _mnemo_v1_AuditServiceAppendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_AuditServiceAppendResponse__Output>): grpc.ClientUnaryCall;
  Append(argument: _mnemo_v1_AuditServiceAppendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_AuditServiceAppendResponse__Output>): grpc.ClientUnaryCall;
  Append(argument: _mnemo_v1_AuditServiceAppendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_AuditServiceAppendResponse__Output>): grpc.ClientUnaryCall;
  Append(argument: _mnemo_v1_AuditServiceAppendRequest, callback: grpc.requestCallback<_mnemo_v1_AuditServiceAppendResponse__Output>): grpc.ClientUnaryCall;
  append(argument: _mnemo_v1_AuditServiceAppendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_AuditServiceAppendResponse__Output>): grpc.ClientUnaryCall;
  append(argument: _mnemo_v1_AuditServiceAppendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_AuditServiceAppendResponse__Output>): grpc.ClientUnaryCall;
  append(argument: _mnemo_v1_AuditServiceAppendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_AuditServiceAppendResponse__Output>): grpc.ClientUnaryCall;
  append(argument: _mnemo_v1_AuditServiceAppendRequest, callback: grpc.requestCallback<_mnemo_v1_AuditServiceAppendResponse__Output>): grpc.ClientUnaryCall;
  
  Range(argument: _mnemo_v1_AuditServiceRangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_AuditServiceRangeResponse__Output>): grpc.ClientUnaryCall;
  Range(argument: _mnemo_v1_AuditServiceRangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_AuditServiceRangeResponse__Output>): grpc.ClientUnaryCall;
  Range(argument: _mnemo_v1_AuditServiceRangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_AuditServiceRangeResponse__Output>): grpc.ClientUnaryCall;
  Range(argument: _mnemo_v1_AuditServiceRangeRequest, callback: grpc.requestCallback<_mnemo_v1_AuditServiceRangeResponse__Output>): grpc.ClientUnaryCall;
  range(argument: _mnemo_v1_AuditServiceRangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_AuditServiceRangeResponse__Output>): grpc.ClientUnaryCall;
  range(argument: _mnemo_v1_AuditServiceRangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_AuditServiceRangeResponse__Output>): grpc.ClientUnaryCall;
  range(argument: _mnemo_v1_AuditServiceRangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_AuditServiceRangeResponse__Output>): grpc.ClientUnaryCall;
  range(argument: _mnemo_v1_AuditServiceRangeRequest, callback: grpc.requestCallback<_mnemo_v1_AuditServiceRangeResponse__Output>): grpc.ClientUnaryCall;
  
  Tail(argument: _mnemo_v1_AuditServiceTailRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_mnemo_v1_AuditServiceTailResponse__Output>;
  Tail(argument: _mnemo_v1_AuditServiceTailRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_mnemo_v1_AuditServiceTailResponse__Output>;
  tail(argument: _mnemo_v1_AuditServiceTailRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_mnemo_v1_AuditServiceTailResponse__Output>;
  tail(argument: _mnemo_v1_AuditServiceTailRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_mnemo_v1_AuditServiceTailResponse__Output>;
  
}

export interface AuditServiceHandlers extends grpc.UntypedServiceImplementation {
  AgentPnl: grpc.handleUnaryCall<_mnemo_v1_AuditServiceAgentPnlRequest__Output, _mnemo_v1_AuditServiceAgentPnlResponse>;
  
  Append: grpc.handleUnaryCall<_mnemo_v1_AuditServiceAppendRequest__Output, _mnemo_v1_AuditServiceAppendResponse>;
  
  Range: grpc.handleUnaryCall<_mnemo_v1_AuditServiceRangeRequest__Output, _mnemo_v1_AuditServiceRangeResponse>;
  
  Tail: grpc.handleServerStreamingCall<_mnemo_v1_AuditServiceTailRequest__Output, _mnemo_v1_AuditServiceTailResponse>;
  
}

export interface AuditServiceDefinition extends grpc.ServiceDefinition {
  AgentPnl: MethodDefinition<_mnemo_v1_AuditServiceAgentPnlRequest, _mnemo_v1_AuditServiceAgentPnlResponse, _mnemo_v1_AuditServiceAgentPnlRequest__Output, _mnemo_v1_AuditServiceAgentPnlResponse__Output>
  Append: MethodDefinition<_mnemo_v1_AuditServiceAppendRequest, _mnemo_v1_AuditServiceAppendResponse, _mnemo_v1_AuditServiceAppendRequest__Output, _mnemo_v1_AuditServiceAppendResponse__Output>
  Range: MethodDefinition<_mnemo_v1_AuditServiceRangeRequest, _mnemo_v1_AuditServiceRangeResponse, _mnemo_v1_AuditServiceRangeRequest__Output, _mnemo_v1_AuditServiceRangeResponse__Output>
  Tail: MethodDefinition<_mnemo_v1_AuditServiceTailRequest, _mnemo_v1_AuditServiceTailResponse, _mnemo_v1_AuditServiceTailRequest__Output, _mnemo_v1_AuditServiceTailResponse__Output>
}
