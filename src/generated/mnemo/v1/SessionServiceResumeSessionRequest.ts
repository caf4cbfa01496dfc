// Original file: proto/mnemo/v1/session.proto


export interface SessionServiceResumeSessionRequest {
  'agent_id'?: (string);
}

export interface SessionServiceResumeSessionRequest__Output {
  'agent_id': (string);
}
