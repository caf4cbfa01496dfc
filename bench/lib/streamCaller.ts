import type { Client, ClientDuplexStream, MethodDefinition, ServiceError } from '@grpc/grpc-js';

/** A request of a search stream: any message carrying the client's request_id. */
interface Tagged {
  request_id?: number | string | object;
}

/** What a search stream answers: its request_id, and an error for a message that failed. */
interface TaggedAnswer {
  request_id: number;
  error?: { code: number; message: string } | null;
}

/**
 * Calls over one bidirectional search stream (MemoryService.SearchEpisodicStream): each
 * `call` sends one request tagged with a request_id of its own and resolves with the answer
 * bearing it, whatever the order answers come in; a message's error rejects its call only. The
 * stream is opened on first use and again after it ended; every call pending on a stream that
 * ends fails.
 */
export class StreamCaller<Req extends Tagged, Res extends TaggedAnswer> {
  private stream: ClientDuplexStream<Req, Res> | null = null;
  private readonly pending = new Map<
    number,
    { resolve: (answer: Res) => void; reject: (error: Error) => void }
  >();
  private nextId = 1;

  constructor(
    private readonly client: Client,
    private readonly definition: MethodDefinition<Req, Res>,
  ) {}

  call(request: Req): Promise<Res> {
    const stream = this.open();
    const id = this.nextId++;
    return new Promise<Res>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      stream.write({ ...request, request_id: id });
    });
  }

  close(): void {
    this.stream?.end();
    this.stream = null;
  }

  private open(): ClientDuplexStream<Req, Res> {
    if (this.stream !== null) return this.stream;
    const d = this.definition;
    const stream = this.client.makeBidiStreamRequest(
      d.path,
      d.requestSerialize,
      d.responseDeserialize,
    );
    stream.on('data', (answer: Res) => {
      const waiter = this.pending.get(answer.request_id);
      if (waiter === undefined) return;
      this.pending.delete(answer.request_id);
      const error = answer.error;
      if (error !== undefined && error !== null && error.code !== 0) {
        waiter.reject(new Error(`${d.path}: message status ${error.code} ${error.message}`));
      } else {
        waiter.resolve(answer);
      }
    });
    const fail = (error: Error): void => {
      if (this.stream === stream) this.stream = null;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    stream.on('error', (error: ServiceError) => {
      fail(error);
    });
    stream.on('end', () => {
      fail(new Error(`${d.path}: the stream ended`));
    });
    this.stream = stream;
    return stream;
  }
}
