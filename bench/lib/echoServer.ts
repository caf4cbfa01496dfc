/**
 * The transport floor, run as a child process by the harness: a bare grpc-js server answering
 * mnemo.v1.MemoryService/SearchEpisodic (and each message of SearchEpisodicStream) with a fixed
 * response. The parent sends the response
 * bytes mnemo gave for a real query (IPC); every call decodes the request and encodes that response
 * with the contract's protobuf definitions, so the echo does all the transport work mnemo does
 * and nothing else. Replies `{ port }` once serving; exits on SIGTERM or when the parent goes.
 */
import {
  Server,
  ServerCredentials,
  type ChannelOptions,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { widenHttp2Windows } from '../../src/api/http2Windows.js';
import type {
  SearchEpisodicRequest,
  SearchEpisodicRequest__Output,
} from '../../src/generated/mnemo/v1/SearchEpisodicRequest.js';
import type { SearchEpisodicResponse__Output } from '../../src/generated/mnemo/v1/SearchEpisodicResponse.js';
import { SEARCH, SEARCH_STREAM } from './rpc.js';

/**
 * The options mnemo's gRPC server is created with (its SERVER_OPTIONS), copied: the floor must
 * pay what mnemo's transport pays and no less, for the comparison to be fair. Keep them equal to
 * the server's.
 */
const SERVER_OPTIONS: ChannelOptions = {
  'grpc.max_receive_message_length': 32 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
  'grpc.max_concurrent_streams': 1000,
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
};

/**
 * mnemo's default HTTP/2 receive windows (MNEMO_HTTP2_WINDOW_BYTES), set by the server's own
 * code: with HTTP/2's 64 KiB the floor would acknowledge a stream's requests in more
 * WINDOW_UPDATEs.
 */
const WINDOW_BYTES = 1_048_576;

function serve(responseBytes: Buffer): void {
  const response = SEARCH.responseDeserialize(responseBytes);
  const definition: ServiceDefinition = {
    SearchEpisodic: SEARCH,
    SearchEpisodicStream: SEARCH_STREAM,
  };
  const server = new Server(SERVER_OPTIONS);
  widenHttp2Windows(server, WINDOW_BYTES);
  server.addService(definition, {
    SearchEpisodic: (
      _call: ServerUnaryCall<SearchEpisodicRequest, SearchEpisodicResponse__Output>,
      callback: sendUnaryData<SearchEpisodicResponse__Output>,
    ) => {
      callback(null, response);
    },
    // The stream floor: every request answered with the same response, tagged with its id.
    SearchEpisodicStream: (
      call: ServerDuplexStream<SearchEpisodicRequest__Output, SearchEpisodicResponse__Output>,
    ) => {
      call.on('data', (request: SearchEpisodicRequest__Output) => {
        call.write({ ...response, request_id: request.request_id });
      });
      call.on('end', () => {
        call.end();
      });
      call.on('error', () => undefined);
    },
  });
  server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
    if (error) {
      process.stderr.write(`echo server: ${error.message}\n`);
      process.exit(1);
    }
    process.send?.({ port });
  });
  const stop = (): void => {
    server.forceShutdown();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
}

process.once('message', (message: { response?: unknown }) => {
  if (typeof message.response !== 'string') {
    process.stderr.write('echo server: no response bytes given\n');
    process.exit(2);
  }
  serve(Buffer.from(message.response, 'base64'));
});
