// Original file: proto/mnemo/v1/memory.proto

export const MemoryType = {
  MEMORY_TYPE_UNSPECIFIED: 'MEMORY_TYPE_UNSPECIFIED',
  MEMORY_TYPE_PATTERN: 'MEMORY_TYPE_PATTERN',
  MEMORY_TYPE_REGIME: 'MEMORY_TYPE_REGIME',
  MEMORY_TYPE_STRATEGY: 'MEMORY_TYPE_STRATEGY',
} as const;

export type MemoryType =
  | 'MEMORY_TYPE_UNSPECIFIED'
  | 0
  | 'MEMORY_TYPE_PATTERN'
  | 1
  | 'MEMORY_TYPE_REGIME'
  | 2
  | 'MEMORY_TYPE_STRATEGY'
  | 3

export type MemoryType__Output = typeof MemoryType[keyof typeof MemoryType]
