// A raw grpc-js client on purpose: server reflection is not part of MnemoClient.
import { join } from 'node:path';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import descriptor, {
  type IDescriptorProto,
  type IFileDescriptorProto,
} from 'protobufjs/ext/descriptor/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTO_FILES } from '../../src/api/protos.js';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { projectRoot } from '../../src/config/projectRoot.js';
import { reflect, reflectAll } from '../support/ops.js';
import { startApp, startRedis } from '../support/testApp.js';

type Version = 'v1' | 'v1alpha';
const VERSIONS: Version[] = ['v1', 'v1alpha'];

/** The .proto sources as protobufjs parses them: what reflection must describe. */
function sourceRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(projectRoot(), 'proto', target);
  root.loadSync(PROTO_FILES, { keepCase: true }).resolveAll();
  return root;
}

/** A protobufjs root of reflected files (protobufjs/ext/descriptor adds fromDescriptor). */
function reflectedRoot(files: IFileDescriptorProto[]): protobuf.Root {
  const Root = protobuf.Root as unknown as {
    fromDescriptor(set: { file: IFileDescriptorProto[] }): protobuf.Root;
  };
  const root = Root.fromDescriptor({ file: files });
  root.resolveAll();
  return root;
}

/** The FileDescriptorProtos of a file_descriptor_response, decoded. */
function fileDescriptors(response: Record<string, unknown> | undefined): IFileDescriptorProto[] {
  const files = (response?.file_descriptor_response as { file_descriptor_proto: Buffer[] })
    .file_descriptor_proto;
  return files.map((bytes) => descriptor.FileDescriptorProto.decode(bytes) as IFileDescriptorProto);
}

/** Every file the server describes, fetched through reflection, one file_by_filename each. */
async function reflectedFiles(port: number, version: Version): Promise<IFileDescriptorProto[]> {
  const services = await reflect(port, version, { list_services: '' });
  const listed = (services[0]?.list_services_response as { service: { name: string }[] }).service;
  const responses = await reflectAll(
    port,
    version,
    listed.map((service) => ({ file_containing_symbol: service.name })),
  );
  const byName = new Map<string, IFileDescriptorProto>();
  for (const response of responses) {
    for (const file of fileDescriptors(response)) byName.set(file.name ?? '', file);
  }
  return [...byName.values()];
}

/** A unary call whose messages are encoded and decoded with reflected types. */
function call(
  port: number,
  root: protobuf.Root,
  service: string,
  method: string,
  request: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const rpc = root.lookupService(service).methods[method];
  if (rpc === undefined) throw new Error(`no ${service}.${method}`);
  const requestType = root.lookupType(rpc.requestType);
  const responseType = root.lookupType(rpc.responseType);
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      `/${service}/${method}`,
      (value: Record<string, unknown>) =>
        Buffer.from(requestType.encode(requestType.fromObject(value)).finish()),
      (bytes: Buffer) => responseType.toObject(responseType.decode(bytes), { longs: Number }),
      request,
      new Metadata(),
      { deadline: Date.now() + 5000 },
      (error, response) => {
        client.close();
        if (error) reject(error);
        else resolve(response as Record<string, unknown>);
      },
    );
  });
}

