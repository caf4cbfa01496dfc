import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Signal as _mnemo_v1_Signal, Signal__Output as _mnemo_v1_Signal__Output } from './mnemo/v1/Signal.js';
import type { SignalServiceClient as _mnemo_v1_SignalServiceClient, SignalServiceDefinition as _mnemo_v1_SignalServiceDefinition } from './mnemo/v1/SignalService.js';
import type { SignalServicePublishRequest as _mnemo_v1_SignalServicePublishRequest, SignalServicePublishRequest__Output as _mnemo_v1_SignalServicePublishRequest__Output } from './mnemo/v1/SignalServicePublishRequest.js';
import type { SignalServicePublishResponse as _mnemo_v1_SignalServicePublishResponse, SignalServicePublishResponse__Output as _mnemo_v1_SignalServicePublishResponse__Output } from './mnemo/v1/SignalServicePublishResponse.js';
import type { SignalServiceSubscribeRequest as _mnemo_v1_SignalServiceSubscribeRequest, SignalServiceSubscribeRequest__Output as _mnemo_v1_SignalServiceSubscribeRequest__Output } from './mnemo/v1/SignalServiceSubscribeRequest.js';
import type { SignalServiceSubscribeResponse as _mnemo_v1_SignalServiceSubscribeResponse, SignalServiceSubscribeResponse__Output as _mnemo_v1_SignalServiceSubscribeResponse__Output } from './mnemo/v1/SignalServiceSubscribeResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  mnemo: {
    v1: {
      Signal: MessageTypeDefinition<_mnemo_v1_Signal, _mnemo_v1_Signal__Output>
      SignalService: SubtypeConstructor<typeof grpc.Client, _mnemo_v1_SignalServiceClient> & { service: _mnemo_v1_SignalServiceDefinition }
      SignalServicePublishRequest: MessageTypeDefinition<_mnemo_v1_SignalServicePublishRequest, _mnemo_v1_SignalServicePublishRequest__Output>
      SignalServicePublishResponse: MessageTypeDefinition<_mnemo_v1_SignalServicePublishResponse, _mnemo_v1_SignalServicePublishResponse__Output>
      SignalServiceSubscribeRequest: MessageTypeDefinition<_mnemo_v1_SignalServiceSubscribeRequest, _mnemo_v1_SignalServiceSubscribeRequest__Output>
      SignalServiceSubscribeResponse: MessageTypeDefinition<_mnemo_v1_SignalServiceSubscribeResponse, _mnemo_v1_SignalServiceSubscribeResponse__Output>
      SignalSide: EnumTypeDefinition
    }
  }
}

