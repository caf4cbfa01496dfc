// Original file: proto/mnemo/v1/audit.proto


export interface AuditServiceRangeRequest {
  'start_id'?: (string);
  'end_id'?: (string);
  'from_time'?: (number | string);
  'to_time'?: (number | string);
  'count'?: (number);
  'agent_id'?: (string);
  'action'?: (string);
  'page_size'?: (number);
  'page_token'?: (string);
}

export interface AuditServiceRangeRequest__Output {
  'start_id': (string);
  'end_id': (string);
  'from_time': (number);
  'to_time': (number);
  'count': (number);
  'agent_id': (string);
  'action': (string);
  'page_size': (number);
  'page_token': (string);
}
