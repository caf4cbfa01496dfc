// Original file: proto/mnemo/v1/audit.proto

import type { AuditEntry as _mnemo_v1_AuditEntry, AuditEntry__Output as _mnemo_v1_AuditEntry__Output } from '../../mnemo/v1/AuditEntry.js';

export interface AuditServiceAppendRequest {
  'entry'?: (_mnemo_v1_AuditEntry | null);
}

export interface AuditServiceAppendRequest__Output {
  'entry': (_mnemo_v1_AuditEntry__Output | null);
}
