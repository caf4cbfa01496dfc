// Original file: proto/mnemo/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface AuditServiceAgentPnlResponse {
  'total_pnl'?: (number | string);
  'entries'?: (number | string | Long);
}

export interface AuditServiceAgentPnlResponse__Output {
  'total_pnl': (number);
  'entries': (number);
}
