import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import descriptor, {
  type IDescriptorProto,
  type IEnumDescriptorProto,
  type IFieldDescriptorProto,
  type IFileDescriptorProto,
} from 'protobufjs/ext/descriptor/index.js';
import { projectRoot } from '../config/projectRoot.js';

/**
 * The FileDescriptorSet of every .proto file the server serves (mnemo/v1/*.proto and
 * grpc/health/v1/health.proto), with source info, as `buf build --as-file-descriptor-set` makes
 * it: checked in, made by `npm run gen:descriptors`, proven current by test/api/descriptors.
 */
export const DESCRIPTOR_SET_FILE = join('proto', 'descriptors.binpb');

/** The files of a FileDescriptorSet, each as its own bytes, exactly as they are in the set. */
export function splitDescriptorSet(set: Uint8Array): Uint8Array[] {
  const reader = protobuf.Reader.create(set);
  const files: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === ((1 << 3) | 2)) files.push(reader.bytes());
    else reader.skipType(tag & 7);
  }
  return files;
}

/**
 * The files of a descriptor set, found by name, by the symbols they define (messages,
 * fields, oneofs, enums, enum values, services, methods, extensions: full names without the
 * leading dot) and by the extensions they declare. Files are answered as their bytes.
 */
export class DescriptorIndex {
  private readonly files = new Map<string, { bytes: Uint8Array; dependency: string[] }>();
  private readonly symbols = new Map<string, string>();
  private readonly extensions = new Map<string, Map<number, string>>();
  private readonly messages = new Set<string>();
  /** Full names of the services defined, in file order. */
  readonly services: string[] = [];

  constructor(set: Uint8Array) {
    for (const bytes of splitDescriptorSet(set)) {
      const file = descriptor.FileDescriptorProto.decode(bytes) as IFileDescriptorProto;
      const name = file.name ?? '';
      this.files.set(name, { bytes, dependency: (file.dependency as string[] | undefined) ?? [] });
      this.indexFile(name, file);
    }
  }

  /** The set checked in at DESCRIPTOR_SET_FILE. */
  static load(): DescriptorIndex {
    return new DescriptorIndex(readFileSync(join(projectRoot(), DESCRIPTOR_SET_FILE)));
  }

  /** The file named and every file it imports, transitively, each once; undefined if unknown. */
  fileByName(name: string): Uint8Array[] | undefined {
    if (!this.files.has(name)) return undefined;
    const order: string[] = [];
    const visit = (file: string): void => {
      if (order.includes(file)) return;
      order.push(file);
      for (const dependency of this.files.get(file)?.dependency ?? []) visit(dependency);
    };
    visit(name);
    return order.flatMap((file) => this.files.get(file)?.bytes ?? []);
  }

  /** As fileByName, for the file defining a symbol. */
  fileContainingSymbol(symbol: string): Uint8Array[] | undefined {
    const file = this.symbols.get(symbol);
    return file === undefined ? undefined : this.fileByName(file);
  }

  /** As fileByName, for the file declaring extension `number` of message `type`. */
  fileContainingExtension(type: string, number: number): Uint8Array[] | undefined {
    const file = this.extensions.get(type)?.get(number);
    return file === undefined ? undefined : this.fileByName(file);
  }

  /** The extension numbers declared of a message type (none here); undefined if unknown. */
  extensionNumbers(type: string): number[] | undefined {
    if (!this.messages.has(type)) return undefined;
    return [...(this.extensions.get(type)?.keys() ?? [])].sort((a, b) => a - b);
  }

  private indexFile(file: string, proto: IFileDescriptorProto): void {
    const prefix = proto.package ? `${proto.package}.` : '';
    for (const message of proto.messageType ?? []) this.indexMessage(file, prefix, message);
    for (const enumType of proto.enumType ?? []) this.indexEnum(file, prefix, enumType);
    for (const extension of proto.extension ?? []) this.indexExtension(file, prefix, extension);
    for (const service of proto.service ?? []) {
      const name = `${prefix}${service.name ?? ''}`;
      this.symbols.set(name, file);
      this.services.push(name);
      for (const method of service.method ?? []) this.symbols.set(`${name}.${method.name}`, file);
    }
  }

  private indexMessage(file: string, prefix: string, message: IDescriptorProto): void {
    const name = `${prefix}${message.name ?? ''}`;
    this.symbols.set(name, file);
    this.messages.add(name);
    for (const field of message.field ?? []) this.symbols.set(`${name}.${field.name}`, file);
    for (const oneof of message.oneofDecl ?? []) this.symbols.set(`${name}.${oneof.name}`, file);
    for (const nested of message.nestedType ?? []) this.indexMessage(file, `${name}.`, nested);
    for (const enumType of message.enumType ?? []) this.indexEnum(file, `${name}.`, enumType);
    for (const extension of message.extension ?? []) {
      this.indexExtension(file, `${name}.`, extension);
    }
  }

  /** An enum and its values, which are scoped beside the enum, not inside it. */
  private indexEnum(file: string, prefix: string, enumType: IEnumDescriptorProto): void {
    this.symbols.set(`${prefix}${enumType.name ?? ''}`, file);
    for (const value of enumType.value ?? []) this.symbols.set(`${prefix}${value.name}`, file);
  }

  private indexExtension(file: string, prefix: string, extension: IFieldDescriptorProto): void {
    this.symbols.set(`${prefix}${extension.name ?? ''}`, file);
    const extendee = (extension.extendee ?? '').replace(/^\./, '');
    const numbers = this.extensions.get(extendee) ?? new Map<number, string>();
    numbers.set(extension.number ?? 0, file);
    this.extensions.set(extendee, numbers);
  }
}
