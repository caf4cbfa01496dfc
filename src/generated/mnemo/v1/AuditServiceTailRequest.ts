// Original file: proto/mnemo/v1/audit.proto


export interface AuditServiceTailRequest {
  'after_id'?: (string);
  'agent_id'?: (string);
}

export interface AuditServiceTailRequest__Output {
  'after_id': (string);
  'agent_id': (string);
}
