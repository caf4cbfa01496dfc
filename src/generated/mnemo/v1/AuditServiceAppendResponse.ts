// Original file: proto/mnemo/v1/audit.proto


export interface AuditServiceAppendResponse {
  'id'?: (string);
  'duplicate'?: (boolean);
}

export interface AuditServiceAppendResponse__Output {
  'id': (string);
  'duplicate': (boolean);
}
