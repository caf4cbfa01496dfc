// Original file: proto/mnemo/v1/session.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { SessionServiceEndSessionRequest as _mnemo_v1_SessionServiceEndSessionRequest, SessionServiceEndSessionRequest__Output as _mnemo_v1_SessionServiceEndSessionRequest__Output } from '../../mnemo/v1/SessionServiceEndSessionRequest.js';
import type { SessionServiceEndSessionResponse as _mnemo_v1_SessionServiceEndSessionResponse, SessionServiceEndSessionResponse__Output as _mnemo_v1_SessionServiceEndSessionResponse__Output } from '../../mnemo/v1/SessionServiceEndSessionResponse.js';
import type { SessionServiceGetSessionRequest as _mnemo_v1_SessionServiceGetSessionRequest, SessionServiceGetSessionRequest__Output as _mnemo_v1_SessionServiceGetSessionRequest__Output } from '../../mnemo/v1/SessionServiceGetSessionRequest.js';
import type { SessionServiceGetSessionResponse as _mnemo_v1_SessionServiceGetSessionResponse, SessionServiceGetSessionResponse__Output as _mnemo_v1_SessionServiceGetSessionResponse__Output } from '../../mnemo/v1/SessionServiceGetSessionResponse.js';
import type { SessionServiceHeartbeatRequest as _mnemo_v1_SessionServiceHeartbeatRequest, SessionServiceHeartbeatRequest__Output as _mnemo_v1_SessionServiceHeartbeatRequest__Output } from '../../mnemo/v1/SessionServiceHeartbeatRequest.js';
import type { SessionServiceHeartbeatResponse as _mnemo_v1_SessionServiceHeartbeatResponse, SessionServiceHeartbeatResponse__Output as _mnemo_v1_SessionServiceHeartbeatResponse__Output } from '../../mnemo/v1/SessionServiceHeartbeatResponse.js';
import type { SessionServiceListSessionsRequest as _mnemo_v1_SessionServiceListSessionsRequest, SessionServiceListSessionsRequest__Output as _mnemo_v1_SessionServiceListSessionsRequest__Output } from '../../mnemo/v1/SessionServiceListSessionsRequest.js';
import type { SessionServiceListSessionsResponse as _mnemo_v1_SessionServiceListSessionsResponse, SessionServiceListSessionsResponse__Output as _mnemo_v1_SessionServiceListSessionsResponse__Output } from '../../mnemo/v1/SessionServiceListSessionsResponse.js';
import type { SessionServiceRecordTradeRequest as _mnemo_v1_SessionServiceRecordTradeRequest, SessionServiceRecordTradeRequest__Output as _mnemo_v1_SessionServiceRecordTradeRequest__Output } from '../../mnemo/v1/SessionServiceRecordTradeRequest.js';
import type { SessionServiceRecordTradeResponse as _mnemo_v1_SessionServiceRecordTradeResponse, SessionServiceRecordTradeResponse__Output as _mnemo_v1_SessionServiceRecordTradeResponse__Output } from '../../mnemo/v1/SessionServiceRecordTradeResponse.js';
import type { SessionServiceResumeSessionRequest as _mnemo_v1_SessionServiceResumeSessionRequest, SessionServiceResumeSessionRequest__Output as _mnemo_v1_SessionServiceResumeSessionRequest__Output } from '../../mnemo/v1/SessionServiceResumeSessionRequest.js';
import type { SessionServiceResumeSessionResponse as _mnemo_v1_SessionServiceResumeSessionResponse, SessionServiceResumeSessionResponse__Output as _mnemo_v1_SessionServiceResumeSessionResponse__Output } from '../../mnemo/v1/SessionServiceResumeSessionResponse.js';
import type { SessionServiceStartSessionRequest as _mnemo_v1_SessionServiceStartSessionRequest, SessionServiceStartSessionRequest__Output as _mnemo_v1_SessionServiceStartSessionRequest__Output } from '../../mnemo/v1/SessionServiceStartSessionRequest.js';
import type { SessionServiceStartSessionResponse as _mnemo_v1_SessionServiceStartSessionResponse, SessionServiceStartSessionResponse__Output as _mnemo_v1_SessionServiceStartSessionResponse__Output } from '../../mnemo/v1/SessionServiceStartSessionResponse.js';
import type { SessionServiceWatchSessionsRequest as _mnemo_v1_SessionServiceWatchSessionsRequest, SessionServiceWatchSessionsRequest__Output as _mnemo_v1_SessionServiceWatchSessionsRequest__Output } from '../../mnemo/v1/SessionServiceWatchSessionsRequest.js';
import type { SessionServiceWatchSessionsResponse as _mnemo_v1_SessionServiceWatchSessionsResponse, SessionServiceWatchSessionsResponse__Output as _mnemo_v1_SessionServiceWatchSessionsResponse__Output } from '../../mnemo/v1/SessionServiceWatchSessionsResponse.js';

