import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import descriptor, { type IFileDescriptorProto } from 'protobufjs/ext/descriptor/index.js';
import { describe, expect, it } from 'vitest';
import { DESCRIPTOR_SET_FILE, DescriptorIndex } from '../../src/api/descriptors.js';
import { buildDescriptorSet } from '../../src/cli/buildDescriptors.js';
import { projectRoot } from '../../src/config/projectRoot.js';

const checkedIn = readFileSync(join(projectRoot(), DESCRIPTOR_SET_FILE));

function names(files: Uint8Array[] | undefined): string[] {
  return (files ?? []).map(
    (bytes) => (descriptor.FileDescriptorProto.decode(bytes) as IFileDescriptorProto).name ?? '',
  );
}

describe('the descriptor set reflection serves', () => {
  it('is what buf builds from the protos now (else: npm run gen:descriptors)', () => {
    expect(buildDescriptorSet().equals(checkedIn)).toBe(true);
  });

  const index = new DescriptorIndex(checkedIn);

  it('holds one file per served .proto, under its import name', () => {
    for (const file of [
      'mnemo/v1/memory.proto',
      'mnemo/v1/cache.proto',
      'mnemo/v1/rate_limit.proto',
      'mnemo/v1/audit.proto',
      'grpc/health/v1/health.proto',
    ]) {
      expect(names(index.fileByName(file))[0]).toBe(file);
    }
    // A file comes with the files it imports (memory.proto's error status holds an Any).
    expect(names(index.fileByName('mnemo/v1/memory.proto'))).toEqual([
      'mnemo/v1/memory.proto',
      'google/protobuf/any.proto',
    ]);
    expect(names(index.fileByName('mnemo/v1/cache.proto'))).toEqual(['mnemo/v1/cache.proto']);
    expect(index.fileByName('mnemo_v1.proto')).toBeUndefined();
    expect(index.services).toEqual(
      expect.arrayContaining([
        'mnemo.v1.MemoryService',
        'mnemo.v1.CacheService',
        'mnemo.v1.RateLimitService',
        'mnemo.v1.AuditService',
        'grpc.health.v1.Health',
      ]),
    );
  });

  it('finds the file of every kind of symbol, and nothing for unknown ones', () => {
    const cases: [string, string][] = [
      ['mnemo.v1.MemoryService', 'mnemo/v1/memory.proto'],
      ['mnemo.v1.MemoryService.SearchEpisodic', 'mnemo/v1/memory.proto'],
      ['mnemo.v1.CacheServiceSetHashRequest.FieldsEntry', 'mnemo/v1/cache.proto'],
      ['mnemo.v1.CacheServiceSetHashRequest.fields', 'mnemo/v1/cache.proto'],
      ['mnemo.v1.MEMORY_TYPE_PATTERN', 'mnemo/v1/memory.proto'],
      ['grpc.health.v1.HealthCheckResponse.SERVING', 'grpc/health/v1/health.proto'],
    ];
    for (const [symbol, file] of cases) {
      expect(names(index.fileContainingSymbol(symbol))[0], symbol).toBe(file);
    }
    expect(index.fileContainingSymbol('.mnemo.v1.MemoryService')).toBeUndefined();
    expect(index.fileContainingSymbol('mnemo.v1.Nothing')).toBeUndefined();
  });

  it('knows of no extensions: none for a message, unknown for a non-message', () => {
    expect(index.extensionNumbers('mnemo.v1.EpisodicMemory')).toEqual([]);
    expect(index.extensionNumbers('mnemo.v1.MemoryService')).toBeUndefined();
    expect(index.fileContainingExtension('mnemo.v1.EpisodicMemory', 100)).toBeUndefined();
  });
});
