// Request bodies larger than the limit get the API's own 413 JSON error (hono's default is text).
import { bodyLimit } from 'hono/body-limit';
import { ApiError, errorBody } from './errors.ts';

export function jsonBodyLimit(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => c.json(errorBody(new ApiError(413, 'PAYLOAD_TOO_LARGE', `Body larger than ${maxBytes} bytes`)), 413),
  });
}
