import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AuditEntry as _mnemo_v1_AuditEntry, AuditEntry__Output as _mnemo_v1_AuditEntry__Output } from './mnemo/v1/AuditEntry.js';
import type { AuditRecord as _mnemo_v1_AuditRecord, AuditRecord__Output as _mnemo_v1_AuditRecord__Output } from './mnemo/v1/AuditRecord.js';
import type { AuditServiceClient as _mnemo_v1_AuditServiceClient, AuditServiceDefinition as _mnemo_v1_AuditServiceDefinition } from './mnemo/v1/AuditService.js';
import type { AuditServiceAgentPnlRequest as _mnemo_v1_AuditServiceAgentPnlRequest, AuditServiceAgentPnlRequest__Output as _mnemo_v1_AuditServiceAgentPnlRequest__Output } from './mnemo/v1/AuditServiceAgentPnlRequest.js';
import type { AuditServiceAgentPnlResponse as _mnemo_v1_AuditServiceAgentPnlResponse, AuditServiceAgentPnlResponse__Output as _mnemo_v1_AuditServiceAgentPnlResponse__Output } from './mnemo/v1/AuditServiceAgentPnlResponse.js';
import type { AuditServiceAppendRequest as _mnemo_v1_AuditServiceAppendRequest, AuditServiceAppendRequest__Output as _mnemo_v1_AuditServiceAppendRequest__Output } from './mnemo/v1/AuditServiceAppendRequest.js';
import type { AuditServiceAppendResponse as _mnemo_v1_AuditServiceAppendResponse, AuditServiceAppendResponse__Output as _mnemo_v1_AuditServiceAppendResponse__Output } from './mnemo/v1/AuditServiceAppendResponse.js';
import type { AuditServiceRangeRequest as _mnemo_v1_AuditServiceRangeRequest, AuditServiceRangeRequest__Output as _mnemo_v1_AuditServiceRangeRequest__Output } from './mnemo/v1/AuditServiceRangeRequest.js';
import type { AuditServiceRangeResponse as _mnemo_v1_AuditServiceRangeResponse, AuditServiceRangeResponse__Output as _mnemo_v1_AuditServiceRangeResponse__Output } from './mnemo/v1/AuditServiceRangeResponse.js';
import type { AuditServiceTailRequest as _mnemo_v1_AuditServiceTailRequest, AuditServiceTailRequest__Output as _mnemo_v1_AuditServiceTailRequest__Output } from './mnemo/v1/AuditServiceTailRequest.js';
import type { AuditServiceTailResponse as _mnemo_v1_AuditServiceTailResponse, AuditServiceTailResponse__Output as _mnemo_v1_AuditServiceTailResponse__Output } from './mnemo/v1/AuditServiceTailResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  mnemo: {
    v1: {
      AuditEntry: MessageTypeDefinition<_mnemo_v1_AuditEntry, _mnemo_v1_AuditEntry__Output>
      AuditRecord: MessageTypeDefinition<_mnemo_v1_AuditRecord, _mnemo_v1_AuditRecord__Output>
      AuditService: SubtypeConstructor<typeof grpc.Client, _mnemo_v1_AuditServiceClient> & { service: _mnemo_v1_AuditServiceDefinition }
      AuditServiceAgentPnlRequest: MessageTypeDefinition<_mnemo_v1_AuditServiceAgentPnlRequest, _mnemo_v1_AuditServiceAgentPnlRequest__Output>
      AuditServiceAgentPnlResponse: MessageTypeDefinition<_mnemo_v1_AuditServiceAgentPnlResponse, _mnemo_v1_AuditServiceAgentPnlResponse__Output>
      AuditServiceAppendRequest: MessageTypeDefinition<_mnemo_v1_AuditServiceAppendRequest, _mnemo_v1_AuditServiceAppendRequest__Output>
      AuditServiceAppendResponse: MessageTypeDefinition<_mnemo_v1_AuditServiceAppendResponse, _mnemo_v1_AuditServiceAppendResponse__Output>
      AuditServiceRangeRequest: MessageTypeDefinition<_mnemo_v1_AuditServiceRangeRequest, _mnemo_v1_AuditServiceRangeRequest__Output>
      AuditServiceRangeResponse: MessageTypeDefinition<_mnemo_v1_AuditServiceRangeResponse, _mnemo_v1_AuditServiceRangeResponse__Output>
      AuditServiceTailRequest: MessageTypeDefinition<_mnemo_v1_AuditServiceTailRequest, _mnemo_v1_AuditServiceTailRequest__Output>
      AuditServiceTailResponse: MessageTypeDefinition<_mnemo_v1_AuditServiceTailResponse, _mnemo_v1_AuditServiceTailResponse__Output>
    }
  }
}

