// Original file: proto/mnemo/v1/audit.proto

import type { AuditRecord as _mnemo_v1_AuditRecord, AuditRecord__Output as _mnemo_v1_AuditRecord__Output } from '../../mnemo/v1/AuditRecord.js';

export interface AuditServiceTailResponse {
  'record'?: (_mnemo_v1_AuditRecord | null);
}

export interface AuditServiceTailResponse__Output {
  'record': (_mnemo_v1_AuditRecord__Output | null);
}
