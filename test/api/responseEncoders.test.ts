import type { MethodDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { serviceDefinition } from '../../src/api/protos.js';
import { plainEncoder } from '../../src/api/wire/responseEncoders.js';
import { mnemoPackageDefinition } from '../../src/proto/packageDefinition.js';
import { contractRoot } from '../../src/proto/contractRoot.js';
import { rng } from '../../bench/lib/syntheticData.js';

const SERVICES = [
  'MemoryService',
  'CacheService',
  'RateLimitService',
  'AuditService',
  'SessionService',
  'SignalService',
];

const STRINGS = ['', 'a', 'agent-7', 'BTC-USD', 'ünïcødé', '🚀 moon', 'x'.repeat(300)];

function scalar(type: string, r: () => number): unknown {
  const int = (bits: number): number => Math.floor(r() * 2 ** bits);
  switch (type) {
    case 'double':
      return (r() - 0.5) * 10 ** Math.floor(r() * 12);
    case 'float':
      return Math.fround((r() - 0.5) * 1000);
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return int(32) - 2 ** 31;
    case 'uint32':
    case 'fixed32':
      return int(32);
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return int(52) - 2 ** 51;
    case 'uint64':
    case 'fixed64':
      return int(53);
    case 'bool':
      return r() < 0.5;
    case 'string':
      return STRINGS[Math.floor(r() * STRINGS.length)];
    case 'bytes':
      return Buffer.from(Array.from({ length: Math.floor(r() * 40) }, () => int(8)));
    default:
      throw new Error(`no sample for ${type}`);
  }
}

/** A plain object of `type` as a handler would answer it: any field may be absent. */
function sample(type: protobuf.Type, r: () => number, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (r() < 0.2) continue;
    const resolved = field.resolve().resolvedType;
    const one = (): unknown =>
      resolved instanceof protobuf.Type
        ? depth < 3
          ? sample(resolved, r, depth + 1)
          : {}
        : scalar(field.type, r);
    if (field.map) {
      const map: Record<string, unknown> = {};
      for (let i = Math.floor(r() * 3); i > 0; i--) map[`k${i}`] = one();
      out[field.name] = map;
    } else if (field.repeated) {
      out[field.name] = Array.from({ length: Math.floor(r() * 4) }, one);
    } else {
      out[field.name] = one();
    }
  }
  return out;
}

describe('response encoders', () => {
  it('encode every response exactly as proto-loader does, for every method that uses one', () => {
    const packageDefinition = mnemoPackageDefinition();
    const r = rng(20261204);
    let checked = 0;
    for (const name of SERVICES) {
      const served = serviceDefinition(name);
      const original = packageDefinition[`mnemo.v1.${name}`] as Record<
        string,
        MethodDefinition<object, object>
      >;
      for (const [method, definition] of Object.entries(served)) {
        if (definition.responseSerialize === original[method]?.responseSerialize) continue;
        const typeName = (definition as unknown as { responseType: { type: { name: string } } })
          .responseType.type.name;
        const type = contractRoot().lookupType(`mnemo.v1.${typeName}`);
        for (let i = 0; i < 50; i++) {
          const answer = sample(type, r);
          const slow = original[method]?.responseSerialize(answer);
          expect(definition.responseSerialize(answer), `${name}.${method} #${i}`).toEqual(slow);
        }
        checked++;
      }
    }
    // SearchEpisodic, BatchSearchEpisodic, GetEpisodic, the cache's, the audit log's… use one.
    expect(checked).toBeGreaterThan(10);
  });

  it('serves the episodic search answers with one, and leaves answers holding enums alone', () => {
    const memory = serviceDefinition('MemoryService');
    const original = mnemoPackageDefinition()['mnemo.v1.MemoryService'] as Record<
      string,
      MethodDefinition<object, object>
    >;
    expect(memory.SearchEpisodic?.responseSerialize).not.toBe(
      original.SearchEpisodic?.responseSerialize,
    );
    // SemanticMemory.memory_type is an enum: answered by name, which only fromObject maps.
    expect(memory.SearchSemantic?.responseSerialize).toBe(
      original.SearchSemantic?.responseSerialize,
    );
    expect(plainEncoder(contractRoot().lookupType('mnemo.v1.SemanticMemory'))).toBeNull();
  });

  it('encodes episodic hits as proto-loader does, a memory shared by answers included', () => {
    const served = serviceDefinition('MemoryService');
    const original = mnemoPackageDefinition()['mnemo.v1.MemoryService'] as Record<
      string,
      MethodDefinition<object, object>
    >;
    const memory = {
      id: 'm-1',
      agent_id: 'agent-7',
      product_id: 'BTC-USD',
      regime: 'ünïcødé',
      state_vector: null,
      reward: -0.25,
      timestamp: 1_700_000_000.5,
      terminal: true,
      payload: Buffer.from('payload'),
      outcome_known_at: 1_700_000_100,
    };
    const answers = [
      { hits: [{ memory, distance: 0.125, outcome_pending: false }], request_id: 0 },
      // The same memory object again (the handlers reuse it), beside a pending hit.
      {
        hits: [
          { memory, distance: 0.5, outcome_pending: false },
          { memory: { ...memory, id: 'm-2' }, distance: 0, outcome_pending: true },
        ],
        request_id: 2 ** 40,
      },
      // A ranked hit: score and explanation.
      {
        hits: [
          {
            memory,
            distance: 0.1,
            outcome_pending: false,
            score: 0.75,
            explanation: [{ name: 'similarity', value: 0.95, normalized: 0.95, weight: 1 }],
          },
        ],
        request_id: 3,
      },
      { hits: [], request_id: 4, error: { code: 4, message: 'deadline' } },
      { hits: [] },
      // Fields left out or null, request ids at and past the safe integers.
      { hits: [{ memory }, { distance: 0.25 }, { memory: null, outcome_pending: true }] },
      { hits: [{ memory, distance: 0.5 }], request_id: Number.MAX_SAFE_INTEGER },
      { hits: [{ memory, distance: 0.5 }], request_id: 2 ** 60 },
      { hits: [{ memory, distance: Number.NaN }], request_id: 127 },
      { hits: [{ memory, distance: 1 }], request_id: 128 },
    ];
    for (const method of ['SearchEpisodic', 'SearchEpisodicStream'] as const) {
      for (const answer of answers) {
        expect(served[method]?.responseSerialize(answer)).toEqual(
          original[method]?.responseSerialize(answer),
        );
      }
    }
  });
});
