import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Session as _mnemo_v1_Session, Session__Output as _mnemo_v1_Session__Output } from './mnemo/v1/Session.js';
import type { SessionServiceClient as _mnemo_v1_SessionServiceClient, SessionServiceDefinition as _mnemo_v1_SessionServiceDefinition } from './mnemo/v1/SessionService.js';
import type { SessionServiceEndSessionRequest as _mnemo_v1_SessionServiceEndSessionRequest, SessionServiceEndSessionRequest__Output as _mnemo_v1_SessionServiceEndSessionRequest__Output } from './mnemo/v1/SessionServiceEndSessionRequest.js';
import type { SessionServiceEndSessionResponse as _mnemo_v1_SessionServiceEndSessionResponse, SessionServiceEndSessionResponse__Output as _mnemo_v1_SessionServiceEndSessionResponse__Output } from './mnemo/v1/SessionServiceEndSessionResponse.js';
import type { SessionServiceGetSessionRequest as _mnemo_v1_SessionServiceGetSessionRequest, SessionServiceGetSessionRequest__Output as _mnemo_v1_SessionServiceGetSessionRequest__Output } from './mnemo/v1/SessionServiceGetSessionRequest.js';
import type { SessionServiceGetSessionResponse as _mnemo_v1_SessionServiceGetSessionResponse, SessionServiceGetSessionResponse__Output as _mnemo_v1_SessionServiceGetSessionResponse__Output } from './mnemo/v1/SessionServiceGetSessionResponse.js';
import type { SessionServiceHeartbeatRequest as _mnemo_v1_SessionServiceHeartbeatRequest, SessionServiceHeartbeatRequest__Output as _mnemo_v1_SessionServiceHeartbeatRequest__Output } from './mnemo/v1/SessionServiceHeartbeatRequest.js';
import type { SessionServiceHeartbeatResponse as _mnemo_v1_SessionServiceHeartbeatResponse, SessionServiceHeartbeatResponse__Output as _mnemo_v1_SessionServiceHeartbeatResponse__Output } from './mnemo/v1/SessionServiceHeartbeatResponse.js';
import type { SessionServiceListSessionsRequest as _mnemo_v1_SessionServiceListSessionsRequest, SessionServiceListSessionsRequest__Output as _mnemo_v1_SessionServiceListSessionsRequest__Output } from './mnemo/v1/SessionServiceListSessionsRequest.js';
import type { SessionServiceListSessionsResponse as _mnemo_v1_SessionServiceListSessionsResponse, SessionServiceListSessionsResponse__Output as _mnemo_v1_SessionServiceListSessionsResponse__Output } from './mnemo/v1/SessionServiceListSessionsResponse.js';
import type { SessionServiceRecordTradeRequest as _mnemo_v1_SessionServiceRecordTradeRequest, SessionServiceRecordTradeRequest__Output as _mnemo_v1_SessionServiceRecordTradeRequest__Output } from './mnemo/v1/SessionServiceRecordTradeRequest.js';
import type { SessionServiceRecordTradeResponse as _mnemo_v1_SessionServiceRecordTradeResponse, SessionServiceRecordTradeResponse__Output as _mnemo_v1_SessionServiceRecordTradeResponse__Output } from './mnemo/v1/SessionServiceRecordTradeResponse.js';
import type { SessionServiceResumeSessionRequest as _mnemo_v1_SessionServiceResumeSessionRequest, SessionServiceResumeSessionRequest__Output as _mnemo_v1_SessionServiceResumeSessionRequest__Output } from './mnemo/v1/SessionServiceResumeSessionRequest.js';
import type { SessionServiceResumeSessionResponse as _mnemo_v1_SessionServiceResumeSessionResponse, SessionServiceResumeSessionResponse__Output as _mnemo_v1_SessionServiceResumeSessionResponse__Output } from './mnemo/v1/SessionServiceResumeSessionResponse.js';
import type { SessionServiceStartSessionRequest as _mnemo_v1_SessionServiceStartSessionRequest, SessionServiceStartSessionRequest__Output as _mnemo_v1_SessionServiceStartSessionRequest__Output } from './mnemo/v1/SessionServiceStartSessionRequest.js';
import type { SessionServiceStartSessionResponse as _mnemo_v1_SessionServiceStartSessionResponse, SessionServiceStartSessionResponse__Output as _mnemo_v1_SessionServiceStartSessionResponse__Output } from './mnemo/v1/SessionServiceStartSessionResponse.js';
import type { SessionServiceWatchSessionsRequest as _mnemo_v1_SessionServiceWatchSessionsRequest, SessionServiceWatchSessionsRequest__Output as _mnemo_v1_SessionServiceWatchSessionsRequest__Output } from './mnemo/v1/SessionServiceWatchSessionsRequest.js';
import type { SessionServiceWatchSessionsResponse as _mnemo_v1_SessionServiceWatchSessionsResponse, SessionServiceWatchSessionsResponse__Output as _mnemo_v1_SessionServiceWatchSessionsResponse__Output } from './mnemo/v1/SessionServiceWatchSessionsResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  mnemo: {
    v1: {
      Session: MessageTypeDefinition<_mnemo_v1_Session, _mnemo_v1_Session__Output>
      SessionEvent: EnumTypeDefinition
      SessionService: SubtypeConstructor<typeof grpc.Client, _mnemo_v1_SessionServiceClient> & { service: _mnemo_v1_SessionServiceDefinition }
      SessionServiceEndSessionRequest: MessageTypeDefinition<_mnemo_v1_SessionServiceEndSessionRequest, _mnemo_v1_SessionServiceEndSessionRequest__Output>
      SessionServiceEndSessionResponse: MessageTypeDefinition<_mnemo_v1_SessionServiceEndSessionResponse, _mnemo_v1_SessionServiceEndSessionResponse__Output>
      SessionServiceGetSessionRequest: MessageTypeDefinition<_mnemo_v1_SessionServiceGetSessionRequest, _mnemo_v1_SessionServiceGetSessionRequest__Output>
      SessionServiceGetSessionResponse: MessageTypeDefinition<_mnemo_v1_SessionServiceGetSessionResponse, _mnemo_v1_SessionServiceGetSessionResponse__Output>
      SessionServiceHeartbeatRequest: MessageTypeDefinition<_mnemo_v1_SessionServiceHeartbeatRequest, _mnemo_v1_SessionServiceHeartbeatRequest__Output>
      SessionServiceHeartbeatResponse: MessageTypeDefinition<_mnemo_v1_SessionServiceHeartbeatResponse, _mnemo_v1_SessionServiceHeartbeatResponse__Output>
      SessionServiceListSessionsRequest: MessageTypeDefinition<_mnemo_v1_SessionServiceListSessionsRequest, _mnemo_v1_SessionServiceListSessionsRequest__Output>
      SessionServiceListSessionsResponse: MessageTypeDefinition<_mnemo_v1_SessionServiceListSessionsResponse, _mnemo_v1_SessionServiceListSessionsResponse__Output>
      SessionServiceRecordTradeRequest: MessageTypeDefinition<_mnemo_v1_SessionServiceRecordTradeRequest, _mnemo_v1_SessionServiceRecordTradeRequest__Output>
      SessionServiceRecordTradeResponse: MessageTypeDefinition<_mnemo_v1_SessionServiceRecordTradeResponse, _mnemo_v1_SessionServiceRecordTradeResponse__Output>
      SessionServiceResumeSessionRequest: MessageTypeDefinition<_mnemo_v1_SessionServiceResumeSessionRequest, _mnemo_v1_SessionServiceResumeSessionRequest__Output>
      SessionServiceResumeSessionResponse: MessageTypeDefinition<_mnemo_v1_SessionServiceResumeSessionResponse, _mnemo_v1_SessionServiceResumeSessionResponse__Output>
      SessionServiceStartSessionRequest: MessageTypeDefinition<_mnemo_v1_SessionServiceStartSessionRequest, _mnemo_v1_SessionServiceStartSessionRequest__Output>
      SessionServiceStartSessionResponse: MessageTypeDefinition<_mnemo_v1_SessionServiceStartSessionResponse, _mnemo_v1_SessionServiceStartSessionResponse__Output>
      SessionServiceWatchSessionsRequest: MessageTypeDefinition<_mnemo_v1_SessionServiceWatchSessionsRequest, _mnemo_v1_SessionServiceWatchSessionsRequest__Output>
      SessionServiceWatchSessionsResponse: MessageTypeDefinition<_mnemo_v1_SessionServiceWatchSessionsResponse, _mnemo_v1_SessionServiceWatchSessionsResponse__Output>
      SessionStatus: EnumTypeDefinition
    }
  }
}

