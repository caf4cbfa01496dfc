// Original file: proto/mnemo/v1/session.proto


export interface SessionServiceRecordTradeRequest {
  'agent_id'?: (string);
  'pnl'?: (number | string);
  'tx_id'?: (string);
}

export interface SessionServiceRecordTradeRequest__Output {
  'agent_id': (string);
  'pnl': (number);
  'tx_id': (string);
}
