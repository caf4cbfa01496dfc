import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { status, type ServerDuplexStream, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { DescriptorIndex } from './descriptors.js';
import type { ServiceRegistry } from './health.js';
import { decodeTotally } from './wire/streamGuard.js';

/** grpc.reflection.{v1,v1alpha}.ServerReflectionRequest, as decoded (keepCase, oneofs). */
interface ReflectionRequest {
  host?: string;
  message_request?: string;
  file_by_filename?: string;
  file_containing_symbol?: string;
  file_containing_extension?: { containing_type?: string; extension_number?: number };
  all_extension_numbers_of_type?: string;
  list_services?: string;
}

/** The ServerReflectionResponse of a request, one of its answers set. */
type ReflectionAnswer =
  | { file_descriptor_response: { file_descriptor_proto: Uint8Array[] } }
  | { all_extension_numbers_response: { base_type_name: string; extension_number: number[] } }
  | { list_services_response: { service: { name: string }[] } }
  | { error_response: { error_code: number; error_message: string } };

const VERSIONS = ['v1', 'v1alpha'] as const;

/** grpc.reflection.<version>.ServerReflection, from the protos @grpc/reflection ships. */
function reflectionDefinition(version: (typeof VERSIONS)[number]): ServiceDefinition {
  const protoDir = join(
    dirname(createRequire(import.meta.url).resolve('@grpc/reflection/package.json')),
    'build',
    'proto',
  );
  const definition = loadSync(`grpc/reflection/${version}/reflection.proto`, {
    keepCase: true,
    longs: Number,
    enums: String,
    oneofs: true,
    includeDirs: [protoDir],
  });
  return definition[`grpc.reflection.${version}.ServerReflection`] as ServiceDefinition;
}

function notFound(what: string): ReflectionAnswer {
  return { error_response: { error_code: status.NOT_FOUND, error_message: `${what} not found` } };
}

function files(found: Uint8Array[] | undefined, what: string): ReflectionAnswer {
  return found === undefined
    ? notFound(what)
    : { file_descriptor_response: { file_descriptor_proto: found } };
}

/**
 * The answer to one request, from the descriptor set: files come with every file they import,
 * as the bytes buf made them (with comments). Unknown names are a NOT_FOUND error_response, on
 * a stream that goes on; so are extensions, of which no served message has any.
 */
function answer(index: DescriptorIndex, request: ReflectionRequest): ReflectionAnswer {
  switch (request.message_request) {
    case 'list_services':
      return { list_services_response: { service: index.services.map((name) => ({ name })) } };
    case 'file_by_filename': {
      const name = request.file_by_filename ?? '';
      return files(index.fileByName(name), `file "${name}"`);
    }
    case 'file_containing_symbol': {
      const symbol = request.file_containing_symbol ?? '';
      return files(index.fileContainingSymbol(symbol), `symbol "${symbol}"`);
    }
    case 'file_containing_extension': {
      const type = request.file_containing_extension?.containing_type ?? '';
      const number = request.file_containing_extension?.extension_number ?? 0;
      return files(index.fileContainingExtension(type, number), `extension ${number} of "${type}"`);
    }
    case 'all_extension_numbers_of_type': {
      const type = request.all_extension_numbers_of_type ?? '';
      const numbers = index.extensionNumbers(type);
      return numbers === undefined
        ? notFound(`message type "${type}"`)
        : { all_extension_numbers_response: { base_type_name: type, extension_number: numbers } };
    }
    default:
      return {
        error_response: { error_code: status.INVALID_ARGUMENT, error_message: 'empty request' },
      };
  }
}

/**
 * gRPC server reflection, v1 and v1alpha (ServerReflectionInfo: one response per request, in
 * order), describing the mnemo services and grpc.health.v1 from the real file descriptors
 * (api/descriptors.ts), so that grpcurl, grpcui, Postman and descriptor pools of any language
 * work without the protos. Its requests are decoded totally (wire/streamGuard.ts).
 */
export function registerReflection(server: ServiceRegistry): void {
  const index = DescriptorIndex.load();
  for (const version of VERSIONS) {
    server.add(decodeTotally(reflectionDefinition(version)), {
      ServerReflectionInfo: (call: ServerDuplexStream<ReflectionRequest, unknown>) => {
        call.on('data', (request: ReflectionRequest) => {
          call.write({
            valid_host: request.host ?? '',
            original_request: request,
            ...answer(index, request),
          });
        });
        call.on('end', () => call.end());
        call.on('error', () => undefined);
      },
    });
  }
}