export interface SessionServiceClient extends grpc.Client {
  EndSession(argument: _mnemo_v1_SessionServiceEndSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceEndSessionResponse__Output>): grpc.ClientUnaryCall;
  EndSession(argument: _mnemo_v1_SessionServiceEndSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SessionServiceEndSessionResponse__Output>): grpc.ClientUnaryCall;
  EndSession(argument: _mnemo_v1_SessionServiceEndSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceEndSessionResponse__Output>): grpc.ClientUnaryCall;
  EndSession(argument: _mnemo_v1_SessionServiceEndSessionRequest, callback: grpc.requestCallback<_mnemo_v1_SessionServiceEndSessionResponse__Output>): grpc.ClientUnaryCall;
  endSession(argument: _mnemo_v1_SessionServiceEndSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceEndSessionResponse__Output>): grpc.ClientUnaryCall;
  endSession(argument: _mnemo_v1_SessionServiceEndSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SessionServiceEndSessionResponse__Output>): grpc.ClientUnaryCall;
  endSession(argument: _mnemo_v1_SessionServiceEndSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceEndSessionResponse__Output>): grpc.ClientUnaryCall;
  endSession(argument: _mnemo_v1_SessionServiceEndSessionRequest, callback: grpc.requestCallback<_mnemo_v1_SessionServiceEndSessionResponse__Output>): grpc.ClientUnaryCall;
  
  GetSession(argument: _mnemo_v1_SessionServiceGetSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceGetSessionResponse__Output>): grpc.ClientUnaryCall;
  GetSession(argument: _mnemo_v1_SessionServiceGetSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SessionServiceGetSessionResponse__Output>): grpc.ClientUnaryCall;
  GetSession(argument: _mnemo_v1_SessionServiceGetSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceGetSessionResponse__Output>): grpc.ClientUnaryCall;
  GetSession(argument: _mnemo_v1_SessionServiceGetSessionRequest, callback: grpc.requestCallback<_mnemo_v1_SessionServiceGetSessionResponse__Output>): grpc.ClientUnaryCall;
  getSession(argument: _mnemo_v1_SessionServiceGetSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceGetSessionResponse__Output>): grpc.ClientUnaryCall;
  getSession(argument: _mnemo_v1_SessionServiceGetSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SessionServiceGetSessionResponse__Output>): grpc.ClientUnaryCall;
  getSession(argument: _mnemo_v1_SessionServiceGetSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceGetSessionResponse__Output>): grpc.ClientUnaryCall;
  getSession(argument: _mnemo_v1_SessionServiceGetSessionRequest, callback: grpc.requestCallback<_mnemo_v1_SessionServiceGetSessionResponse__Output>): grpc.ClientUnaryCall;
  
