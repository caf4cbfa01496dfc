// Original file: proto/mnemo/v1/session.proto


export interface SessionServiceWatchSessionsRequest {
  'agent_ids'?: (string)[];
  'after_id'?: (string);
}

export interface SessionServiceWatchSessionsRequest__Output {
  'agent_ids': (string)[];
  'after_id': (string);
}
