// Original file: proto/mnemo/v1/audit.proto


export interface AuditEntry {
  'agent_id'?: (string);
  'action'?: (string);
  'market'?: (string);
  'amount'?: (number | string);
  'status'?: (string);
  'tx_id'?: (string);
  'pnl'?: (number | string);
  'wall_time'?: (number | string);
  'meta'?: (string);
}

export interface AuditEntry__Output {
  'agent_id': (string);
  'action': (string);
  'market': (string);
  'amount': (number);
  'status': (string);
  'tx_id': (string);
  'pnl': (number);
  'wall_time': (number);
  'meta': (string);
}
