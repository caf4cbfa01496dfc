import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { invalidArgument, type DomainError } from '../../model/errors.js';
import { checkWire } from './check.js';
import { WirePlans } from './plan.js';

/**
 * What a guarded deserializer returns, instead of throwing, for bytes that are not a valid
 * request: bindService answers it with its INVALID_ARGUMENT error before any middleware runs.
 */
export class UndecodableRequest {
  constructor(readonly error: DomainError) {}
}

/** The deserializers made by guardDefinition, so that bindService can insist on them. */
const guarded = new WeakSet<object>();

/** Whether a method's requests go through a guarded deserializer. */
export function isGuarded(method: Pick<MethodDefinition<object, object>, 'requestDeserialize'>) {
  return guarded.has(method.requestDeserialize);
}

/** The plans of a package definition, compiled once per definition. */
const plansOf = new WeakMap<PackageDefinition, WirePlans>();

/**
 * The service `fullName` (e.g. `mnemo.v1.MemoryService`) of a proto-loader package definition,
 * with every method's request deserializer guarded: the bytes are first walked against the
 * request type (checkWire: well-formed, string fields valid UTF-8), then decoded as before; a
 * failure of either returns an UndecodableRequest rather than throwing (which grpc-js would
 * answer INTERNAL). The walk costs about a pass over the tags, not a decode.
 */
export function guardedService(
  packageDefinition: PackageDefinition,
  fullName: string,
): ServiceDefinition {
  const entry = packageDefinition[fullName];
  if (entry === undefined || 'format' in entry) throw new Error(`no service ${fullName}`);
  let plans = plansOf.get(packageDefinition);
  if (plans === undefined) {
    plans = new WirePlans(packageDefinition);
    plansOf.set(packageDefinition, plans);
  }
  const pkg = fullName.slice(0, fullName.lastIndexOf('.'));
  const service: Record<string, MethodDefinition<object, object>> = {};
  for (const [name, method] of Object.entries(entry)) {
    const requestName = (method.requestType.type as { name: string }).name;
    const plan = plans.plan(`${pkg}.${requestName}`);
    const decode = method.requestDeserialize;
    const requestDeserialize = (bytes: Buffer): object => {
      const problem = checkWire(plan, bytes);
      if (problem !== undefined) {
        return new UndecodableRequest(invalidArgument(problem.field, problem.problem));
      }
      try {
        return decode(bytes);
      } catch {
        return new UndecodableRequest(
          invalidArgument('request', `is not a valid ${plan.name} message`),
        );
      }
    };
    guarded.add(requestDeserialize);
    service[name] = { ...method, requestDeserialize };
  }
  return service;
}
