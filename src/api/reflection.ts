import { ReflectionService } from '@grpc/reflection';
import { healthPackageDefinition, type ServiceRegistry } from './health.js';
import { mnemoPackageDefinition } from './protos.js';
import { decodeTotally } from './wire/streamGuard.js';

/**
 * gRPC server reflection, v1 and v1alpha, describing the mnemo services and grpc.health.v1, so
 * that grpcurl, grpcui, Postman and the like work without the protos.
 */
export function registerReflection(server: ServiceRegistry): void {
  const described = { ...mnemoPackageDefinition(), ...healthPackageDefinition() };
  new ReflectionService(described).addToServer({
    addService: (definition, implementation) => {
      server.add(decodeTotally(definition), implementation);
    },
  });
}
