import type { PackageDefinition } from '@grpc/proto-loader';

/** How one known field is checked on the wire. */
export interface FieldPlan {
  readonly name: string;
  /** The wire type of one element: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  readonly wireType: number;
  /** A repeated scalar number, which may also come packed (wire type 2). */
  readonly packable: boolean;
  readonly repeated: boolean;
  /** A string: its bytes must be valid UTF-8. */
  readonly utf8: boolean;
  /** A message (map entries included): walked in turn. */
  readonly message: MessagePlan | undefined;
}

/** The known fields of a message type, by number; unknown fields are only skipped. */
export interface MessagePlan {
  /** The full name, e.g. `mnemo.v1.SearchEpisodicRequest`. */
  readonly name: string;
  readonly mapEntry: boolean;
  readonly fields: Map<number, FieldPlan>;
}

/** The parts of a proto-loader DescriptorProto (descriptor options of proto-loader) used here. */
interface FieldDescriptor {
  name: string;
  number: number;
  label: string;
  type: string;
  typeName: string;
}
interface MessageDescriptor {
  name: string;
  field: FieldDescriptor[];
  nestedType: MessageDescriptor[];
  options: { mapEntry?: boolean } | null;
}

const WIRE_TYPES: Readonly<Record<string, number>> = {
  TYPE_DOUBLE: 1,
  TYPE_FIXED64: 1,
  TYPE_SFIXED64: 1,
  TYPE_FLOAT: 5,
  TYPE_FIXED32: 5,
  TYPE_SFIXED32: 5,
  TYPE_INT32: 0,
  TYPE_INT64: 0,
  TYPE_UINT32: 0,
  TYPE_UINT64: 0,
  TYPE_SINT32: 0,
  TYPE_SINT64: 0,
  TYPE_BOOL: 0,
  TYPE_ENUM: 0,
  TYPE_STRING: 2,
  TYPE_BYTES: 2,
  TYPE_MESSAGE: 2,
};

/**
 * Compiles the wire plans of the message types of a proto-loader package definition: every
 * message type by full name, nested ones (map entries) included. Throws on what the wire check
 * does not handle (groups), so that an unsupported proto fails at startup, not on a request.
 */
export class WirePlans {
  private readonly descriptors = new Map<string, MessageDescriptor>();
  private readonly plans = new Map<string, MessagePlan>();

  constructor(definition: PackageDefinition) {
    for (const [name, entry] of Object.entries(definition)) {
      if ('format' in entry && entry.format === 'Protocol Buffer 3 DescriptorProto') {
        this.register(name, entry.type as MessageDescriptor);
      }
    }
  }

  /** The plan of a message type by its full name (without the leading dot). */
  plan(fullName: string): MessagePlan {
    const known = this.plans.get(fullName);
    if (known !== undefined) return known;
    const descriptor = this.descriptors.get(fullName);
    if (descriptor === undefined) throw new Error(`wire plan: no message type ${fullName}`);
    const fields = new Map<number, FieldPlan>();
    const plan: MessagePlan = {
      name: fullName,
      mapEntry: descriptor.options?.mapEntry === true,
      fields,
    };
    // Registered before its fields, so that recursive types end.
    this.plans.set(fullName, plan);
    for (const field of descriptor.field) fields.set(field.number, this.field(fullName, field));
    return plan;
  }

  private field(scope: string, field: FieldDescriptor): FieldPlan {
    const wireType = WIRE_TYPES[field.type];
    if (wireType === undefined) {
      throw new Error(`wire plan: ${scope}.${field.name} has unsupported type ${field.type}`);
    }
    const repeated = field.label === 'LABEL_REPEATED';
    return {
      name: field.name,
      wireType,
      packable: repeated && wireType !== 2,
      repeated,
      utf8: field.type === 'TYPE_STRING',
      message:
        field.type === 'TYPE_MESSAGE' ? this.plan(this.resolve(scope, field.typeName)) : undefined,
    };
  }

  /** A type name as protobuf scopes it: absolute with a leading dot, else innermost scope first. */
  private resolve(scope: string, typeName: string): string {
    if (typeName.startsWith('.')) return typeName.slice(1);
    for (let at = scope; at !== ''; at = at.slice(0, Math.max(0, at.lastIndexOf('.')))) {
      const candidate = `${at}.${typeName}`;
      if (this.descriptors.has(candidate)) return candidate;
    }
    if (this.descriptors.has(typeName)) return typeName;
    throw new Error(`wire plan: cannot resolve ${typeName} from ${scope}`);
  }

  private register(name: string, descriptor: MessageDescriptor): void {
    this.descriptors.set(name, descriptor);
    for (const nested of descriptor.nestedType) this.register(`${name}.${nested.name}`, nested);
  }
}
