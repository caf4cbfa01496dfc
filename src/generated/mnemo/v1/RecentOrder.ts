// Original file: proto/mnemo/v1/memory.proto

export const RecentOrder = {
  RECENT_ORDER_UNSPECIFIED: 'RECENT_ORDER_UNSPECIFIED',
  RECENT_ORDER_REWARD_DESC: 'RECENT_ORDER_REWARD_DESC',
  RECENT_ORDER_TIMESTAMP_DESC: 'RECENT_ORDER_TIMESTAMP_DESC',
} as const;

export type RecentOrder =
  | 'RECENT_ORDER_UNSPECIFIED'
  | 0
  | 'RECENT_ORDER_REWARD_DESC'
  | 1
  | 'RECENT_ORDER_TIMESTAMP_DESC'
  | 2

export type RecentOrder__Output = typeof RecentOrder[keyof typeof RecentOrder]
