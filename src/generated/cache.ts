import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { CacheServiceClient as _mnemo_v1_CacheServiceClient, CacheServiceDefinition as _mnemo_v1_CacheServiceDefinition } from './mnemo/v1/CacheService.js';
import type { CacheServiceDeleteRequest as _mnemo_v1_CacheServiceDeleteRequest, CacheServiceDeleteRequest__Output as _mnemo_v1_CacheServiceDeleteRequest__Output } from './mnemo/v1/CacheServiceDeleteRequest.js';
import type { CacheServiceDeleteResponse as _mnemo_v1_CacheServiceDeleteResponse, CacheServiceDeleteResponse__Output as _mnemo_v1_CacheServiceDeleteResponse__Output } from './mnemo/v1/CacheServiceDeleteResponse.js';
import type { CacheServiceGetHashRequest as _mnemo_v1_CacheServiceGetHashRequest, CacheServiceGetHashRequest__Output as _mnemo_v1_CacheServiceGetHashRequest__Output } from './mnemo/v1/CacheServiceGetHashRequest.js';
import type { CacheServiceGetHashResponse as _mnemo_v1_CacheServiceGetHashResponse, CacheServiceGetHashResponse__Output as _mnemo_v1_CacheServiceGetHashResponse__Output } from './mnemo/v1/CacheServiceGetHashResponse.js';
import type { CacheServiceGetRequest as _mnemo_v1_CacheServiceGetRequest, CacheServiceGetRequest__Output as _mnemo_v1_CacheServiceGetRequest__Output } from './mnemo/v1/CacheServiceGetRequest.js';
import type { CacheServiceGetResponse as _mnemo_v1_CacheServiceGetResponse, CacheServiceGetResponse__Output as _mnemo_v1_CacheServiceGetResponse__Output } from './mnemo/v1/CacheServiceGetResponse.js';
import type { CacheServiceIncrementByRequest as _mnemo_v1_CacheServiceIncrementByRequest, CacheServiceIncrementByRequest__Output as _mnemo_v1_CacheServiceIncrementByRequest__Output } from './mnemo/v1/CacheServiceIncrementByRequest.js';
import type { CacheServiceIncrementByResponse as _mnemo_v1_CacheServiceIncrementByResponse, CacheServiceIncrementByResponse__Output as _mnemo_v1_CacheServiceIncrementByResponse__Output } from './mnemo/v1/CacheServiceIncrementByResponse.js';
import type { CacheServiceSetHashRequest as _mnemo_v1_CacheServiceSetHashRequest, CacheServiceSetHashRequest__Output as _mnemo_v1_CacheServiceSetHashRequest__Output } from './mnemo/v1/CacheServiceSetHashRequest.js';
import type { CacheServiceSetHashResponse as _mnemo_v1_CacheServiceSetHashResponse, CacheServiceSetHashResponse__Output as _mnemo_v1_CacheServiceSetHashResponse__Output } from './mnemo/v1/CacheServiceSetHashResponse.js';
import type { CacheServiceSetRequest as _mnemo_v1_CacheServiceSetRequest, CacheServiceSetRequest__Output as _mnemo_v1_CacheServiceSetRequest__Output } from './mnemo/v1/CacheServiceSetRequest.js';
import type { CacheServiceSetResponse as _mnemo_v1_CacheServiceSetResponse, CacheServiceSetResponse__Output as _mnemo_v1_CacheServiceSetResponse__Output } from './mnemo/v1/CacheServiceSetResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  mnemo: {
    v1: {
      CacheService: SubtypeConstructor<typeof grpc.Client, _mnemo_v1_CacheServiceClient> & { service: _mnemo_v1_CacheServiceDefinition }
      CacheServiceDeleteRequest: MessageTypeDefinition<_mnemo_v1_CacheServiceDeleteRequest, _mnemo_v1_CacheServiceDeleteRequest__Output>
      CacheServiceDeleteResponse: MessageTypeDefinition<_mnemo_v1_CacheServiceDeleteResponse, _mnemo_v1_CacheServiceDeleteResponse__Output>
      CacheServiceGetHashRequest: MessageTypeDefinition<_mnemo_v1_CacheServiceGetHashRequest, _mnemo_v1_CacheServiceGetHashRequest__Output>
      CacheServiceGetHashResponse: MessageTypeDefinition<_mnemo_v1_CacheServiceGetHashResponse, _mnemo_v1_CacheServiceGetHashResponse__Output>
      CacheServiceGetRequest: MessageTypeDefinition<_mnemo_v1_CacheServiceGetRequest, _mnemo_v1_CacheServiceGetRequest__Output>
      CacheServiceGetResponse: MessageTypeDefinition<_mnemo_v1_CacheServiceGetResponse, _mnemo_v1_CacheServiceGetResponse__Output>
      CacheServiceIncrementByRequest: MessageTypeDefinition<_mnemo_v1_CacheServiceIncrementByRequest, _mnemo_v1_CacheServiceIncrementByRequest__Output>
      CacheServiceIncrementByResponse: MessageTypeDefinition<_mnemo_v1_CacheServiceIncrementByResponse, _mnemo_v1_CacheServiceIncrementByResponse__Output>
      CacheServiceSetHashRequest: MessageTypeDefinition<_mnemo_v1_CacheServiceSetHashRequest, _mnemo_v1_CacheServiceSetHashRequest__Output>
      CacheServiceSetHashResponse: MessageTypeDefinition<_mnemo_v1_CacheServiceSetHashResponse, _mnemo_v1_CacheServiceSetHashResponse__Output>
      CacheServiceSetRequest: MessageTypeDefinition<_mnemo_v1_CacheServiceSetRequest, _mnemo_v1_CacheServiceSetRequest__Output>
      CacheServiceSetResponse: MessageTypeDefinition<_mnemo_v1_CacheServiceSetResponse, _mnemo_v1_CacheServiceSetResponse__Output>
    }
  }
}

