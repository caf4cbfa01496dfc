// Original file: proto/mnemo/v1/audit.proto

import type { AuditRecord as _mnemo_v1_AuditRecord, AuditRecord__Output as _mnemo_v1_AuditRecord__Output } from '../../mnemo/v1/AuditRecord.js';

export interface AuditServiceRangeResponse {
  'records'?: (_mnemo_v1_AuditRecord)[];
  'next_start_id'?: (string);
  'next_page_token'?: (string);
}

export interface AuditServiceRangeResponse__Output {
  'records': (_mnemo_v1_AuditRecord__Output)[];
  'next_start_id': (string);
  'next_page_token': (string);
}
