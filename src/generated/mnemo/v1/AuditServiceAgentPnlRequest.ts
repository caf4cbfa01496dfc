// Original file: proto/mnemo/v1/audit.proto


export interface AuditServiceAgentPnlRequest {
  'agent_id'?: (string);
  'from_time'?: (number | string);
  'to_time'?: (number | string);
}

export interface AuditServiceAgentPnlRequest__Output {
  'agent_id': (string);
  'from_time': (number);
  'to_time': (number);
}
