import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { RateLimitServiceClient as _mnemo_v1_RateLimitServiceClient, RateLimitServiceDefinition as _mnemo_v1_RateLimitServiceDefinition } from './mnemo/v1/RateLimitService.js';
import type { RateLimitServiceAcquireRequest as _mnemo_v1_RateLimitServiceAcquireRequest, RateLimitServiceAcquireRequest__Output as _mnemo_v1_RateLimitServiceAcquireRequest__Output } from './mnemo/v1/RateLimitServiceAcquireRequest.js';
import type { RateLimitServiceAcquireResponse as _mnemo_v1_RateLimitServiceAcquireResponse, RateLimitServiceAcquireResponse__Output as _mnemo_v1_RateLimitServiceAcquireResponse__Output } from './mnemo/v1/RateLimitServiceAcquireResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  mnemo: {
    v1: {
      RateLimitService: SubtypeConstructor<typeof grpc.Client, _mnemo_v1_RateLimitServiceClient> & { service: _mnemo_v1_RateLimitServiceDefinition }
      RateLimitServiceAcquireRequest: MessageTypeDefinition<_mnemo_v1_RateLimitServiceAcquireRequest, _mnemo_v1_RateLimitServiceAcquireRequest__Output>
      RateLimitServiceAcquireResponse: MessageTypeDefinition<_mnemo_v1_RateLimitServiceAcquireResponse, _mnemo_v1_RateLimitServiceAcquireResponse__Output>
    }
  }
}

