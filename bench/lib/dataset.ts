import type { EpisodicFilter } from '../../src/generated/mnemo/v1/EpisodicFilter.js';
import type { EpisodicMemory } from '../../src/generated/mnemo/v1/EpisodicMemory.js';
import { ClusteredData, UniformData, f32le, type VectorSource } from './syntheticData.js';

export type DataKind = 'clustered' | 'uniform';

/** Number of agents owning the memories; each owns 10% of them. */
export const AGENTS = 10;
const BASE_TIME = 1_700_000_000;
const REGIMES = ['trending', 'ranging', 'volatile'] as const;

/** 32-bit integer hash (murmur3 fmix32) of a few integers, as a number in [0, 1). */
function unit(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    h = Math.imul(h ^ (v >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return (h >>> 0) / 4294967296;
}

/** The attributes of the i-th benchmark memory (independent of its vector). */
export interface MemoryAttributes {
  agent_id: string;
  product_id: string;
  regime: string;
  reward: number;
  timestamp: number;
  terminal: boolean;
}

export function agentId(agent: number): string {
  return `agent-${agent}`;
}

/**
 * Attributes of memory i. Agents take turns (10% each); products are drawn independently with
 * shares BTC-USD 60%, ETH-USD 29%, SOL-USD 10%, XRP-USD 1%; reward is uniform in [-1, 1), so the
 * filters of `SELECTIVITY_FILTERS` pass 0.1%, 1%, 5%, 10%, 50% and 100% of the memories.
 */
export function attributesOf(i: number, seed: number): MemoryAttributes {
  const p = unit(i, seed, 1);
  const product = p < 0.01 ? 'XRP-USD' : p < 0.11 ? 'SOL-USD' : p < 0.4 ? 'ETH-USD' : 'BTC-USD';
  return {
    agent_id: agentId(i % AGENTS),
    product_id: product,
    regime: REGIMES[Math.floor(unit(i, seed, 2) * REGIMES.length)] ?? 'trending',
    reward: Math.round((unit(i, seed, 3) * 2 - 1) * 1e4) / 1e4,
    timestamp: timestampOf(i),
    terminal: i % 50 === 49,
  };
}

/** The timestamp of memory `i`: one second after memory i - 1's. */
export function timestampOf(i: number): number {
  return BASE_TIME + i;
}

/** A small opaque payload, like an agent's action record (about 50 bytes). */
export function payloadOf(i: number, attributes: MemoryAttributes): Buffer {
  const side = i % 2 === 0 ? 'buy' : 'sell';
  return Buffer.from(
    JSON.stringify({
      side,
      qty: ((i % 97) + 1) / 100,
      px: 60_000 + (i % 5000),
      r: attributes.regime,
    }),
  );
}

/** A named filter with the share of memories it lets pass (by construction of the data). */
export interface SelectivityFilter {
  name: string;
  /** Expected share of memories passing, in [0, 1]. */
  share: number;
  filter: EpisodicFilter;
  /** Whether memory attributes pass the filter (to count the exact share of the loaded data). */
  matches: (a: MemoryAttributes) => boolean;
}

const AGENT = agentId(3);

/** Filters from 0.1% to 100% selectivity, on tags, numbers and both. */
export const SELECTIVITY_FILTERS: readonly SelectivityFilter[] = [
  {
    name: '0.1% agent+product',
    share: 0.001,
    filter: { agent_ids: [AGENT], product_ids: ['XRP-USD'] },
    matches: (a) => a.agent_id === AGENT && a.product_id === 'XRP-USD',
  },
  {
    name: '1% agent+product',
    share: 0.01,
    filter: { agent_ids: [AGENT], product_ids: ['SOL-USD'] },
    matches: (a) => a.agent_id === AGENT && a.product_id === 'SOL-USD',
  },
  {
    name: '5% agent+reward>=0',
    share: 0.05,
    filter: { agent_ids: [AGENT], reward: { min: 0 } },
    matches: (a) => a.agent_id === AGENT && a.reward >= 0,
  },
  {
    name: '10% agent',
    share: 0.1,
    filter: { agent_ids: [AGENT] },
    matches: (a) => a.agent_id === AGENT,
  },
  {
    name: '50% reward>=0',
    share: 0.5,
    filter: { reward: { min: 0 } },
    matches: (a) => a.reward >= 0,
  },
  { name: '100% none', share: 1, filter: {}, matches: () => true },
];

export function selectivityFilter(name: string): SelectivityFilter {
  const found = SELECTIVITY_FILTERS.find((f) => f.name === name || f.name.startsWith(`${name} `));
  if (found === undefined) {
    throw new Error(
      `unknown filter "${name}"; known: ${SELECTIVITY_FILTERS.map((f) => f.name).join(', ')}`,
    );
  }
  return found;
}

/** The benchmark data set: vectors of one distribution plus deterministic attributes. */
export class Dataset {
  readonly source: VectorSource;

  constructor(
    readonly kind: DataKind,
    readonly dim: number,
    readonly seed: number,
    readonly size: number,
    readonly clusters = 100,
  ) {
    this.source =
      kind === 'clustered' ? new ClusteredData(dim, clusters, seed) : new UniformData(dim);
  }

  get description(): string {
    return `${this.size} memories, ${this.source.description}, seed ${this.seed}; ${AGENTS} agents × 10%, products 60/29/10/1%, reward uniform [-1, 1)`;
  }

  /** The memory ids, `b{seed}-{i}` (the same seed rewrites the same memories). */
  id(i: number): string {
    return `b${this.seed}-${i}`;
  }

  /** Memories [from, to) in order, vectors from one stream (call in ascending, contiguous runs). */
  memoryStream(): (count: number) => EpisodicMemory[] {
    const next = this.source.stream(this.seed + 1);
    let i = 0;
    return (count) => {
      const batch: EpisodicMemory[] = [];
      for (const end = Math.min(this.size, i + count); i < end; i++) {
        const a = attributesOf(i, this.seed);
        batch.push({
          id: this.id(i),
          ...a,
          state_vector: { f32le: f32le(next()) },
          payload: payloadOf(i, a),
        });
      }
      return batch;
    };
  }

  /** Query vectors from the same distribution, never equal to a stored one. */
  queries(n: number): Float32Array[] {
    return this.source.sample(n, this.seed + 2);
  }

  /** Exact share of the data set passing a filter. */
  share(filter: SelectivityFilter): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) if (filter.matches(attributesOf(i, this.seed))) n++;
    return this.size === 0 ? 0 : n / this.size;
  }
}