  Heartbeat(argument: _mnemo_v1_SessionServiceHeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _mnemo_v1_SessionServiceHeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SessionServiceHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _mnemo_v1_SessionServiceHeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _mnemo_v1_SessionServiceHeartbeatRequest, callback: grpc.requestCallback<_mnemo_v1_SessionServiceHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _mnemo_v1_SessionServiceHeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _mnemo_v1_SessionServiceHeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SessionServiceHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _mnemo_v1_SessionServiceHeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _mnemo_v1_SessionServiceHeartbeatRequest, callback: grpc.requestCallback<_mnemo_v1_SessionServiceHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  ListSessions(argument: _mnemo_v1_SessionServiceListSessionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceListSessionsResponse__Output>): grpc.ClientUnaryCall;
  ListSessions(argument: _mnemo_v1_SessionServiceListSessionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SessionServiceListSessionsResponse__Output>): grpc.ClientUnaryCall;
  ListSessions(argument: _mnemo_v1_SessionServiceListSessionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceListSessionsResponse__Output>): grpc.ClientUnaryCall;
  ListSessions(argument: _mnemo_v1_SessionServiceListSessionsRequest, callback: grpc.requestCallback<_mnemo_v1_SessionServiceListSessionsResponse__Output>): grpc.ClientUnaryCall;
  listSessions(argument: _mnemo_v1_SessionServiceListSessionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceListSessionsResponse__Output>): grpc.ClientUnaryCall;
  listSessions(argument: _mnemo_v1_SessionServiceListSessionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SessionServiceListSessionsResponse__Output>): grpc.ClientUnaryCall;
  listSessions(argument: _mnemo_v1_SessionServiceListSessionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceListSessionsResponse__Output>): grpc.ClientUnaryCall;
  listSessions(argument: _mnemo_v1_SessionServiceListSessionsRequest, callback: grpc.requestCallback<_mnemo_v1_SessionServiceListSessionsResponse__Output>): grpc.ClientUnaryCall;
  
  RecordTrade(argument: _mnemo_v1_SessionServiceRecordTradeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceRecordTradeResponse__Output>): grpc.ClientUnaryCall;
  RecordTrade(argument: _mnemo_v1_SessionServiceRecordTradeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SessionServiceRecordTradeResponse__Output>): grpc.ClientUnaryCall;
  RecordTrade(argument: _mnemo_v1_SessionServiceRecordTradeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceRecordTradeResponse__Output>): grpc.ClientUnaryCall;
  RecordTrade(argument: _mnemo_v1_SessionServiceRecordTradeRequest, callback: grpc.requestCallback<_mnemo_v1_SessionServiceRecordTradeResponse__Output>): grpc.ClientUnaryCall;
  recordTrade(argument: _mnemo_v1_SessionServiceRecordTradeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceRecordTradeResponse__Output>): grpc.ClientUnaryCall;
  recordTrade(argument: _mnemo_v1_SessionServiceRecordTradeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SessionServiceRecordTradeResponse__Output>): grpc.ClientUnaryCall;
  recordTrade(argument: _mnemo_v1_SessionServiceRecordTradeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceRecordTradeResponse__Output>): grpc.ClientUnaryCall;
  recordTrade(argument: _mnemo_v1_SessionServiceRecordTradeRequest, callback: grpc.requestCallback<_mnemo_v1_SessionServiceRecordTradeResponse__Output>): grpc.ClientUnaryCall;
  
  ResumeSession(argument: _mnemo_v1_SessionServiceResumeSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceResumeSessionResponse__Output>): grpc.ClientUnaryCall;
  ResumeSession(argument: _mnemo_v1_SessionServiceResumeSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SessionServiceResumeSessionResponse__Output>): grpc.ClientUnaryCall;
  ResumeSession(argument: _mnemo_v1_SessionServiceResumeSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceResumeSessionResponse__Output>): grpc.ClientUnaryCall;
  ResumeSession(argument: _mnemo_v1_SessionServiceResumeSessionRequest, callback: grpc.requestCallback<_mnemo_v1_SessionServiceResumeSessionResponse__Output>): grpc.ClientUnaryCall;
  resumeSession(argument: _mnemo_v1_SessionServiceResumeSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceResumeSessionResponse__Output>): grpc.ClientUnaryCall;
  resumeSession(argument: _mnemo_v1_SessionServiceResumeSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SessionServiceResumeSessionResponse__Output>): grpc.ClientUnaryCall;
  resumeSession(argument: _mnemo_v1_SessionServiceResumeSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceResumeSessionResponse__Output>): grpc.ClientUnaryCall;
  resumeSession(argument: _mnemo_v1_SessionServiceResumeSessionRequest, callback: grpc.requestCallback<_mnemo_v1_SessionServiceResumeSessionResponse__Output>): grpc.ClientUnaryCall;
  
  StartSession(argument: _mnemo_v1_SessionServiceStartSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceStartSessionResponse__Output>): grpc.ClientUnaryCall;
  StartSession(argument: _mnemo_v1_SessionServiceStartSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SessionServiceStartSessionResponse__Output>): grpc.ClientUnaryCall;
  StartSession(argument: _mnemo_v1_SessionServiceStartSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceStartSessionResponse__Output>): grpc.ClientUnaryCall;
  StartSession(argument: _mnemo_v1_SessionServiceStartSessionRequest, callback: grpc.requestCallback<_mnemo_v1_SessionServiceStartSessionResponse__Output>): grpc.ClientUnaryCall;
  startSession(argument: _mnemo_v1_SessionServiceStartSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceStartSessionResponse__Output>): grpc.ClientUnaryCall;
  startSession(argument: _mnemo_v1_SessionServiceStartSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mnemo_v1_SessionServiceStartSessionResponse__Output>): grpc.ClientUnaryCall;
  startSession(argument: _mnemo_v1_SessionServiceStartSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mnemo_v1_SessionServiceStartSessionResponse__Output>): grpc.ClientUnaryCall;
  startSession(argument: _mnemo_v1_SessionServiceStartSessionRequest, callback: grpc.requestCallback<_mnemo_v1_SessionServiceStartSessionResponse__Output>): grpc.ClientUnaryCall;
  
  WatchSessions(argument: _mnemo_v1_SessionServiceWatchSessionsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_mnemo_v1_SessionServiceWatchSessionsResponse__Output>;
  WatchSessions(argument: _mnemo_v1_SessionServiceWatchSessionsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_mnemo_v1_SessionServiceWatchSessionsResponse__Output>;
  watchSessions(argument: _mnemo_v1_SessionServiceWatchSessionsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_mnemo_v1_SessionServiceWatchSessionsResponse__Output>;
  watchSessions(argument: _mnemo_v1_SessionServiceWatchSessionsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_mnemo_v1_SessionServiceWatchSessionsResponse__Output>;
  
}

export interface SessionServiceHandlers extends grpc.UntypedServiceImplementation {
  EndSession: grpc.handleUnaryCall<_mnemo_v1_SessionServiceEndSessionRequest__Output, _mnemo_v1_SessionServiceEndSessionResponse>;
  
  GetSession: grpc.handleUnaryCall<_mnemo_v1_SessionServiceGetSessionRequest__Output, _mnemo_v1_SessionServiceGetSessionResponse>;
  
  Heartbeat: grpc.handleUnaryCall<_mnemo_v1_SessionServiceHeartbeatRequest__Output, _mnemo_v1_SessionServiceHeartbeatResponse>;
  
  ListSessions: grpc.handleUnaryCall<_mnemo_v1_SessionServiceListSessionsRequest__Output, _mnemo_v1_SessionServiceListSessionsResponse>;
  
  RecordTrade: grpc.handleUnaryCall<_mnemo_v1_SessionServiceRecordTradeRequest__Output, _mnemo_v1_SessionServiceRecordTradeResponse>;
  
  ResumeSession: grpc.handleUnaryCall<_mnemo_v1_SessionServiceResumeSessionRequest__Output, _mnemo_v1_SessionServiceResumeSessionResponse>;
  
  StartSession: grpc.handleUnaryCall<_mnemo_v1_SessionServiceStartSessionRequest__Output, _mnemo_v1_SessionServiceStartSessionResponse>;
  
  WatchSessions: grpc.handleServerStreamingCall<_mnemo_v1_SessionServiceWatchSessionsRequest__Output, _mnemo_v1_SessionServiceWatchSessionsResponse>;
  
}

export interface SessionServiceDefinition extends grpc.ServiceDefinition {
  EndSession: MethodDefinition<_mnemo_v1_SessionServiceEndSessionRequest, _mnemo_v1_SessionServiceEndSessionResponse, _mnemo_v1_SessionServiceEndSessionRequest__Output, _mnemo_v1_SessionServiceEndSessionResponse__Output>
  GetSession: MethodDefinition<_mnemo_v1_SessionServiceGetSessionRequest, _mnemo_v1_SessionServiceGetSessionResponse, _mnemo_v1_SessionServiceGetSessionRequest__Output, _mnemo_v1_SessionServiceGetSessionResponse__Output>
  Heartbeat: MethodDefinition<_mnemo_v1_SessionServiceHeartbeatRequest, _mnemo_v1_SessionServiceHeartbeatResponse, _mnemo_v1_SessionServiceHeartbeatRequest__Output, _mnemo_v1_SessionServiceHeartbeatResponse__Output>
  ListSessions: MethodDefinition<_mnemo_v1_SessionServiceListSessionsRequest, _mnemo_v1_SessionServiceListSessionsResponse, _mnemo_v1_SessionServiceListSessionsRequest__Output, _mnemo_v1_SessionServiceListSessionsResponse__Output>
  RecordTrade: MethodDefinition<_mnemo_v1_SessionServiceRecordTradeRequest, _mnemo_v1_SessionServiceRecordTradeResponse, _mnemo_v1_SessionServiceRecordTradeRequest__Output, _mnemo_v1_SessionServiceRecordTradeResponse__Output>
  ResumeSession: MethodDefinition<_mnemo_v1_SessionServiceResumeSessionRequest, _mnemo_v1_SessionServiceResumeSessionResponse, _mnemo_v1_SessionServiceResumeSessionRequest__Output, _mnemo_v1_SessionServiceResumeSessionResponse__Output>
  StartSession: MethodDefinition<_mnemo_v1_SessionServiceStartSessionRequest, _mnemo_v1_SessionServiceStartSessionResponse, _mnemo_v1_SessionServiceStartSessionRequest__Output, _mnemo_v1_SessionServiceStartSessionResponse__Output>
  WatchSessions: MethodDefinition<_mnemo_v1_SessionServiceWatchSessionsRequest, _mnemo_v1_SessionServiceWatchSessionsResponse, _mnemo_v1_SessionServiceWatchSessionsRequest__Output, _mnemo_v1_SessionServiceWatchSessionsResponse__Output>
}
