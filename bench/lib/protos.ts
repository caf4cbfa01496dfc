import {
  loadPackageDefinition,
  type GrpcObject,
  type MethodDefinition,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { mnemoPackageDefinition } from '../../src/proto/packageDefinition.js';

let mnemo: GrpcObject | undefined;

function serviceOf(pkg: GrpcObject, name: string, label: string): ServiceDefinition {
  const service = pkg[name] as { service?: ServiceDefinition } | undefined;
  if (service?.service === undefined) throw new Error(`no service ${label} in the protos`);
  return service.service;
}

function methodOf<Req, Res>(
  service: ServiceDefinition,
  name: string,
  label: string,
): MethodDefinition<Req, Res> {
  const method = service[name] as MethodDefinition<Req, Res> | undefined;
  if (method === undefined) throw new Error(`no method ${label}.${name} in the protos`);
  return method;
}

/** Method `name` of `mnemo.v1.<service>`, from the contract as src/proto loads it. */
export function mnemoMethod<Req, Res>(service: string, name: string): MethodDefinition<Req, Res> {
  mnemo ??= loadPackageDefinition(mnemoPackageDefinition());
  const v1 = (mnemo.mnemo as GrpcObject).v1 as GrpcObject;
  return methodOf(serviceOf(v1, service, `mnemo.v1.${service}`), name, `mnemo.v1.${service}`);
}
