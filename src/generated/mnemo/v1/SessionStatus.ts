// Original file: proto/mnemo/v1/session.proto

export const SessionStatus = {
  SESSION_STATUS_UNSPECIFIED: 'SESSION_STATUS_UNSPECIFIED',
  SESSION_STATUS_ACTIVE: 'SESSION_STATUS_ACTIVE',
  SESSION_STATUS_STALE: 'SESSION_STATUS_STALE',
  SESSION_STATUS_HALTED: 'SESSION_STATUS_HALTED',
  SESSION_STATUS_ENDED: 'SESSION_STATUS_ENDED',
} as const;

export type SessionStatus =
  | 'SESSION_STATUS_UNSPECIFIED'
  | 0
  | 'SESSION_STATUS_ACTIVE'
  | 1
  | 'SESSION_STATUS_STALE'
  | 2
  | 'SESSION_STATUS_HALTED'
  | 3
  | 'SESSION_STATUS_ENDED'
  | 4

export type SessionStatus__Output = typeof SessionStatus[keyof typeof SessionStatus]
