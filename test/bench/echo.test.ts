import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EchoChild } from '../../bench/lib/echoChild.js';
import { loadConfig } from '../../src/config/config.js';
import { windowsOf } from '../support/http2Windows.js';

describe('the echo floor', () => {
  let echo: EchoChild;

  beforeAll(async () => {
    // No bytes: a SearchEpisodicResponse with every field at its default.
    echo = await EchoChild.start(Buffer.alloc(0));
  });

  afterAll(async () => {
    await echo.stop();
  });

  it('gives its clients the HTTP/2 windows mnemo gives by default', async () => {
    const mnemo = loadConfig({}).http2WindowBytes;
    expect(await windowsOf(`http://${echo.address}`)).toEqual({
      stream: mnemo,
      connection: mnemo,
    });
  });
});