describe('reflection describes the real .proto files', () => {
  let redis: RedisProcess;
  let app: App;
  const source = sourceRoot();

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis, { MNEMO_VECTOR_DIM: '4' });
  });

  afterAll(async () => {
    await app.stop();
    await redis.stop();
  });

  it.each(VERSIONS)(
    'answers file_containing_symbol with memory.proto, with comments (%s)',
    async (version) => {
      const [response] = await reflect(app.port, version, {
        file_containing_symbol: 'mnemo.v1.MemoryService',
      });
      const [file, ...imports] = fileDescriptors(response);
      expect(file?.name).toBe('mnemo/v1/memory.proto');
      expect(file?.package).toBe('mnemo.v1');
      // Its one import comes along: the Any of a search stream's per-message error status.
      expect(imports.map((i) => i.name)).toEqual(['google/protobuf/any.proto']);
      const comments = (
        file?.sourceCodeInfo as { location: { leadingComments?: string }[] }
      ).location.map((location) => location.leadingComments ?? '');
      expect(comments).toContain(' Force an exact brute-force search.\n');
    },
  );

  it.each(VERSIONS)('has every method of every service, with its types (%s)', async (version) => {
    const files = await reflectedFiles(app.port, version);
    expect(files.map((file) => file.name).sort()).toEqual(
      [...PROTO_FILES, 'grpc/health/v1/health.proto', 'google/protobuf/any.proto'].sort(),
    );
    const reflected = reflectedRoot(files);
    const services = source.nestedArray
      .flatMap(function all(node): protobuf.ReflectionObject[] {
        return node instanceof protobuf.Namespace ? [node, ...node.nestedArray.flatMap(all)] : [];
      })
      .filter((node): node is protobuf.Service => node instanceof protobuf.Service);
    expect(services.length).toBe(6);
    for (const service of services) {
      const twin = reflected.lookupService(service.fullName);
      expect(Object.keys(twin.methods)).toEqual(Object.keys(service.methods));
      for (const method of service.methodsArray) {
        const other = twin.methods[method.name];
        expect(other?.resolvedRequestType?.fullName).toBe(method.resolvedRequestType?.fullName);
        expect(other?.resolvedResponseType?.fullName).toBe(method.resolvedResponseType?.fullName);
        expect(other?.responseStream ?? false).toBe(method.responseStream ?? false);
        expect(other?.requestStream ?? false).toBe(method.requestStream ?? false);
      }
    }
  });

  it('names map entries XxxEntry, with map_entry set', async () => {
    const files = await reflectedFiles(app.port, 'v1');
    const messages = new Map<string, IDescriptorProto>();
    const collect = (prefix: string, message: IDescriptorProto): void => {
      const name = `${prefix}.${message.name}`;
      messages.set(name, message);
      for (const nested of message.nestedType ?? []) collect(name, nested);
    };
    for (const file of files) {
      for (const message of file.messageType ?? []) collect(`.${file.package}`, message);
    }
    let maps = 0;
    for (const [name, message] of messages) {
      const type = source.lookup(name.slice(1));
      if (!(type instanceof protobuf.Type)) continue;
      for (const field of type.fieldsArray.filter((f) => f.map)) {
        maps += 1;
        const entryName = `${field.name[0]?.toUpperCase()}${field.name.slice(1)}Entry`;
        const reflected = message.field?.find((f) => f.name === field.name);
        expect(reflected?.typeName).toBe(`${name}.${entryName}`);
        const entry = messages.get(`${name}.${entryName}`);
        expect(entry?.options?.mapEntry, `${name}.${entryName}`).toBe(true);
        expect(entry?.field?.map((f) => [f.name, f.number])).toEqual([
          ['key', 1],
          ['value', 2],
        ]);
      }
    }
    expect(maps).toBe(2);
  });

  it('serves calls whose messages are encoded with the reflected types', async () => {
    const reflected = reflectedRoot(await reflectedFiles(app.port, 'v1'));
    // A map field is a repeated XxxEntry on the wire.
    await call(app.port, reflected, 'mnemo.v1.CacheService', 'SetHash', {
      key: 'reflected',
      fields: [{ key: 'a', value: '1' }],
    });
    const hash = await call(app.port, reflected, 'mnemo.v1.CacheService', 'GetHash', {
      key: 'reflected',
    });
    expect(hash).toMatchObject({ found: true, fields: [{ key: 'a', value: '1' }] });
    await call(app.port, reflected, 'mnemo.v1.MemoryService', 'UpsertEpisodic', {
      memories: [
        { id: 'r-1', agent_id: 'a', state_vector: { values: [1, 0, 0, 0] } },
        { id: 'r-2', agent_id: 'a', state_vector: { values: [0, 1, 0, 0] } },
      ],
    });
    const search = await call(app.port, reflected, 'mnemo.v1.MemoryService', 'SearchEpisodic', {
      vector: { values: [1, 0.1, 0, 0] },
      k: 2,
      exact: true,
    });
    const hits = search.hits as { memory: { id: string } }[];
    expect(hits.map((hit) => hit.memory.id)).toEqual(['r-1', 'r-2']);
  });

  it.each(VERSIONS)(
    'answers every kind of request on one stream, in order (%s)',
    async (version) => {
      const responses = await reflectAll(app.port, version, [
        { file_by_filename: 'mnemo/v1/cache.proto' },
        { file_by_filename: 'mnemo_v1.proto' },
        { file_containing_symbol: 'mnemo.v1.CacheServiceGetHashResponse.FieldsEntry' },
        { file_containing_symbol: 'mnemo.v1.Nothing' },
        {
          file_containing_extension: {
            containing_type: 'mnemo.v1.EpisodicMemory',
            extension_number: 100,
          },
        },
        { all_extension_numbers_of_type: 'mnemo.v1.EpisodicMemory' },
        { all_extension_numbers_of_type: 'mnemo.v1.Nothing' },
        { file_by_filename: 'grpc/health/v1/health.proto' },
      ]);
      expect(responses).toHaveLength(8);
      const NOT_FOUND = 5;
      const error = (i: number): unknown =>
        (responses[i]?.error_response as { error_code: number } | undefined)?.error_code;
      expect(fileDescriptors(responses[0]).map((f) => f.name)).toEqual(['mnemo/v1/cache.proto']);
      expect(error(1)).toBe(NOT_FOUND);
      expect(fileDescriptors(responses[2]).map((f) => f.name)).toEqual(['mnemo/v1/cache.proto']);
      expect(error(3)).toBe(NOT_FOUND);
      expect(error(4)).toBe(NOT_FOUND);
      expect(responses[5]?.all_extension_numbers_response).toEqual({
        base_type_name: 'mnemo.v1.EpisodicMemory',
        extension_number: [],
      });
      expect(error(6)).toBe(NOT_FOUND);
      expect(fileDescriptors(responses[7]).map((f) => f.name)).toEqual([
        'grpc/health/v1/health.proto',
      ]);
      expect(responses[0]?.original_request).toMatchObject({
        file_by_filename: 'mnemo/v1/cache.proto',
      });
    },
  );
});
